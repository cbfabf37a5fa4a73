//! The customer journey: Segment-compatible event messages, person timelines, funnels,
//! engagement, retention and churn, and the commerce figures built on orders and spend.

pub mod commerce;
pub mod config;
pub mod engagement;
pub mod funnel;
pub mod message;
pub mod retention;
pub mod timeline;
