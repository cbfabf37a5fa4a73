//! The filter bar and the links that change one part of the view.

pub mod filter_bar;
pub mod links;
pub mod range_tabs;
