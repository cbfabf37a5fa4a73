//! Wire types of the support metrics (`domain/catalogue.rs`, `docs/metrics.md`: FRT,
//! resolution time, FCR, volume, channel mix, backlog, CSAT with support).

use crate::domain::date::Day;
use crate::domain::histogram::Histogram;
use serde::{Deserialize, Serialize};

/// A duration metric: median (the headline value), mean and p90, in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DurationStats {
    /// Tickets with this duration.
    pub n: i64,
    pub median_secs: Option<f64>,
    pub mean_secs: Option<f64>,
    pub p90_secs: Option<f64>,
}

impl From<&Histogram> for DurationStats {
    fn from(h: &Histogram) -> DurationStats {
        DurationStats {
            n: h.count(),
            median_secs: h.quantile(0.5),
            mean_secs: h.mean(),
            p90_secs: h.quantile(0.9),
        }
    }
}

/// A percentage (0–100) with its sample size.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateStat {
    pub value: Option<f64>,
    pub n: i64,
}

/// One channel's ticket volume and share against its target band.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelShare {
    /// Channel name (`""` for tickets without one).
    pub channel: String,
    pub tickets: i64,
    pub share_pct: f64,
    pub band_min_pct: Option<f64>,
    pub band_max_pct: Option<f64>,
    /// `None` for channels without a band.
    pub in_band: Option<bool>,
}

/// The support metrics over tickets created in a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportReport {
    pub from: Day,
    pub to: Day,
    /// Tickets created in the period.
    pub tickets: i64,
    pub first_response_time: DurationStats,
    pub resolution_time: DurationStats,
    /// Resolved at first contact, of resolved tickets.
    pub fcr: RateStat,
    /// CSAT with support (4–5 of 5).
    pub csat: RateStat,
    pub channels: Vec<ChannelShare>,
    /// Tickets open at the end of the period.
    pub backlog: i64,
    /// Volume by channel, median first response and CSAT per bucket.
    pub trend: SupportTrend,
    /// Tickets created by UTC weekday × hour.
    pub heatmap: WeekHourHeatmap,
}

/// Support numbers per time bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportTrend {
    pub bucket: crate::domain::query::Bucket,
    /// The channels of `by_channel`, in order.
    pub channels: Vec<String>,
    pub points: Vec<SupportTrendPoint>,
}

/// One bucket of a support trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportTrendPoint {
    /// First day of the bucket inside the range.
    pub start: Day,
    /// Last day of the bucket inside the range.
    pub end: Day,
    /// Tickets created.
    pub tickets: i64,
    /// Tickets created per channel (see [`SupportTrend::channels`]).
    pub by_channel: Vec<i64>,
    pub frt_median_secs: Option<f64>,
    /// Tickets behind the median.
    pub frt_n: i64,
    pub csat_pct: Option<f64>,
    pub csat_n: i64,
}

/// Ticket counts by UTC weekday (rows, Monday first) and hour (columns).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekHourHeatmap {
    pub counts: Vec<[i64; 24]>,
}

/// One row of the ticket list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketListRow {
    pub id: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub first_response_secs: Option<i64>,
    pub resolution_secs: Option<i64>,
    pub status: String,
    pub priority: String,
    pub channel: String,
    pub satisfaction: Option<i64>,
    pub category: String,
    pub customer_id: Option<String>,
    pub partner_id: String,
    pub segment: String,
    pub region: String,
    pub vip: bool,
}

/// A page of tickets under a drill-down's filters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketList {
    pub from: Day,
    pub to: Day,
    pub params: crate::domain::ticket_list::TicketListParams,
    /// Matching tickets in all pages.
    pub total: i64,
    pub pages: i64,
    pub rows: Vec<TicketListRow>,
}

/// An incident, for the support page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: String,
    pub title: String,
    pub severity: crate::domain::incident::Severity,
    pub service: String,
    pub triggered_at: i64,
    pub acknowledged_at: Option<i64>,
    pub resolved_at: Option<i64>,
}

/// A VIP customer's open ticket created during an open incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VipTicketView {
    pub ticket_id: String,
    pub customer_id: Option<String>,
    pub created_at: i64,
    pub channel: String,
    pub priority: String,
}

/// Everything the Customer Support Performance page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportPage {
    pub report: SupportReport,
    /// MTTA / MTTR per severity over the period; `None` for partner accounts.
    pub by_severity: Option<Vec<crate::domain::incident::SeverityTimes>>,
    /// Incidents open now (empty for partner accounts).
    pub open_incidents: Vec<IncidentView>,
    /// Incidents active at any time in the range, drawn as bands on the trends (empty for
    /// partner accounts).
    pub incidents: Vec<IncidentView>,
    /// VIP customers to reach out to while an incident is open.
    pub vip: Vec<VipTicketView>,
    /// The goal of each tile's metric under the view's filters (people's target, else the
    /// catalogue default), by catalogue id.
    #[serde(default)]
    pub goals: Vec<(String, crate::domain::target::Goal)>,
    /// The tiles' figures over the comparison period (`compare=`, default the equally long
    /// period before), for each tile's change; `None` with `compare=none`.
    #[serde(default)]
    pub previous: Option<SupportPrevious>,
}

/// The support tiles' figures over the comparison period, computed as the tiles are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportPrevious {
    pub from: Day,
    pub to: Day,
    pub tickets: i64,
    pub first_response_median_secs: Option<f64>,
    pub resolution_median_secs: Option<f64>,
    pub fcr: RateStat,
    pub csat: RateStat,
    /// Tickets open at the comparison period's end.
    pub backlog: i64,
}

impl SupportPage {
    /// The goal of catalogue metric `id`, when it has one.
    pub fn goal(&self, id: &str) -> Option<crate::domain::target::Goal> {
        self.goals.iter().find(|(m, _)| m == id).map(|(_, g)| *g)
    }
}
