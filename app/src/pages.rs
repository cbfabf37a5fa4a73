//! One component per page.

pub mod access_error;
pub mod admin_audit;
pub mod admin_keys;
pub mod admin_lexicon;
pub mod admin_users;
pub mod alert_rules;
pub mod alerts;
pub mod journey;
pub mod login;
pub mod not_found;
pub mod partner;
pub mod partners;
pub mod sales;
pub mod shares;
pub mod summary;
pub mod support;
pub mod tickets;
pub mod voice;

/// Pages whose view (path + query) can be shared with a link.
pub const SHAREABLE_PATHS: &[&str] = &["/", "/partners", "/journey", "/sales"];
