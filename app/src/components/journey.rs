//! Components of the Customer Journey and Sales & Conversion pages.

pub mod cohort_heatmap;
pub mod funnel_chart;
