//! Wire types of the partner views: the partner summary, the performance table, engagement,
//! operations and revenue panels, and one partner's own page.

use crate::domain::date::Day;
use crate::domain::partner::activity::{ActivityCounts, StageFigure};
use crate::domain::partner::index::IndexWeights;
use crate::domain::partner::registry::{Onboarding, Retention};
use crate::domain::partner::{InventorySnapshot, PartnerStatus};
use serde::{Deserialize, Serialize};

/// One partner's figures over the period (a row of the performance table, and the head of
/// the partner's own page). Money is in the page's reporting currency, major units.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerRow {
    pub id: String,
    pub name: String,
    pub tier: String,
    pub region: String,
    pub status: Option<PartnerStatus>,
    pub signed_at_ms: i64,
    pub live_at_ms: Option<i64>,
    pub churned_at_ms: Option<i64>,
    /// Signed → live, days; `None` while onboarding.
    pub onboarding_days: Option<f64>,
    pub revenue: f64,
    /// Of all revenue in the period, %.
    pub revenue_share_pct: Option<f64>,
    /// Revenue growth on the same period a year earlier, %.
    pub yoy_growth_pct: Option<f64>,
    /// Sales volume.
    pub orders: i64,
    pub aov: Option<f64>,
    pub leads: i64,
    /// Deals won of deals closed in the period, %.
    pub conversion_pct: Option<f64>,
    pub pss: Option<f64>,
    pub pss_n: i64,
    pub pnps: Option<f64>,
    pub pnps_n: i64,
    pub activity: ActivityCounts,
    /// Percentile among active partners by logins and interactions.
    pub engagement_pctile: Option<f64>,
    pub trainings_started: i64,
    pub trainings_completed: i64,
    pub training_pct: Option<f64>,
    pub on_time_pct: Option<f64>,
    pub accuracy_pct: Option<f64>,
    pub return_pct: Option<f64>,
    pub lead_time_secs: Option<f64>,
    pub margin_pct: Option<f64>,
    /// SKUs with a snapshot, and of those at or below their reorder level (latest).
    pub skus: i64,
    pub skus_below_reorder: i64,
    pub inventory_turnover: Option<f64>,
    /// Partner tickets open at the period's end.
    pub open_tickets: i64,
    /// Open deals and their value.
    pub pipeline_deals: i64,
    pub pipeline_value: f64,
    /// The performance index, 0..100.
    pub index: Option<f64>,
    /// Weekly revenue over the 12 weeks ending the period (sparkline), oldest first.
    pub revenue_weeks: Vec<f64>,
}

/// The partner programme's figures over the period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerHeadline {
    /// Partners in the registry (signed by the period's end), and of those active then.
    pub partners: i64,
    pub active: i64,
    pub retention: Retention,
    pub onboarding: Onboarding,
    pub pss: Option<f64>,
    pub pss_n: i64,
    pub pnps: Option<f64>,
    pub pnps_n: i64,
    /// Revenue through partners, all revenue, and the partners' share, %.
    pub revenue: f64,
    pub total_revenue: f64,
    pub revenue_share_pct: Option<f64>,
    pub yoy_growth_pct: Option<f64>,
    pub orders: i64,
    pub aov: Option<f64>,
    pub leads: i64,
    pub conversion_pct: Option<f64>,
    /// Active partners that used the portal in the period, %.
    pub engagement_rate_pct: Option<f64>,
    pub logins: i64,
    pub interactions: i64,
    pub trainings_started: i64,
    pub trainings_completed: i64,
    pub training_pct: Option<f64>,
    pub certifications: i64,
    /// Active partners in at least one programme, %.
    pub program_participation_pct: Option<f64>,
    /// Communications per active partner per 30 days, and per medium.
    pub communications_per_partner_30d: Option<f64>,
    pub emails: i64,
    pub meetings: i64,
    pub calls: i64,
    pub on_time_pct: Option<f64>,
    pub accuracy_pct: Option<f64>,
    pub return_pct: Option<f64>,
    pub lead_time_secs: Option<f64>,
    pub margin_pct: Option<f64>,
    pub inventory_turnover: Option<f64>,
    pub skus_below_reorder: i64,
    pub open_tickets: i64,
    pub pipeline_deals: i64,
    pub pipeline_value: f64,
    /// The mean index of the partners that have one.
    pub mean_index: Option<f64>,
}

/// Revenue of one month: through partners, and in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevenuePoint {
    /// First day of the month.
    pub month: Day,
    pub partner_revenue: f64,
    pub total_revenue: f64,
}

/// One week's value (first day of the week).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WeekPoint {
    pub week: Day,
    pub value: f64,
}

/// The partner dashboards (`/partners`): every panel of the period in one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnersPage {
    pub from: Day,
    pub to: Day,
    pub previous_range: Option<(Day, Day)>,
    /// The currency money is reported in (the one with the most revenue in the period).
    pub currency: String,
    /// Other currencies with orders in the period, left out of the money figures.
    pub other_currencies: Vec<String>,
    pub weights: IndexWeights,
    pub headline: PartnerHeadline,
    /// The same figures over the compare-to period.
    pub previous: Option<PartnerHeadline>,
    /// Every partner in scope, sorted as asked.
    pub rows: Vec<PartnerRow>,
    pub sort: String,
    pub desc: bool,
    /// The deal pipeline by stage (current deals).
    pub pipeline: Vec<StageFigure>,
    /// Monthly revenue over the 12 months ending the period.
    pub revenue_trend: Vec<RevenuePoint>,
    /// Weekly logins and interactions over the 12 weeks ending the period.
    pub engagement_trend: Vec<WeekPoint>,
    /// SKUs at or below their reorder level (latest snapshot), lowest cover first.
    pub reorder: Vec<InventorySnapshot>,
    /// Set for partner accounts: the one partner they see.
    pub scoped_partner: Option<String>,
    /// Read through a share link (the view is fixed).
    #[serde(default)]
    pub shared_view: bool,
    pub generated_at: i64,
}

/// One deal as listed on a partner's page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DealView {
    pub deal_id: String,
    pub stage: String,
    pub value: f64,
    pub currency: String,
    pub at_ms: i64,
}

/// One partner's own page (`/partners/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartnerDetail {
    pub from: Day,
    pub to: Day,
    pub currency: String,
    pub weights: IndexWeights,
    pub row: PartnerRow,
    /// The same partner over the compare-to period.
    pub previous: Option<PartnerRow>,
    pub pipeline: Vec<StageFigure>,
    /// The partner's most recently updated deals, newest first.
    pub deals: Vec<DealView>,
    /// Weekly revenue and portal engagement over the 12 weeks ending the period.
    pub revenue_weeks: Vec<WeekPoint>,
    pub engagement_weeks: Vec<WeekPoint>,
    /// The latest snapshot of each SKU.
    pub inventory: Vec<InventorySnapshot>,
    pub generated_at: i64,
}
