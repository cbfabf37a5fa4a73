//! Leptos components, one per file, grouped by area.

pub mod alerts;
pub mod charts;
pub mod clock;
pub mod filters;
pub mod format;
pub mod journey;
pub mod layout;
pub mod live;
pub mod metric_info;
pub mod partners;
pub mod summary;
pub mod support;
pub mod voice;
