//! Charts: ECharts through charming in the browser, and server-rendered SVG sparklines.

pub mod breakdown_chart;
pub mod chart_table;
pub mod echarts;
pub mod sparkline;
pub mod trend_chart;
