//! Server functions, grouped by domain. Each checks authorization first and documents who may
//! call it; the data itself comes from the [`backend::Backend`] the server provides.

#[cfg(feature = "ssr")]
pub mod backend;
pub mod summary;
