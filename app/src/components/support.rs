//! The Customer Support Performance page's parts: trends with incident bands, the weekday ×
//! hour heatmap and the ticket list they drill into.

pub mod heatmap;
pub mod ticket_table;
pub mod trends;
