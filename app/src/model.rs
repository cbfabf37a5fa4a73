//! Wire types: what crosses from the server to the browser and to API clients.

pub mod access;
pub mod alerts;
pub mod journey;
pub mod partners;
pub mod support;
pub mod voice;

use crate::domain::date::Day;
use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, Figure, MetricId, Status, Unit};
use crate::domain::query::DashboardQuery;
use crate::domain::survey::SurveyKind;
use serde::{Deserialize, Serialize};

/// One point of a time series; `t` is the first day of its bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub t: Day,
    /// `None` when the bucket has fewer answers than the minimum sample.
    pub value: Option<f64>,
    pub n: i64,
    /// The bucket is not over yet (it holds today or later): its value is provisional and
    /// charts draw it as such, never as a drop.
    #[serde(default)]
    pub partial: bool,
}

/// A value and its sample size, for the comparison period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PeriodValue {
    pub value: Option<f64>,
    pub n: i64,
}

/// One KPI tile of the executive summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tile {
    pub metric: MetricId,
    pub label: String,
    pub unit: Unit,
    pub direction: Direction,
    /// The current value, `None` below the minimum sample.
    pub value: Option<f64>,
    pub n: i64,
    pub ci95: Option<[f64; 2]>,
    /// The goal that applies (`domain/target.rs`): a threshold or a band.
    pub target: crate::domain::target::Goal,
    pub status: Status,
    /// The comparison period, when the view compares.
    pub previous: Option<PeriodValue>,
    /// `value − previous.value`, in the metric's unit.
    pub change: Option<f64>,
    /// Values per bucket over the current range.
    pub spark: Vec<Option<f64>>,
    /// When data behind this tile last changed (epoch ms).
    pub updated_at: Option<i64>,
    /// The CES scale reported (CES only).
    pub scale: Option<i64>,
    /// Whether CES answers on the other scale exist in the range (CES only).
    pub other_scale_present: bool,
}

/// The trend chart of the selected metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    pub metric: MetricId,
    pub label: String,
    pub unit: Unit,
    pub target: f64,
    pub points: Vec<SeriesPoint>,
    /// The comparison period's series, aligned point for point with `points`.
    pub previous: Vec<SeriesPoint>,
}

/// One bar of the breakdown chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BreakdownRow {
    /// The dimension value; empty when the records did not say.
    pub key: String,
    pub value: Option<f64>,
    pub n: i64,
}

/// The selected metric broken down by one dimension.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    pub metric: MetricId,
    pub dimension: Dimension,
    pub rows: Vec<BreakdownRow>,
}

/// Known values of one dimension, for the filter bar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DimensionValues {
    pub dimension: Dimension,
    pub values: Vec<String>,
}

/// Everything the executive summary page shows, in one round trip.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The resolved view (defaults filled in).
    pub query: DashboardQuery,
    /// The comparison range, if any.
    pub previous_range: Option<(Day, Day)>,
    pub tiles: Vec<Tile>,
    pub trend: Trend,
    pub breakdown: Breakdown,
    pub options: Vec<DimensionValues>,
    /// Customer and partner headline numbers side by side (unfiltered views only).
    #[serde(default)]
    pub audiences: Option<Audiences>,
    /// Support and voice figures over the same view (those whose dimensions cover its
    /// filters).
    #[serde(default)]
    pub service: Vec<ServiceFigure>,
    /// Whether the store holds any survey response at all (for the empty state).
    pub has_data: bool,
    /// Server time the summary was computed (epoch ms).
    pub generated_at: i64,
    /// Read through a share link: the view is fixed, so the page offers no filters.
    #[serde(default)]
    pub shared_view: bool,
    /// The query string this answers, as the page asked for it: a page whose URL has moved on
    /// since (Back while a reload was under way) knows the figures are not its own.
    #[serde(default)]
    pub requested: String,
    /// Whether the reader may change targets (admins and analysts): tiles offer "Edit target".
    #[serde(default)]
    pub can_edit_targets: bool,
    /// The home's "Real-time alerts and notifications" (company-wide: staff only, never a
    /// partner account or a share link).
    #[serde(default)]
    pub notifications: Option<Notifications>,
}

/// The command centre's live counts, each the total of the list it links to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notifications {
    /// Incidents of severity critical open now.
    pub critical_incidents: i64,
    /// Incidents open now, any severity.
    pub open_incidents: i64,
    /// Incidents resolved in the view's range.
    pub resolved_incidents: i64,
    /// Tickets of priority high or urgent created in the view's range and not yet solved.
    pub high_priority_tickets: i64,
    /// Tickets created in the view's range and not yet solved.
    pub unresolved_tickets: i64,
    /// Tickets created in the view's range and solved or closed.
    pub resolved_tickets: i64,
    /// Customer feedback entries dated today (UTC).
    pub new_feedback: i64,
    /// Active (firing or acknowledged) alerts on customer sentiment figures.
    pub negative_sentiment_alerts: i64,
    /// Active alerts on partner sentiment figures.
    pub partner_negative_sentiment_alerts: i64,
    /// The view's range the period counts cover, and today.
    pub from: Day,
    pub to: Day,
    pub today: Day,
}

/// A figure of another family on the executive summary (average response time, overall
/// sentiment), from the same source as the metric API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServiceFigure {
    /// The catalogue id.
    pub metric: String,
    pub label: String,
    pub unit: Unit,
    /// `None` without data.
    pub value: Option<f64>,
    pub n: i64,
}

/// Customers and partners side by side on the command centre home, over the view's range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Audiences {
    /// Distinct customers with an order placed by the range's end.
    pub customers: i64,
    /// Of the people tracked by events by the range's end, the share active in the range,
    /// %; without any events, the share of customers with an order in the range.
    pub customer_engagement_pct: Option<f64>,
    /// Partners in the programme at the range's end.
    pub partners: i64,
    /// Of those, the share that used the partner portal in the range, %.
    pub partner_engagement_pct: Option<f64>,
}

/// The public read API's answer for one catalogue metric (`GET /api/v1/metrics/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricReport {
    /// The catalogue id.
    pub metric: String,
    pub family: crate::domain::catalogue::Family,
    pub unit: Unit,
    pub direction: Direction,
    pub from: Day,
    pub to: Day,
    pub bucket: String,
    pub value: Option<f64>,
    pub n: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci95: Option<[f64; 2]>,
    /// A number for a threshold, `{min, max}` for a band; `null` for a figure without one
    /// (volumes), whose status is then `unknown`.
    pub target: Option<crate::domain::target::Goal>,
    pub status: Status,
    pub min_sample: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<i64>,
    pub previous: Option<PeriodValue>,
    pub series: Vec<SeriesPoint>,
    /// The dimension of `breakdown`, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown_by: Option<Dimension>,
    /// The metric per value of `breakdown_by`; empty without one.
    pub breakdown: Vec<MetricBreakdownRow>,
}

/// One value of a metric's breakdown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricBreakdownRow {
    /// The dimension value.
    pub value: String,
    /// `None` below the minimum sample.
    pub metric_value: Option<f64>,
    pub n: i64,
}

impl From<BreakdownRow> for MetricBreakdownRow {
    fn from(r: BreakdownRow) -> Self {
        MetricBreakdownRow {
            value: r.key,
            metric_value: r.value,
            n: r.n,
        }
    }
}

/// "What changed": published on every commit, streamed to browsers, read by the alert engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangeNotice {
    /// The fact family, e.g. `surveys`.
    pub family: String,
    /// The survey kinds touched.
    pub kinds: Vec<SurveyKind>,
    /// First and last day touched.
    pub from: Day,
    pub to: Day,
    /// Records added.
    pub count: i64,
    /// Commit time (epoch ms).
    pub at: i64,
}

impl From<Figure> for PeriodValue {
    fn from(f: Figure) -> Self {
        PeriodValue {
            value: f.value,
            n: f.n,
        }
    }
}
