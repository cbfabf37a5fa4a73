//! The metrics an alert rule can watch. The engine is generic over this table: a metric
//! family added later (sentiment, churn, partners) becomes alertable by adding its rows here
//! and a sample source for its family in the server.

use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, MetricId, Unit};
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
}

impl Family {
    /// The change-bus name of the family.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Surveys => "surveys",
            Self::Tickets => "tickets",
            Self::Feedback => "feedback",
            Self::Partners => "partners",
        }
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

/// One alertable metric.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MetricDef {
    /// The API id (as in DESIGN §3).
    pub id: &'static str,
    pub label: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    /// The seeded target, in the metric's unit.
    pub target: f64,
    pub family: Family,
    pub audience: Audience,
    /// Whether matching customer comments can be quoted as evidence.
    pub has_comments: bool,
    /// Dimensions the metric can be filtered and grouped by.
    pub dimensions: &'static [Dimension],
}

const SURVEY_DIMS: &[Dimension] = &Dimension::ALL;
/// Tickets carry every dimension but the journey touchpoint.
const TICKET_DIMS: &[Dimension] = &[
    Dimension::Channel,
    Dimension::Segment,
    Dimension::ProductCategory,
    Dimension::Region,
    Dimension::Partner,
];

const fn survey(
    m: MetricId,
    id: &'static str,
    label: &'static str,
    unit: Unit,
    target: f64,
) -> MetricDef {
    MetricDef {
        id,
        label,
        unit,
        direction: Direction::HigherIsBetter,
        target,
        family: Family::Surveys,
        audience: match m {
            MetricId::Pss | MetricId::Pnps => Audience::Partner,
            _ => Audience::Customer,
        },
        has_comments: true,
        dimensions: SURVEY_DIMS,
    }
}

const fn ticket(
    id: &'static str,
    label: &'static str,
    unit: Unit,
    direction: Direction,
    target: f64,
) -> MetricDef {
    MetricDef {
        id,
        label,
        unit,
        direction,
        target,
        family: Family::Tickets,
        audience: Audience::Customer,
        has_comments: false,
        dimensions: TICKET_DIMS,
    }
}

const fn feedback(
    id: &'static str,
    label: &'static str,
    unit: Unit,
    direction: Direction,
    target: f64,
    audience: Audience,
) -> MetricDef {
    MetricDef {
        id,
        label,
        unit,
        direction,
        target,
        family: Family::Feedback,
        audience,
        has_comments: true,
        dimensions: TICKET_DIMS,
    }
}

/// Every alertable metric. Survey targets match [`MetricId::target`]; CES is watched on the
/// 7-point scale (higher is easier), the scale the demo and most tools use.
const PARTNER_DIMS: &[Dimension] = &[Dimension::Partner];

const fn partner(
    id: &'static str,
    label: &'static str,
    unit: Unit,
    direction: Direction,
    target: f64,
) -> MetricDef {
    MetricDef {
        id,
        label,
        unit,
        direction,
        target,
        family: Family::Partners,
        audience: Audience::Partner,
        has_comments: false,
        dimensions: PARTNER_DIMS,
    }
}

pub const CATALOGUE: &[MetricDef] = &[
    survey(MetricId::Nps, "nps", "NPS", Unit::Points, 30.0),
    survey(MetricId::Csat, "csat", "CSAT", Unit::Percent, 80.0),
    survey(
        MetricId::Ces,
        "ces",
        "Customer effort (7-point)",
        Unit::Score,
        5.5,
    ),
    survey(
        MetricId::Pss,
        "pss",
        "Partner satisfaction",
        Unit::Percent,
        80.0,
    ),
    survey(MetricId::Pnps, "pnps", "Partner NPS", Unit::Points, 30.0),
    ticket(
        "first_response_time",
        "First response time (median)",
        Unit::Seconds,
        Direction::LowerIsBetter,
        3_600.0,
    ),
    ticket(
        "resolution_time",
        "Resolution time (median)",
        Unit::Seconds,
        Direction::LowerIsBetter,
        86_400.0,
    ),
    ticket(
        "fcr",
        "First contact resolution",
        Unit::Percent,
        Direction::HigherIsBetter,
        70.0,
    ),
    ticket(
        "support_csat",
        "CSAT with support",
        Unit::Percent,
        Direction::HigherIsBetter,
        80.0,
    ),
    feedback(
        "sentiment_score",
        "Sentiment score",
        Unit::Score,
        Direction::HigherIsBetter,
        0.2,
        Audience::Customer,
    ),
    feedback(
        "negative_share",
        "Negative feedback share",
        Unit::Percent,
        Direction::LowerIsBetter,
        20.0,
        Audience::Customer,
    ),
    feedback(
        "positive_share",
        "Positive feedback share",
        Unit::Percent,
        Direction::HigherIsBetter,
        60.0,
        Audience::Customer,
    ),
    feedback(
        "partner_sentiment_score",
        "Partner sentiment score",
        Unit::Score,
        Direction::HigherIsBetter,
        0.2,
        Audience::Partner,
    ),
    feedback(
        "partner_negative_share",
        "Partner negative feedback share",
        Unit::Percent,
        Direction::LowerIsBetter,
        20.0,
        Audience::Partner,
    ),
    ticket(
        "ticket_volume",
        "Ticket volume",
        Unit::Count,
        Direction::LowerIsBetter,
        f64::INFINITY,
    ),
    partner(
        "partner_performance_index",
        "Partner performance index",
        Unit::Points,
        Direction::HigherIsBetter,
        60.0,
    ),
    partner(
        "on_time_delivery",
        "On-time delivery",
        Unit::Percent,
        Direction::HigherIsBetter,
        95.0,
    ),
    partner(
        "order_accuracy",
        "Order accuracy",
        Unit::Percent,
        Direction::HigherIsBetter,
        98.0,
    ),
    partner(
        "partner_revenue",
        "Partner revenue (reporting currency)",
        Unit::Count,
        Direction::HigherIsBetter,
        f64::INFINITY,
    ),
    partner(
        "inventory_below_reorder",
        "SKUs at or below reorder level",
        Unit::Count,
        Direction::LowerIsBetter,
        f64::INFINITY,
    ),
    partner(
        "partner_open_tickets",
        "Unresolved partner tickets",
        Unit::Count,
        Direction::LowerIsBetter,
        10.0,
    ),
];

/// The catalogue entry of an API id.
pub fn find(id: &str) -> Option<&'static MetricDef> {
    CATALOGUE.iter().find(|m| m.id == id)
}

impl MetricDef {
    /// Whether the metric has a finite target (volume has none).
    pub fn has_target(&self) -> bool {
        self.target.is_finite()
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
    fn survey_targets_agree_with_the_dashboard() {
        for m in CATALOGUE.iter().filter(|m| m.family == Family::Surveys) {
            let id = m.survey_metric().unwrap();
            assert_eq!(m.target, id.target(7), "{}", m.id);
        }
        assert_eq!(find("pss").unwrap().audience, Audience::Partner);
        assert!(!find("ticket_volume").unwrap().has_target());
    }
}
