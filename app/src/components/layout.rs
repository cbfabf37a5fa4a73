//! Page chrome.

pub mod live_badge;
pub mod top_bar;
