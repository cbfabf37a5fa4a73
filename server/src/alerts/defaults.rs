//! The rules Signalroom ships with (the product brief's), seeded once into a new store.
//! Deleting or editing them sticks: they are never re-seeded.

use crate::auth::tokens::{random_id, random_token};
use crate::store::{alerts, settings, Store, StoreError};
use app::domain::alert::catalogue::{find, Family, CATALOGUE};
use app::domain::alert::rule::{ChangeDirection, Condition, RuleSpec, Severity};
use app::domain::catalogue::default_target;
use app::domain::dimension::Dimension;

fn rule(
    name: &str,
    metric: &str,
    condition: Condition,
    severity: Severity,
    window_days: i64,
    for_secs: i64,
    team: &str,
) -> RuleSpec {
    RuleSpec {
        name: name.into(),
        metric: metric.into(),
        filters: Default::default(),
        group_by: None,
        condition,
        window_days,
        severity,
        for_secs,
        min_sample: 30,
        team: team.into(),
        owner: String::new(),
        webhooks: Vec::new(),
        enabled: true,
    }
}

/// The default rules.
pub fn default_rules() -> Vec<RuleSpec> {
    let mut rules = vec![
        rule(
            "CSAT below 60%",
            "csat",
            Condition::Below { threshold: 60.0 },
            Severity::Critical,
            1,
            300,
            "CX",
        ),
        rule(
            "First response time above target",
            "first_response_time",
            Condition::Above {
                threshold: default_target("first_response_time").unwrap_or(f64::MAX),
            },
            Severity::Warning,
            1,
            900,
            "Support",
        ),
        rule(
            "Negative feedback up 20% on the week before",
            "negative_share",
            Condition::ChangePct {
                direction: ChangeDirection::Up,
                pct: 20.0,
                baseline_days: 7,
            },
            Severity::Warning,
            1,
            900,
            "CX",
        ),
        rule(
            "Ticket volume up 50% on the week before",
            "ticket_volume",
            Condition::ChangePct {
                direction: ChangeDirection::Up,
                pct: 50.0,
                baseline_days: 7,
            },
            Severity::Warning,
            1,
            900,
            "Support",
        ),
        // Churn compares whole months: a person counts as lost only after 30 quiet days.
        rule(
            "Increase in churn rate: up 20% on the month before",
            "churn_rate",
            Condition::ChangePct {
                direction: ChangeDirection::Up,
                pct: 20.0,
                baseline_days: 30,
            },
            Severity::Warning,
            30,
            3_600,
            "Growth",
        ),
        // Down while a critical or high incident is open; the sample is the major incidents
        // seen in the window, so one resolved today proves recovery.
        RuleSpec {
            min_sample: 1,
            ..rule(
                "Website / service downtime",
                "major_incidents_open",
                Condition::Above { threshold: 0.0 },
                Severity::Critical,
                1,
                0,
                "SRE",
            )
        },
    ];
    rules.extend(partner_rules());
    rules.extend(workflow_rules());
    // Off-target defaults for the experience figures a team answers for day to day;
    // commerce, journey, incident and programme targets (retention, training, social tone) are
    // business goals a team sets rules on itself (a fresh store's CAC rarely meets 150).
    for m in CATALOGUE
        .iter()
        .filter(|m| m.has_target() && OFF_TARGET_DEFAULTS.contains(&m.id))
    {
        rules.push(rule(
            &format!("{} more than 10% off target", m.label),
            m.id,
            Condition::OffTarget { pct: 10.0 },
            Severity::Info,
            7,
            3_600,
            "",
        ));
    }
    rules
}

/// The figures that get a "more than 10% off target" rule by default.
const OFF_TARGET_DEFAULTS: &[&str] = &[
    "nps",
    "csat",
    "ces",
    "pss",
    "pnps",
    "first_response_time",
    "resolution_time",
    "fcr",
    "support_csat",
    "sentiment_score",
    "negative_share",
    "positive_share",
    "partner_sentiment_score",
    "partner_negative_share",
    "partner_performance_index",
    "on_time_delivery",
    "order_accuracy",
    "inventory_below_reorder",
    "partner_open_tickets",
];

/// The partner rules of the brief, each per partner: performance drop, delivery delays
/// beyond the promise, stock at or below the reorder level, unresolved partner tickets
/// piling up, revenue decline.
fn partner_rules() -> Vec<RuleSpec> {
    let per_partner = |mut r: RuleSpec, min_sample: i64| {
        r.group_by = Some(Dimension::Partner);
        r.min_sample = min_sample;
        r
    };
    vec![
        per_partner(
            rule(
                "Partner performance index down 15% on the 4 weeks before",
                "partner_performance_index",
                Condition::ChangePct {
                    direction: ChangeDirection::Down,
                    pct: 15.0,
                    baseline_days: 28,
                },
                Severity::Warning,
                7,
                3_600,
                "Partners",
            ),
            // Components with data: two or more make the index worth comparing.
            2,
        ),
        per_partner(
            rule(
                "Partner deliveries late: on-time delivery below 90%",
                "on_time_delivery",
                Condition::Below { threshold: 90.0 },
                Severity::Warning,
                7,
                3_600,
                "Partners",
            ),
            10,
        ),
        per_partner(
            rule(
                "Partner stock at or below reorder level",
                "inventory_below_reorder",
                Condition::Above { threshold: 0.0 },
                Severity::Warning,
                1,
                0,
                "Partners",
            ),
            1,
        ),
        per_partner(
            rule(
                "Unresolved partner tickets above 15",
                "partner_open_tickets",
                Condition::Above { threshold: 15.0 },
                Severity::Warning,
                1,
                900,
                "Partners",
            ),
            1,
        ),
        per_partner(
            rule(
                "Partner revenue down 20% on the 4 weeks before",
                "partner_revenue",
                Condition::ChangePct {
                    direction: ChangeDirection::Down,
                    pct: 20.0,
                    baseline_days: 28,
                },
                Severity::Warning,
                28,
                3_600,
                "Partners",
            ),
            5,
        ),
    ]
}

/// Workflow defaults: work done late, overdue tasks and failing automations. Their samples
/// are workflows, tasks or runs, so a handful is enough to judge.
fn workflow_rules() -> Vec<RuleSpec> {
    let small = |r: RuleSpec, min_sample: i64| RuleSpec { min_sample, ..r };
    vec![
        small(
            rule(
                "Workflow efficiency below target",
                "efficiency_ratio",
                Condition::Below {
                    threshold: default_target("efficiency_ratio").unwrap_or(0.0),
                },
                Severity::Warning,
                30,
                3_600,
                "CX Operations",
            ),
            10,
        ),
        small(
            rule(
                "Overdue tasks above 25",
                "tasks_overdue",
                Condition::Above { threshold: 25.0 },
                Severity::Warning,
                1,
                900,
                "CX Operations",
            ),
            1,
        ),
        small(
            rule(
                "Automation runs failing",
                "automation_failed",
                Condition::Above { threshold: 0.0 },
                Severity::Critical,
                1,
                0,
                "Automation",
            ),
            1,
        ),
    ]
}

/// Seeds the default rules the first time a store starts; returns how many were added. A
/// store seeded before the sentiment metrics existed gets their defaults once, on its first
/// start with them.
pub async fn seed_once(store: &Store, now_ms: i64) -> Result<usize, StoreError> {
    let token = random_token(16);
    let first = settings::get_or_init(store, "alerts.defaults_seeded", || token.clone()).await?;
    let feedback =
        settings::get_or_init(store, "alerts.defaults_seeded.feedback", || token.clone()).await?;
    let partners =
        settings::get_or_init(store, "alerts.defaults_seeded.partners", || token.clone()).await?;
    let journey =
        settings::get_or_init(store, "alerts.defaults_seeded.journey", || token.clone()).await?;
    let workflows =
        settings::get_or_init(store, "alerts.defaults_seeded.workflows", || token.clone()).await?;
    // Families added after a store was first seeded get their defaults once.
    let newer = |f: Family| {
        default_rules()
            .into_iter()
            .filter(move |r| find(&r.metric).is_some_and(|m| m.family == f))
    };
    let rules: Vec<RuleSpec> = if first == token {
        default_rules()
    } else {
        let mut rules = Vec::new();
        if feedback == token {
            rules.extend(newer(Family::Feedback));
        }
        if partners == token {
            rules.extend(newer(Family::Partners));
        }
        if journey == token {
            for f in [Family::Journey, Family::Incidents] {
                rules.extend(newer(f));
            }
        }
        if workflows == token {
            rules.extend(newer(Family::Workflows));
        }
        rules
    };
    for spec in &rules {
        alerts::insert_rule(
            store,
            &random_id(),
            spec,
            true,
            &format!("whsec_{}", random_token(24)),
            "system",
            now_ms,
        )
        .await?;
    }
    Ok(rules.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_rule_is_valid() {
        for r in default_rules() {
            let name = r.name.clone();
            assert!(r.validate().is_ok(), "{name}");
        }
    }
}
