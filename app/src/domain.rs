//! Pure domain logic: the metric catalogue, dates, dimensions, survey validation, metric formulas, the query model
//! and summary assembly, access rules, tickets and duration histograms. No I/O, no Leptos, no
//! SQL: everything here is unit-tested.

pub mod access;
pub mod alert;
pub mod catalogue;
pub mod date;
pub mod dimension;
pub mod escape;
pub mod feedback;
pub mod histogram;
pub mod incident;
pub mod journey;
pub mod metric;
pub mod order;
pub mod partner;
pub mod query;
pub mod sentiment;
pub mod summary;
pub mod support_trend;
pub mod survey;
pub mod target;
pub mod throttle;
pub mod ticket;
pub mod ticket_list;
pub mod workflow;
