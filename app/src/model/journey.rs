//! Wire types of the Customer Journey and Sales & Conversion views.

use crate::domain::date::Day;
use crate::domain::journey::commerce::{CommerceMetric, OrderFigures};
use crate::domain::journey::config::Stage;
use crate::domain::journey::engagement::Engagement;
use crate::domain::journey::funnel::StepFigure;
use crate::domain::journey::retention::{CohortRow, Period};
use serde::{Deserialize, Serialize};

/// The funnel of one breakdown value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The dimension value (`""` is "not set", `other` gathers the rest).
    pub value: String,
    pub entered: i64,
    pub steps: Vec<StepFigure>,
}

/// The Customer Journey view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JourneyView {
    pub from: Day,
    pub to: Day,
    pub stages: Vec<Stage>,
    /// Whether the steps are the query's own rather than the configured journey.
    pub custom: bool,
    pub window_days: i64,
    /// People who entered the funnel (first step in the range).
    pub entered: i64,
    pub steps: Vec<StepFigure>,
    pub breakdown: Option<String>,
    /// Funnels per breakdown value, largest first (at most [`MAX_BREAKDOWN_ROWS`]).
    pub breakdown_rows: Vec<BreakdownRow>,
    pub engagement: Engagement,
    pub period: Period,
    pub cohorts: Vec<CohortRow>,
    /// Of the people active in the previous equal period, the share not active in this one.
    pub churn_pct: Option<f64>,
    pub churn_base: i64,
    /// Activity events and people in the index (all time).
    pub events: i64,
    pub people: i64,
    /// Opened through a share link: the view is fixed.
    #[serde(default)]
    pub shared_view: bool,
}

/// Most breakdown rows; smaller values are gathered under `other`.
pub const MAX_BREAKDOWN_ROWS: usize = 8;

/// One metric of the sales view against its target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetFigure {
    pub metric: CommerceMetric,
    pub value: Option<f64>,
    /// The same metric over the compare-to period.
    pub previous: Option<f64>,
    pub target: f64,
    pub meets: Option<bool>,
}

/// One month of the 12-month trends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthPoint {
    /// First day of the month.
    pub month: Day,
    /// (metric, value) for every metric with a value that month.
    pub values: Vec<(CommerceMetric, f64)>,
}

/// The Sales & Conversion view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommerceView {
    pub from: Day,
    pub to: Day,
    /// The reporting currency: the one with the most revenue; money figures are in it.
    pub currency: Option<String>,
    /// Currencies with orders in the range that are left out of money figures.
    pub other_currencies: Vec<String>,
    pub figures: OrderFigures,
    /// People active in the range, and of those, people who ordered in it.
    pub active_people: i64,
    pub converted_people: i64,
    pub checkouts: i64,
    pub abandoned: i64,
    /// Every metric with its target and change.
    pub metrics: Vec<TargetFigure>,
    /// The 12 months ending with the range's month, oldest first.
    pub trend: Vec<MonthPoint>,
    /// The view the figures are computed for (the filter bar shows it).
    #[serde(default)]
    pub query: Option<crate::domain::query::DashboardQuery>,
    /// The values orders and events carry per filterable dimension.
    #[serde(default)]
    pub options: Vec<crate::model::DimensionValues>,
    /// Opened through a share link: the view is fixed.
    #[serde(default)]
    pub shared_view: bool,
}

impl CommerceView {
    /// The figure of one metric.
    pub fn metric(&self, m: CommerceMetric) -> Option<&TargetFigure> {
        self.metrics.iter().find(|f| f.metric == m)
    }
}
