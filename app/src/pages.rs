//! One component per page.

pub mod not_found;
pub mod summary;
