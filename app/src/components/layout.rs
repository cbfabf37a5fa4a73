//! Page chrome.

pub mod copy_link;
pub mod live_badge;
pub mod share_button;
pub mod top_bar;
pub mod user_menu;
