//! Components of the partner dashboards.

pub mod performance_table;
pub mod pipeline_table;
pub mod series_chart;
pub mod stat_tile;
