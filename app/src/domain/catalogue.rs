//! The metric catalogue: every figure a page shows, with its unit, direction, aggregation, the
//! dimensions it can be filtered by, its minimum sample, its definition and its default target.
//!
//! Pages, the read API (`GET /api/v1/metrics`), the alert catalogue
//! (`domain/alert/catalogue.rs`), target lines and status colours read targets and labels from
//! here; `docs/metrics.md` is generated from it ([`markdown`]; a test fails when the file is
//! stale). Adding a metric is one entry here plus its computation.

use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, Unit};
use serde::Serialize;
use Aggregation as A;
use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};
use Family as F;

/// The area of the product a metric belongs to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Survey answers: NPS, CSAT, CES, partner satisfaction.
    Survey,
    /// Support tickets.
    Support,
    /// Incidents.
    Incident,
    /// Feedback texts and their sentiment.
    Voice,
    /// Social mentions.
    Social,
    /// Partner records, orders, activity and stock.
    Partner,
    /// Product-analytics events.
    Journey,
    /// Orders, carts and marketing spend.
    Commerce,
    /// Workflows, tasks and automation runs.
    Workflow,
}

impl Family {
    /// Every family, in catalogue order.
    pub const ALL: [Family; 9] = [
        Self::Survey,
        Self::Support,
        Self::Incident,
        Self::Voice,
        Self::Social,
        Self::Partner,
        Self::Journey,
        Self::Commerce,
        Self::Workflow,
    ];

    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Survey => "survey",
            Self::Support => "support",
            Self::Incident => "incident",
            Self::Voice => "voice",
            Self::Social => "social",
            Self::Partner => "partner",
            Self::Journey => "journey",
            Self::Commerce => "commerce",
            Self::Workflow => "workflow",
        }
    }

    /// A heading for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Survey => "Surveys",
            Self::Support => "Support",
            Self::Incident => "Incidents",
            Self::Voice => "Customer voice",
            Self::Social => "Social",
            Self::Partner => "Partners",
            Self::Journey => "Customer journey",
            Self::Commerce => "Commerce",
            Self::Workflow => "Workflows",
        }
    }
}

/// How a metric's value is aggregated from its facts; it decides whether rollups can be merged
/// (ratios and sums can, quantiles merge through their histograms, distinct counts cannot).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Share of promoters minus share of detractors, in points.
    NetScore,
    /// A count over a count, as a percentage.
    RatioOfCounts,
    /// Mean of a value.
    Mean,
    /// A quantile read from a log-bucketed histogram (1 % relative accuracy).
    QuantileFromHistogram,
    /// Distinct people or partners.
    DistinctCount,
    /// A count of records.
    Count,
    /// A sum of money in the reporting currency.
    MoneySum,
    /// One money figure over another, or a product of means.
    Derived,
    /// A weighted mean of other figures.
    Index,
}

impl Aggregation {
    /// The API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NetScore => "net_score",
            Self::RatioOfCounts => "ratio_of_counts",
            Self::Mean => "mean",
            Self::QuantileFromHistogram => "quantile_from_histogram",
            Self::DistinctCount => "distinct_count",
            Self::Count => "count",
            Self::MoneySum => "money_sum",
            Self::Derived => "derived",
            Self::Index => "index",
        }
    }
}

/// One figure of the product.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct MetricSpec {
    /// The API id, stable: alert rules and links name it.
    pub id: &'static str,
    pub family: Family,
    pub label: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    pub aggregation: Aggregation,
    /// Dimensions the figure can be filtered and broken down by today.
    pub dimensions: &'static [Dimension],
    /// Fewest records behind a value; below it the value is "not enough data", never 0.
    pub min_sample: i64,
    /// What the figure means, in a paragraph.
    pub definition: &'static str,
    /// How it is computed.
    pub formula: &'static str,
    /// The default target in the metric's unit: met at or above it when higher is better, at
    /// or below it otherwise. `None` for figures that describe volume rather than quality.
    pub target: Option<f64>,
    /// The page that shows it.
    pub page: &'static str,
}

impl MetricSpec {
    /// Whether `value` meets the default target (`None` without a target or a value).
    pub fn meets_target(&self, value: Option<f64>) -> Option<bool> {
        let (v, t) = (value?, self.target?);
        Some(match self.direction {
            Direction::HigherIsBetter => v >= t,
            Direction::LowerIsBetter => v <= t,
        })
    }
}

/// The 5-point CES scale's default target: lower is easier, 2.5 or less meets it. The catalogue
/// entry `ces` is the 7-point scale (higher is easier).
pub const CES_5_POINT_TARGET: f64 = 2.5;

const ALL_DIMS: &[Dimension] = &Dimension::ALL;
/// Tickets and feedback carry every dimension but the journey touchpoint.
const TICKET_DIMS: &[Dimension] = &[
    Dimension::Channel,
    Dimension::Segment,
    Dimension::ProductCategory,
    Dimension::Region,
    Dimension::Partner,
];
const PARTNER_DIMS: &[Dimension] = &[Dimension::Partner];
/// Journey and commerce figures take the event dimensions the journey read accepts (orders
/// carry channel and category; segment and region are the customer's, from their events).
const EVENT_DIMS: &[Dimension] = &[
    Dimension::Channel,
    Dimension::Segment,
    Dimension::ProductCategory,
    Dimension::Region,
];
const NO_DIMS: &[Dimension] = &[];

#[allow(clippy::too_many_arguments)]
const fn m(
    id: &'static str,
    family: Family,
    label: &'static str,
    unit: Unit,
    direction: Direction,
    aggregation: Aggregation,
    dimensions: &'static [Dimension],
    min_sample: i64,
    target: Option<f64>,
    page: &'static str,
    definition: &'static str,
    formula: &'static str,
) -> MetricSpec {
    MetricSpec {
        id,
        family,
        label,
        unit,
        direction,
        aggregation,
        dimensions,
        min_sample,
        definition,
        formula,
        target,
        page,
    }
}

/// Every figure, grouped by family in page order.
pub const CATALOGUE: &[MetricSpec] = &[
    // Surveys (the executive summary, `/`).
    m("nps", F::Survey, "NPS", Unit::Points, Up, A::NetScore, ALL_DIMS, 30, Some(50.0), "/",
      "Net Promoter Score: how many customers would recommend the product, less those who would warn others off it.",
      "% of answers 9–10 − % of answers 0–6 on the 0–10 scale; 95 % interval from the multinomial variance"),
    m("csat", F::Survey, "CSAT", Unit::Percent, Up, A::RatioOfCounts, ALL_DIMS, 30, Some(85.0), "/",
      "Customer satisfaction: the share of satisfied answers.",
      "answers 4–5 on the 1–5 scale ÷ answers × 100"),
    m("ces", F::Survey, "Customer effort (7-point)", Unit::Score, Up, A::Mean, ALL_DIMS, 30, Some(5.5), "/",
      "Customer Effort Score: how easy it was to get what the customer came for. On the 7-point scale higher is easier; on the 5-point scale lower is easier and the target is 2.5 or less.",
      "mean answer on the survey's scale (`scale=5|7`)"),
    m("pss", F::Survey, "Partner satisfaction", Unit::Percent, Up, A::RatioOfCounts, ALL_DIMS, 10, Some(80.0), "/partners",
      "Partner satisfaction score: the share of satisfied partner answers.",
      "partner answers 4–5 on the 1–5 scale ÷ partner answers × 100"),
    m("pnps", F::Survey, "Partner NPS", Unit::Points, Up, A::NetScore, ALL_DIMS, 10, Some(30.0), "/partners",
      "Net Promoter Score asked of partners.",
      "% of partner answers 9–10 − % of answers 0–6"),
    // Support (`/support`).
    m("first_response_time", F::Support, "First response time (median)", Unit::Seconds, Down, A::QuantileFromHistogram, TICKET_DIMS, 1, Some(7_200.0), "/support",
      "How long customers wait for the first human answer to a ticket created in the period.",
      "median of first_response_at − created_at over tickets with a first response"),
    m("resolution_time", F::Support, "Resolution time (median)", Unit::Seconds, Down, A::QuantileFromHistogram, TICKET_DIMS, 1, Some(86_400.0), "/support",
      "How long a ticket created in the period takes to be resolved.",
      "median of resolved_at − created_at over resolved tickets"),
    m("fcr", F::Support, "First contact resolution", Unit::Percent, Up, A::RatioOfCounts, TICKET_DIMS, 1, Some(70.0), "/support",
      "The share of resolved tickets settled in one customer contact without being reopened.",
      "resolved tickets with one contact and no reopen ÷ resolved tickets × 100"),
    m("support_csat", F::Support, "CSAT with support", Unit::Percent, Up, A::RatioOfCounts, TICKET_DIMS, 1, Some(85.0), "/support",
      "The share of rated tickets whose customer was satisfied with support.",
      "tickets rated 4–5 ÷ rated tickets × 100"),
    m("ticket_volume", F::Support, "Ticket volume", Unit::Count, Down, A::Count, TICKET_DIMS, 0, None, "/support",
      "Tickets created in the period.",
      "count of tickets by created_at"),
    m("backlog", F::Support, "Backlog", Unit::Count, Down, A::Count, TICKET_DIMS, 0, None, "/support",
      "Tickets open at the period's end.",
      "tickets created by the end and not resolved by it"),
    m("channel_share", F::Support, "Channel share", Unit::Percent, Up, A::RatioOfCounts, TICKET_DIMS, 1, None, "/support",
      "Each channel's share of tickets, against its band: phone < 40 %, email 30–50 %, chat 20–30 %, self-service > 10 %.",
      "tickets of the channel ÷ tickets × 100"),
    // Incidents (`/support`).
    m("mtta", F::Incident, "Mean time to acknowledge", Unit::Seconds, Down, A::Mean, NO_DIMS, 1, Some(900.0), "/support",
      "How long an incident waits before someone acknowledges it, per severity.",
      "mean (and median) of acknowledged_at − started_at over incidents started in the period"),
    m("mttr", F::Incident, "Mean time to resolve", Unit::Seconds, Down, A::Mean, NO_DIMS, 1, Some(14_400.0), "/support",
      "How long an incident lasts, per severity.",
      "mean (and median) of resolved_at − started_at over incidents started in the period and resolved"),
    m("open_incidents", F::Incident, "Open incidents", Unit::Count, Down, A::Count, NO_DIMS, 0, Some(0.0), "/support",
      "Incidents started and not resolved at the period's end (or now).",
      "count of incidents started by the end and not resolved by it"),
    m("major_incidents_open", F::Incident, "Major incidents open", Unit::Count, Down, A::Count, NO_DIMS, 0, Some(0.0), "/support",
      "Incidents of severity critical or high open at the period's end (or now): the website or a service is down or badly degraded for customers. The \"Website / service downtime\" rule watches it.",
      "count of open incidents with severity critical or high"),
    // Customer voice (`/voice`).
    m("sentiment_score", F::Voice, "Sentiment score", Unit::Score, Up, A::Mean, TICKET_DIMS, 1, Some(0.2), "/voice",
      "The mean tone of customer feedback texts, −1 (negative) to 1 (positive).",
      "mean VADER compound score (with the domain lexicon) of the texts in the period"),
    m("positive_share", F::Voice, "Positive feedback share", Unit::Percent, Up, A::RatioOfCounts, TICKET_DIMS, 1, Some(60.0), "/voice",
      "The share of feedback texts that read positive.",
      "texts with compound ≥ 0.05 ÷ texts × 100"),
    m("neutral_share", F::Voice, "Neutral feedback share", Unit::Percent, Up, A::RatioOfCounts, TICKET_DIMS, 1, None, "/voice",
      "The share of feedback texts that read neither positive nor negative.",
      "texts with −0.05 < compound < 0.05 ÷ texts × 100"),
    m("negative_share", F::Voice, "Negative feedback share", Unit::Percent, Down, A::RatioOfCounts, TICKET_DIMS, 1, Some(20.0), "/voice",
      "The share of feedback texts that read negative.",
      "texts with compound ≤ −0.05 ÷ texts × 100"),
    m("partner_sentiment_score", F::Voice, "Partner sentiment score", Unit::Score, Up, A::Mean, TICKET_DIMS, 1, Some(0.2), "/voice?audience=partner",
      "The mean tone of partner feedback texts, −1 to 1.",
      "mean compound score of partner texts in the period"),
    m("partner_negative_share", F::Voice, "Partner negative feedback share", Unit::Percent, Down, A::RatioOfCounts, TICKET_DIMS, 1, Some(20.0), "/voice?audience=partner",
      "The share of partner feedback texts that read negative.",
      "partner texts with compound ≤ −0.05 ÷ partner texts × 100"),
    // Social (`/voice`).
    m("social_mentions", F::Social, "Mentions", Unit::Count, Up, A::Count, NO_DIMS, 0, None, "/voice",
      "Social posts that mention the product in the period.",
      "count of social mentions by posted_at"),
    m("social_engagement", F::Social, "Engagement per mention", Unit::Score, Up, A::Mean, NO_DIMS, 1, None, "/voice",
      "How much attention a mention gets.",
      "(likes + shares + replies) ÷ mentions"),
    m("social_sentiment", F::Social, "Sentiment of mentions", Unit::Score, Up, A::Mean, NO_DIMS, 1, Some(0.2), "/voice",
      "The mean tone of social mentions, −1 to 1.",
      "mean compound score of the mentions' texts"),
    // Partners (`/partners`, `/partners/{id}`).
    m("active_partners", F::Partner, "Active partners", Unit::Count, Up, A::DistinctCount, PARTNER_DIMS, 0, None, "/partners",
      "Partners in the programme and not churned at the period's end.",
      "count of partners with status active"),
    m("partner_retention", F::Partner, "Partner retention", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, Some(90.0), "/partners",
      "Of the partners in the programme at the period's start, the share not churned by its end.",
      "(partners at the start − churned in the period) ÷ partners at the start × 100"),
    m("partner_revenue", F::Partner, "Partner revenue", Unit::Money, Up, A::MoneySum, PARTNER_DIMS, 0, None, "/partners",
      "Revenue of orders placed through partners, in the reporting currency (the one with the most revenue in the period).",
      "sum of order amounts with a partner_id"),
    m("partner_revenue_share", F::Partner, "Revenue share through partners", Unit::Percent, Up, A::RatioOfCounts, NO_DIMS, 1, None, "/partners",
      "Partners' part of all revenue (not shown to partner accounts).",
      "partner revenue ÷ all revenue × 100"),
    m("partner_yoy_growth", F::Partner, "Partner revenue growth (YoY)", Unit::Percent, Up, A::Derived, PARTNER_DIMS, 1, Some(0.0), "/partners",
      "Revenue through partners against the same period 52 weeks earlier.",
      "(revenue − revenue a year earlier) ÷ revenue a year earlier × 100"),
    m("partner_orders", F::Partner, "Partner sales volume", Unit::Count, Up, A::Count, PARTNER_DIMS, 0, None, "/partners",
      "Orders placed through partners.",
      "count of orders with a partner_id"),
    m("partner_aov", F::Partner, "Partner average order value", Unit::Money, Up, A::Derived, PARTNER_DIMS, 1, None, "/partners",
      "Mean revenue of a partner order.",
      "partner revenue ÷ partner orders"),
    m("partner_engagement_rate", F::Partner, "Partner engagement rate", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, Some(70.0), "/partners",
      "Active partners with a portal login or interaction in the period.",
      "engaged active partners ÷ active partners × 100"),
    m("partner_performance_index", F::Partner, "Partner performance index", Unit::Points, Up, A::Index, PARTNER_DIMS, 1, Some(60.0), "/partners",
      "A 0–100 health score per partner.",
      "weighted mean of PSS %, on-time %, growth (50 + YoY %, clamped), engagement percentile and training completion %; weights 30/25/20/15/10"),
    m("on_time_delivery", F::Partner, "On-time delivery", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, Some(95.0), "/partners",
      "Delivered orders with a promise that arrived by it.",
      "orders delivered by promised_at ÷ delivered orders with a promise × 100"),
    m("order_accuracy", F::Partner, "Order accuracy", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, Some(98.0), "/partners",
      "Delivered orders without an error.",
      "accurate delivered orders ÷ delivered orders × 100"),
    m("lead_time", F::Partner, "Lead time", Unit::Seconds, Down, A::Mean, PARTNER_DIMS, 1, None, "/partners",
      "Time from order to delivery.",
      "mean of delivered_at − ordered_at"),
    m("partner_return_rate", F::Partner, "Partner return rate", Unit::Percent, Down, A::RatioOfCounts, PARTNER_DIMS, 1, Some(8.0), "/partners",
      "Partner orders returned.",
      "returned partner orders ÷ partner orders × 100"),
    m("profit_margin", F::Partner, "Profit margin", Unit::Percent, Up, A::Derived, PARTNER_DIMS, 1, None, "/partners",
      "Margin on partner orders that carry a cost.",
      "(revenue − cost) ÷ revenue × 100 over orders with a cost"),
    m("inventory_turnover", F::Partner, "Inventory turnover", Unit::Ratio, Up, A::Derived, PARTNER_DIMS, 1, None, "/partners",
      "How often stock turns over in the period (a lower bound, exact with finer counts).",
      "units drawn down (sum of falls between consecutive counts) ÷ mean stock counted"),
    m("inventory_below_reorder", F::Partner, "SKUs at or below reorder level", Unit::Count, Down, A::Count, PARTNER_DIMS, 0, Some(0.0), "/partners",
      "SKUs whose latest count is at or below their reorder level.",
      "count of SKUs with latest quantity ≤ reorder level"),
    m("partner_open_tickets", F::Partner, "Unresolved partner tickets", Unit::Count, Down, A::Count, PARTNER_DIMS, 0, Some(10.0), "/partners",
      "Tickets with a partner_id created and not resolved by the period's end.",
      "count of open tickets with a partner_id"),
    m("training_completion", F::Partner, "Training completion", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, Some(70.0), "/partners",
      "Of the distinct trainings started in the period, the share completed.",
      "completed (partner, course, learner) ÷ started × 100"),
    m("certifications", F::Partner, "Certifications", Unit::Count, Up, A::Count, PARTNER_DIMS, 0, None, "/partners",
      "Certifications partners earned in the period.",
      "count of certification records"),
    m("programme_participation", F::Partner, "Programme participation", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, None, "/partners",
      "Active partners with a programme record.",
      "partners with a programme record ÷ active partners × 100"),
    m("partner_communications", F::Partner, "Communications per partner", Unit::Score, Up, A::Derived, PARTNER_DIMS, 1, None, "/partners",
      "Emails, meetings and calls per active partner per 30 days.",
      "communications ÷ active partners ÷ (days ÷ 30)"),
    m("onboarding_time", F::Partner, "Onboarding time (median)", Unit::Seconds, Down, A::QuantileFromHistogram, PARTNER_DIMS, 1, None, "/partners",
      "Time from signing to going live, over the partners that went live in the period.",
      "median of live_at − signed_at"),
    m("partner_leads", F::Partner, "Partner leads", Unit::Count, Up, A::Count, PARTNER_DIMS, 0, None, "/partners",
      "Leads partners registered in the period.",
      "count of lead records"),
    m("deal_conversion", F::Partner, "Deal conversion", Unit::Percent, Up, A::RatioOfCounts, PARTNER_DIMS, 1, None, "/partners",
      "Deals won of those closed in the period.",
      "won deals ÷ (won + lost) deals × 100"),
    m("pipeline_value", F::Partner, "Open pipeline", Unit::Money, Up, A::MoneySum, PARTNER_DIMS, 0, None, "/partners",
      "The value of every open deal at its current stage.",
      "sum of open deal values"),
    // Customer journey (`/journey`).
    m("dau", F::Journey, "DAU (mean)", Unit::Count, Up, A::DistinctCount, EVENT_DIMS, 0, None, "/journey",
      "People active on a day, averaged over the range's days.",
      "mean over days of distinct people with an activity event that day"),
    m("wau", F::Journey, "WAU (mean)", Unit::Count, Up, A::DistinctCount, EVENT_DIMS, 0, None, "/journey",
      "People active in the 7 days ending on a day, averaged over the range.",
      "mean over days of distinct people active in the 7 days to it"),
    m("mau", F::Journey, "MAU (mean)", Unit::Count, Up, A::DistinctCount, EVENT_DIMS, 0, None, "/journey",
      "People active in the 30 days ending on a day, averaged over the range.",
      "mean over days of distinct people active in the 30 days to it"),
    m("stickiness", F::Journey, "Stickiness (DAU/MAU)", Unit::Percent, Up, A::Derived, EVENT_DIMS, 1, Some(20.0), "/journey",
      "How many of the month's users come back on a given day.",
      "mean DAU ÷ mean MAU × 100"),
    m("sessions_per_user", F::Journey, "Sessions per user", Unit::Score, Up, A::Derived, EVENT_DIMS, 1, None, "/journey",
      "Sessions per person active in the range; 30 minutes without an event ends a session.",
      "sessions ÷ people active"),
    m("customer_engagement_rate", F::Journey, "Customer engagement rate", Unit::Percent, Up, A::RatioOfCounts, EVENT_DIMS, 1, None, "/journey",
      "People active in the range of all people tracked by its end.",
      "people active ÷ people tracked × 100"),
    m("churn_rate", F::Journey, "Churn rate", Unit::Percent, Down, A::RatioOfCounts, EVENT_DIMS, 1, Some(5.0), "/journey",
      "Of the people active in the previous period of equal length, the share not active in this one.",
      "(active before − active before and now) ÷ active before × 100"),
    m("funnel_conversion", F::Journey, "Funnel conversion", Unit::Percent, Up, A::RatioOfCounts, EVENT_DIMS, 1, None, "/journey",
      "People who completed every step of the journey in order within the window, of those who entered.",
      "people reaching the last step ÷ people with a first-step event × 100"),
    // Commerce (`/sales`).
    m("conversion_rate", F::Commerce, "Conversion rate", Unit::Percent, Up, A::RatioOfCounts, EVENT_DIMS, 1, Some(3.0), "/sales",
      "People active in the range who ordered in it.",
      "people active who ordered ÷ people active × 100"),
    m("aov", F::Commerce, "Average order value", Unit::Money, Up, A::Derived, EVENT_DIMS, 1, Some(50.0), "/sales",
      "Mean revenue of an order, in the reporting currency.",
      "revenue ÷ orders"),
    m("cart_abandonment", F::Commerce, "Cart abandonment", Unit::Percent, Down, A::RatioOfCounts, EVENT_DIMS, 1, Some(70.0), "/sales",
      "People who started checkout without an order within 24 hours.",
      "checkouts without an Order Completed in 24 h ÷ checkouts started × 100"),
    m("repeat_purchase_rate", F::Commerce, "Repeat purchase rate", Unit::Percent, Up, A::RatioOfCounts, EVENT_DIMS, 1, Some(60.0), "/sales",
      "Of the customers who ordered in the range, those with two or more orders ever by its end.",
      "customers with ≥ 2 orders ÷ customers who ordered × 100"),
    m("return_rate", F::Commerce, "Return rate", Unit::Percent, Down, A::RatioOfCounts, EVENT_DIMS, 1, Some(8.0), "/sales",
      "Orders returned.",
      "returned orders ÷ orders × 100"),
    m("clv", F::Commerce, "Customer lifetime value", Unit::Money, Up, A::Derived, EVENT_DIMS, 1, Some(2_500.0), "/sales",
      "What a customer is worth over their expected lifespan.",
      "AOV × purchases per customer a year × lifespan (default 3 years), over the 365 days to the range's end"),
    m("cac", F::Commerce, "Customer acquisition cost", Unit::Money, Down, A::Derived, EVENT_DIMS, 1, Some(150.0), "/sales",
      "Marketing spend per new customer.",
      "marketing spend in the range (pro rata by days) ÷ customers with their first order in it"),
    m("clv_cac_ratio", F::Commerce, "CLV:CAC", Unit::Ratio, Up, A::Derived, EVENT_DIMS, 1, Some(3.0), "/sales",
      "How many times a customer's value covers the cost of winning them.",
      "CLV ÷ CAC"),
    // Workflows (app/src/domain/workflow/figures.rs states each definition once).
    m("active_workflows", F::Workflow, "Active workflows", Unit::Count, Up, A::Count, NO_DIMS, 0, None, "/workflows",
      "Workflows open (not started or in progress) at the period's end.",
      "workflows created by the end, not done or cancelled by then"),
    m("workflows_completed", F::Workflow, "Workflows completed", Unit::Count, Up, A::Count, NO_DIMS, 0, None, "/workflows",
      "Workflows done within the period.",
      "workflows whose completion falls in the period"),
    m("workflows_completed_pct", F::Workflow, "Workflows completed (share)", Unit::Percent, Up, A::RatioOfCounts, NO_DIMS, 1, None, "/workflows",
      "Completed workflows as a share of the period's workflows (created before its end, not closed before it began, not cancelled).",
      "completed ÷ the period's workflows × 100"),
    m("workflows_in_progress", F::Workflow, "Work in progress", Unit::Count, Down, A::Count, NO_DIMS, 0, None, "/workflows",
      "Workflows in progress at the period's end.",
      "workflows started and not yet done or cancelled at the end"),
    m("workflows_in_progress_pct", F::Workflow, "Workflows in progress (share)", Unit::Percent, Up, A::RatioOfCounts, NO_DIMS, 1, None, "/workflows",
      "In-progress workflows as a share of the period's workflows.",
      "in progress ÷ the period's workflows × 100"),
    m("workflows_delayed", F::Workflow, "Delayed workflows", Unit::Count, Down, A::Count, NO_DIMS, 0, Some(0.0), "/workflows",
      "Workflows past due and not done at the period's end, or done within the period after their due date.",
      "overdue open workflows + workflows completed late in the period"),
    m("workflows_delayed_pct", F::Workflow, "Delayed workflows (share)", Unit::Percent, Down, A::RatioOfCounts, NO_DIMS, 1, Some(10.0), "/workflows",
      "Delayed workflows as a share of the period's workflows.",
      "delayed ÷ the period's workflows × 100"),
    m("upcoming_deadlines", F::Workflow, "Upcoming deadlines", Unit::Count, Down, A::Count, NO_DIMS, 0, None, "/workflows",
      "Open workflows due within the 7 days after the period's end.",
      "open workflows with end ≤ due < end + 7 days"),
    m("time_to_completion", F::Workflow, "Average time to completion", Unit::Seconds, Down, A::Mean, NO_DIMS, 1, None, "/workflows",
      "How long completed workflows took from creation to completion.",
      "mean(completed − created) over workflows completed in the period"),
    m("workflow_delay", F::Workflow, "Average delay", Unit::Seconds, Down, A::Mean, NO_DIMS, 1, None, "/workflows",
      "How late the delayed workflows are.",
      "mean((completion, or the period's end) − due) over delayed workflows"),
    m("efficiency_ratio", F::Workflow, "Efficiency ratio", Unit::Percent, Up, A::RatioOfCounts, NO_DIMS, 1, Some(90.0), "/workflows",
      "Workflows completed on time as a share of workflows completed; one without a due date is on time.",
      "completed on or before due ÷ completed × 100"),
    m("cycle_time_p50", F::Workflow, "Cycle time (median)", Unit::Seconds, Down, A::QuantileFromHistogram, NO_DIMS, 1, None, "/workflows",
      "From first moving into progress to done, median of the workflows completed in the period.",
      "p50(completed − started)"),
    m("cycle_time_p85", F::Workflow, "Cycle time (p85)", Unit::Seconds, Down, A::QuantileFromHistogram, NO_DIMS, 1, None, "/workflows",
      "From first moving into progress to done: 85 % of the period's completed workflows took at most this.",
      "p85(completed − started)"),
    m("workflow_throughput", F::Workflow, "Throughput per week", Unit::Score, Up, A::Derived, NO_DIMS, 0, None, "/workflows",
      "Workflows completed per 7 days of the period.",
      "completed ÷ (days of the period so far ÷ 7)"),
    m("tasks_pending", F::Workflow, "Pending tasks", Unit::Count, Down, A::Count, NO_DIMS, 0, None, "/workflows",
      "Tasks open at the period's end.",
      "tasks created by the end, not done or cancelled by then"),
    m("tasks_completed", F::Workflow, "Tasks completed", Unit::Count, Up, A::Count, NO_DIMS, 0, None, "/workflows",
      "Tasks done within the period.",
      "tasks whose completion falls in the period"),
    m("tasks_overdue", F::Workflow, "Overdue tasks", Unit::Count, Down, A::Count, NO_DIMS, 0, Some(0.0), "/workflows",
      "Open tasks past their due date at the period's end.",
      "pending tasks with due < end"),
    m("automation_running", F::Workflow, "Automation runs running", Unit::Count, Up, A::Count, NO_DIMS, 0, None, "/workflows",
      "Automation runs started in the period and still running.",
      "runs started in the period with status running"),
    m("automation_pending", F::Workflow, "Automation runs pending", Unit::Count, Down, A::Count, NO_DIMS, 0, None, "/workflows",
      "Automation runs started in the period and waiting to run.",
      "runs started in the period with status pending"),
    m("automation_completed", F::Workflow, "Automation runs completed", Unit::Count, Up, A::Count, NO_DIMS, 0, None, "/workflows",
      "Automation runs started in the period that completed.",
      "runs started in the period with status completed"),
    m("automation_failed", F::Workflow, "Automation runs failed", Unit::Count, Down, A::Count, NO_DIMS, 0, Some(0.0), "/workflows",
      "Automation runs started in the period that failed.",
      "runs started in the period with status failed"),
    m("automation_success_rate", F::Workflow, "Automation success rate", Unit::Percent, Up, A::RatioOfCounts, NO_DIMS, 1, Some(95.0), "/workflows",
      "Completed runs as a share of finished runs.",
      "completed ÷ (completed + failed) × 100"),
];

/// The entry of an API id.
pub fn find(id: &str) -> Option<&'static MetricSpec> {
    CATALOGUE.iter().find(|m| m.id == id)
}

/// The default target of an id (`None` for an unknown id or a figure without one).
pub fn default_target(id: &str) -> Option<f64> {
    find(id).and_then(|m| m.target)
}

fn unit_name(u: Unit) -> &'static str {
    match u {
        Unit::Points => "points",
        Unit::Percent => "percent",
        Unit::Score => "score",
        Unit::Seconds => "seconds",
        Unit::Count => "count",
        Unit::Money => "money",
        Unit::Ratio => "ratio",
    }
}

fn target_text(m: &MetricSpec) -> String {
    let Some(t) = m.target else {
        return "—".into();
    };
    let side = match m.direction {
        Direction::HigherIsBetter => "≥",
        Direction::LowerIsBetter => "≤",
    };
    let v = match m.unit {
        Unit::Seconds if t >= 3_600.0 => format!("{} h", t / 3_600.0),
        Unit::Seconds if t >= 60.0 => format!("{} min", t / 60.0),
        Unit::Seconds => format!("{t} s"),
        Unit::Percent => format!("{t} %"),
        _ => format!("{t}"),
    };
    format!("{side} {v}")
}

/// `docs/metrics.md`: the catalogue as a document, one table per family.
pub fn markdown() -> String {
    let mut out = String::from(
        "# Metric catalogue\n\n\
         Generated from `app/src/domain/catalogue.rs`; a test fails when this file is stale\n\
         (`SIGNALROOM_WRITE_DOCS=1 cargo test -p app catalogue` rewrites it). `GET /api/v1/metrics`\n\
         answers the same catalogue as JSON.\n\n\
         A value below the minimum sample is \"not enough data\", never 0. A target is met at or\n\
         above it when higher is better, at or below it otherwise.\n",
    );
    for family in Family::ALL {
        out.push_str(&format!("\n## {}\n\n", family.label()));
        out.push_str(
            "| id | figure | unit | better | aggregation | dimensions | min n | target | definition | formula |\n\
             |---|---|---|---|---|---|---|---|---|---|\n",
        );
        for m in CATALOGUE.iter().filter(|m| m.family == family) {
            let dims = if m.dimensions.is_empty() {
                "—".to_string()
            } else {
                m.dimensions
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let better = match m.direction {
                Direction::HigherIsBetter => "higher",
                Direction::LowerIsBetter => "lower",
            };
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
                m.id,
                m.label,
                unit_name(m.unit),
                better,
                m.aggregation.as_str(),
                dims,
                m.min_sample,
                target_text(m),
                m.definition.replace('|', "\\|"),
                m.formula.replace('|', "\\|"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_snake_case_and_found() {
        for m in CATALOGUE {
            assert_eq!(
                CATALOGUE.iter().filter(|o| o.id == m.id).count(),
                1,
                "{}",
                m.id
            );
            assert_eq!(find(m.id).map(|f| f.id), Some(m.id));
            assert!(
                m.id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{}",
                m.id
            );
            assert!(
                !m.definition.is_empty() && !m.formula.is_empty(),
                "{}",
                m.id
            );
            assert!(m.min_sample >= 0, "{}", m.id);
            assert!(m.target.is_none_or(f64::is_finite), "{}", m.id);
        }
        assert!(find("no_such_metric").is_none());
    }

    #[test]
    fn every_family_has_a_metric() {
        for f in Family::ALL {
            assert!(CATALOGUE.iter().any(|m| m.family == f), "{f:?}");
        }
    }

    /// The seed figures the issue names (docs/metrics.md lists them all).
    #[test]
    fn default_targets_follow_the_seed_figures() {
        for (id, want) in [
            ("csat", 85.0),
            ("nps", 50.0),
            ("first_response_time", 7_200.0),
            ("resolution_time", 86_400.0),
            ("clv", 2_500.0),
            ("cac", 150.0),
            ("clv_cac_ratio", 3.0),
            ("repeat_purchase_rate", 60.0),
            ("churn_rate", 5.0),
            ("return_rate", 8.0),
        ] {
            assert_eq!(default_target(id), Some(want), "{id}");
        }
        assert_eq!(CES_5_POINT_TARGET, 2.5);
    }

    /// Tiles and the sales page read these through `unwrap_or_default`: a missing entry would
    /// silently make the target 0.
    #[test]
    fn every_tile_and_sales_figure_has_a_default_target() {
        for m in crate::domain::metric::MetricId::ALL {
            assert!(default_target(m.as_str()).is_some(), "{}", m.as_str());
        }
        for m in crate::domain::journey::commerce::CommerceMetric::ALL {
            assert!(default_target(m.as_str()).is_some(), "{}", m.as_str());
        }
    }

    #[test]
    fn meeting_a_target_follows_the_direction() {
        let csat = find("csat").unwrap();
        assert_eq!(csat.meets_target(Some(85.0)), Some(true));
        assert_eq!(csat.meets_target(Some(84.9)), Some(false));
        let cac = find("cac").unwrap();
        assert_eq!(cac.meets_target(Some(150.0)), Some(true));
        assert_eq!(cac.meets_target(Some(151.0)), Some(false));
        assert_eq!(find("ticket_volume").unwrap().meets_target(Some(3.0)), None);
        assert_eq!(csat.meets_target(None), None);
    }

    #[test]
    fn the_generated_document_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/metrics.md");
        let fresh = markdown();
        let stored = std::fs::read_to_string(path).unwrap_or_default();
        if stored != fresh {
            if std::env::var_os("SIGNALROOM_WRITE_DOCS").is_some() {
                std::fs::write(path, &fresh).expect("write docs/metrics.md");
                return;
            }
            panic!(
                "docs/metrics.md is stale: run `SIGNALROOM_WRITE_DOCS=1 cargo test -p app catalogue` \
                 and commit it"
            );
        }
        for m in CATALOGUE {
            assert!(stored.contains(&format!("`{}`", m.id)), "{}", m.id);
        }
    }
}
