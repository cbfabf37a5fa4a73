//! The metrics an alert rule can watch. The engine is generic over this table: a metric
//! family added later (sentiment, churn, partners) becomes alertable by adding its rows here
//! and a sample source for its family in the server.

use crate::domain::catalogue::CATALOGUE as METRICS;
use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, MetricId, Unit};
use crate::domain::target::{Goal, Targets};
use serde::{Deserialize, Serialize};

/// Where a metric's samples come from; change notices of the same name wake the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Family {
    /// Survey answers (`survey_rollup`).
    Surveys,
    /// Support tickets (`ticket_rollup`, `ticket_hist`).
    Tickets,
    /// Feedback texts and their sentiment (`feedback_rollup`).
    Feedback,
    /// Partner figures: orders, activity, inventory and partner tickets (the partner views).
    Partners,
    /// Incidents (`incidents`): MTTA, MTTR, open incidents.
    Incidents,
    /// Product-analytics events (`events`): activity, churn, the funnel.
    Journey,
    /// Orders, carts and marketing spend (`orders`, `events`, `marketing_spend`).
    Commerce,
    /// Workflows, tasks and automation runs (`workflows`, `workflow_tasks`, `automation_runs`).
    Workflows,
}

impl Family {
    /// Every family.
    pub const ALL: [Family; 8] = [
        Self::Surveys,
        Self::Tickets,
        Self::Feedback,
        Self::Partners,
        Self::Incidents,
        Self::Journey,
        Self::Commerce,
        Self::Workflows,
    ];

    /// The change-bus name of the family.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Surveys => "surveys",
            Self::Tickets => "tickets",
            Self::Feedback => "feedback",
            Self::Partners => "partners",
            Self::Incidents => "incidents",
            Self::Journey => "events",
            Self::Commerce => "orders",
            Self::Workflows => "workflows",
        }
    }

    /// Whether a change notice of bus family `notice` can move this family's figures.
    pub fn moved_by(self, notice: &str) -> bool {
        notice == "*"
            || notice == self.as_str()
            || (self == Self::Commerce && matches!(notice, "events" | "marketing_spend"))
            // Partner satisfaction (PSS, pNPS) is read from partner surveys.
            || (self == Self::Partners && matches!(notice, "orders" | "tickets" | "surveys"))
    }
}

/// Whose experience a metric describes: the alerts dashboard has a view for each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Customer,
    Partner,
}

impl Audience {
    /// The query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Partner => "partner",
        }
    }

    /// Parses a query-string name.
    pub fn parse(s: &str) -> Option<Audience> {
        match s {
            "customer" => Some(Self::Customer),
            "partner" => Some(Self::Partner),
            _ => None,
        }
    }
}

/// One alertable metric: its entry in the metric catalogue (`domain/catalogue.rs`: label, unit,
/// direction, target, dimensions) plus where the engine reads its samples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricDef {
    /// The API id of `domain/catalogue.rs`.
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    /// The target, in the metric's unit: the catalogue default (an infinite threshold for a
    /// figure without one), or the goal people set, once the engine has looked it up.
    pub target: Goal,
    pub family: Family,
    pub audience: Audience,
    /// Whether matching customer comments can be quoted as evidence.
    pub has_comments: bool,
    /// Dimensions the metric can be filtered and grouped by.
    pub dimensions: &'static [Dimension],
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// An alertable entry built from the metric catalogue at compile time: an id missing there
/// does not compile.
const fn def(
    id: &'static str,
    family: Family,
    audience: Audience,
    has_comments: bool,
) -> MetricDef {
    let mut i = 0;
    while i < METRICS.len() {
        let m = &METRICS[i];
        if same(m.id, id) {
            return MetricDef {
                id: m.id,
                label: m.label,
                unit: m.unit,
                direction: m.direction,
                target: match m.target {
                    Some(t) => Goal::Threshold(t),
                    None => Goal::Threshold(f64::INFINITY),
                },
                family,
                audience,
                has_comments,
                dimensions: m.dimensions,
            };
        }
        i += 1;
    }
    panic!("an alertable metric must be in the metric catalogue")
}

const fn survey(id: &'static str, audience: Audience) -> MetricDef {
    def(id, Family::Surveys, audience, true)
}

const fn ticket(id: &'static str) -> MetricDef {
    def(id, Family::Tickets, Audience::Customer, false)
}

const fn feedback(id: &'static str, audience: Audience) -> MetricDef {
    def(id, Family::Feedback, audience, true)
}

/// Social mentions are feedback of source `social`: they move with feedback notices.
const fn social(id: &'static str) -> MetricDef {
    def(id, Family::Feedback, Audience::Customer, false)
}

const fn partner(id: &'static str) -> MetricDef {
    def(id, Family::Partners, Audience::Partner, false)
}

const fn incident(id: &'static str) -> MetricDef {
    def(id, Family::Incidents, Audience::Customer, false)
}

const fn journey(id: &'static str) -> MetricDef {
    def(id, Family::Journey, Audience::Customer, false)
}

const fn commerce(id: &'static str) -> MetricDef {
    def(id, Family::Commerce, Audience::Customer, false)
}

const fn workflow(id: &'static str) -> MetricDef {
    def(id, Family::Workflows, Audience::Customer, false)
}

/// Every alertable metric. CES is watched on the 7-point scale (higher is easier), the scale
/// the demo and most tools use.
pub const CATALOGUE: &[MetricDef] = &[
    survey("nps", Audience::Customer),
    survey("csat", Audience::Customer),
    survey("ces", Audience::Customer),
    survey("pss", Audience::Partner),
    survey("pnps", Audience::Partner),
    ticket("first_response_time"),
    ticket("resolution_time"),
    ticket("fcr"),
    ticket("support_csat"),
    feedback("sentiment_score", Audience::Customer),
    feedback("negative_share", Audience::Customer),
    feedback("positive_share", Audience::Customer),
    feedback("neutral_share", Audience::Customer),
    feedback("partner_sentiment_score", Audience::Partner),
    feedback("partner_negative_share", Audience::Partner),
    ticket("ticket_volume"),
    ticket("backlog"),
    ticket("channel_share"),
    social("social_mentions"),
    social("social_engagement"),
    social("social_sentiment"),
    partner("partner_performance_index"),
    partner("on_time_delivery"),
    partner("order_accuracy"),
    partner("partner_revenue"),
    partner("inventory_below_reorder"),
    partner("partner_open_tickets"),
    partner("active_partners"),
    partner("partner_retention"),
    partner("partner_revenue_share"),
    partner("partner_yoy_growth"),
    partner("partner_orders"),
    partner("partner_aov"),
    partner("partner_engagement_rate"),
    partner("lead_time"),
    partner("partner_return_rate"),
    partner("profit_margin"),
    partner("inventory_turnover"),
    partner("training_completion"),
    partner("certifications"),
    partner("programme_participation"),
    partner("partner_communications"),
    partner("onboarding_time"),
    partner("partner_leads"),
    partner("deal_conversion"),
    partner("pipeline_value"),
    incident("mtta"),
    incident("mttr"),
    incident("open_incidents"),
    incident("major_incidents_open"),
    journey("dau"),
    journey("wau"),
    journey("mau"),
    journey("stickiness"),
    journey("sessions_per_user"),
    journey("customer_engagement_rate"),
    journey("churn_rate"),
    journey("funnel_conversion"),
    commerce("conversion_rate"),
    commerce("aov"),
    commerce("cart_abandonment"),
    commerce("repeat_purchase_rate"),
    commerce("return_rate"),
    commerce("clv"),
    commerce("cac"),
    commerce("clv_cac_ratio"),
    workflow("active_workflows"),
    workflow("workflows_completed"),
    workflow("workflows_completed_pct"),
    workflow("workflows_in_progress"),
    workflow("workflows_in_progress_pct"),
    workflow("workflows_delayed"),
    workflow("workflows_delayed_pct"),
    workflow("upcoming_deadlines"),
    workflow("time_to_completion"),
    workflow("workflow_delay"),
    workflow("efficiency_ratio"),
    workflow("cycle_time_p50"),
    workflow("cycle_time_p85"),
    workflow("workflow_throughput"),
    workflow("tasks_pending"),
    workflow("tasks_completed"),
    workflow("tasks_overdue"),
    workflow("automation_running"),
    workflow("automation_pending"),
    workflow("automation_completed"),
    workflow("automation_failed"),
    workflow("automation_success_rate"),
];

/// The catalogue entry of an API id.
pub fn find(id: &str) -> Option<&'static MetricDef> {
    CATALOGUE.iter().find(|m| m.id == id)
}

impl MetricDef {
    /// Whether the metric has a finite target (volume has none).
    pub fn has_target(&self) -> bool {
        match self.target {
            Goal::Threshold(t) => t.is_finite(),
            Goal::Band { .. } => true,
        }
    }

    /// This entry with the goal that applies to a rule's filters (`domain/target.rs`): people's
    /// targets over the default. A figure without a default gains one only when people set it.
    pub fn with_targets(
        &self,
        targets: &Targets,
        filters: &std::collections::BTreeMap<Dimension, String>,
    ) -> MetricDef {
        MetricDef {
            target: targets.goal(self.id, filters).unwrap_or(self.target),
            ..*self
        }
    }

    /// The survey metric behind this entry, for the survey family.
    pub fn survey_metric(&self) -> Option<MetricId> {
        MetricId::parse(self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalogue_id_is_unique_and_found() {
        for m in CATALOGUE {
            assert_eq!(find(m.id).map(|f| f.id), Some(m.id));
            assert_eq!(CATALOGUE.iter().filter(|o| o.id == m.id).count(), 1);
        }
        assert!(find("nope").is_none());
    }

    #[test]
    fn every_figure_of_the_metric_catalogue_is_alertable() {
        for m in METRICS {
            assert!(find(m.id).is_some(), "{} has no alert entry", m.id);
        }
        assert_eq!(CATALOGUE.len(), METRICS.len());
    }

    #[test]
    fn survey_targets_agree_with_the_dashboard() {
        for m in CATALOGUE.iter().filter(|m| m.family == Family::Surveys) {
            let id = m.survey_metric().unwrap();
            assert_eq!(m.target, Goal::Threshold(id.target(7)), "{}", m.id);
        }
        assert_eq!(find("pss").unwrap().audience, Audience::Partner);
        assert!(!find("ticket_volume").unwrap().has_target());
    }
}
