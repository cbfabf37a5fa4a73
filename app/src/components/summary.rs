//! Components of the executive summary.

pub mod empty_state;
pub mod kpi_tile;
pub mod target_editor;
