//! Server functions, grouped by domain. Each checks authorization first and documents who may
//! call it; the data itself comes from the backends the server provides.

pub mod access;
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod journey;
pub mod partners;
pub mod summary;
pub mod support;
pub mod targets;
pub mod voice;
