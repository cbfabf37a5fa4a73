//! Evaluates a rule's condition on a sample of its metric: breach, clear, or unknown (not
//! enough data to say either).

use super::catalogue::MetricDef;
use super::rule::{ChangeDirection, Condition, RuleSpec};
use serde::{Deserialize, Serialize};

/// A metric's value over a window and how many answers or tickets it rests on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// `None` when the metric has no value (no data, or below its own minimum).
    pub value: Option<f64>,
    pub n: i64,
}

/// What an evaluation saw: the figures an alert keeps as evidence.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub value: f64,
    pub n: i64,
    /// The baseline's value and sample, for change conditions.
    pub baseline: Option<f64>,
    pub baseline_n: Option<i64>,
    /// The value at which the condition flips (for `any` changes: the nearer side).
    pub threshold: f64,
}

/// The outcome of one evaluation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// The condition holds.
    Breach(Reading),
    /// The condition does not hold.
    Clear(Reading),
    /// Too little data to tell: a small sample never fires and never proves recovery.
    Unknown,
}

impl Outcome {
    /// The reading, when there was one.
    pub fn reading(&self) -> Option<&Reading> {
        match self {
            Self::Breach(r) | Self::Clear(r) => Some(r),
            Self::Unknown => None,
        }
    }
}

/// Evaluates `rule` on the window's sample (and the baseline's, for change conditions).
pub fn evaluate(
    rule: &RuleSpec,
    def: &MetricDef,
    current: Sample,
    baseline: Option<Sample>,
) -> Outcome {
    let Some(value) = current.value.filter(|v| v.is_finite()) else {
        return Outcome::Unknown;
    };
    if current.n < rule.min_sample {
        return Outcome::Unknown;
    }
    let mut reading = Reading {
        value,
        n: current.n,
        baseline: None,
        baseline_n: None,
        threshold: 0.0,
    };
    let breach = match &rule.condition {
        Condition::Below { threshold } => {
            reading.threshold = *threshold;
            value < *threshold
        }
        Condition::Above { threshold } => {
            reading.threshold = *threshold;
            value > *threshold
        }
        Condition::OffTarget { pct } => {
            let margin = def.target.scale() * pct / 100.0;
            let (low, high) = def.target.bounds(def.direction, margin);
            // The edge the value crossed, or for a band the nearer one.
            reading.threshold = if value < low || (value - low <= high - value) {
                low
            } else {
                high
            };
            value < low || value > high
        }
        Condition::ChangePct { direction, pct, .. }
        | Condition::ChangeAbs {
            direction,
            amount: pct,
            ..
        } => {
            let Some(b) = baseline else {
                return Outcome::Unknown;
            };
            let Some(base) = b.value.filter(|v| v.is_finite()) else {
                return Outcome::Unknown;
            };
            if b.n < rule.min_sample {
                return Outcome::Unknown;
            }
            reading.baseline = Some(base);
            reading.baseline_n = Some(b.n);
            let margin = if matches!(rule.condition, Condition::ChangePct { .. }) {
                // Relative to the baseline's size, so a negative NPS baseline still works;
                // a zero baseline has no relative change.
                if base == 0.0 {
                    return Outcome::Unknown;
                }
                base.abs() * pct / 100.0
            } else {
                *pct
            };
            let (up, down) = (base + margin, base - margin);
            match direction {
                ChangeDirection::Up => {
                    reading.threshold = up;
                    value > up
                }
                ChangeDirection::Down => {
                    reading.threshold = down;
                    value < down
                }
                ChangeDirection::Any => {
                    reading.threshold = if value >= base { up } else { down };
                    value > up || value < down
                }
            }
        }
    };
    if breach {
        Outcome::Breach(reading)
    } else {
        Outcome::Clear(reading)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alert::catalogue::find;
    use crate::domain::alert::rule::Severity;

    fn rule(metric: &str, condition: Condition, min_sample: i64) -> RuleSpec {
        RuleSpec {
            name: "r".into(),
            metric: metric.into(),
            filters: Default::default(),
            group_by: None,
            condition,
            window_days: 1,
            severity: Severity::Warning,
            for_secs: 0,
            min_sample,
            team: String::new(),
            owner: String::new(),
            webhooks: Vec::new(),
            enabled: true,
        }
    }

    fn s(value: f64, n: i64) -> Sample {
        Sample {
            value: Some(value),
            n,
        }
    }

    fn eval(r: &RuleSpec, cur: Sample, base: Option<Sample>) -> Outcome {
        evaluate(r, find(&r.metric).unwrap(), cur, base)
    }

    #[test]
    fn thresholds_are_strict() {
        let r = rule("csat", Condition::Below { threshold: 60.0 }, 10);
        assert!(matches!(eval(&r, s(59.9, 50), None), Outcome::Breach(x) if x.threshold == 60.0));
        assert!(matches!(eval(&r, s(60.0, 50), None), Outcome::Clear(_)));
        let a = rule(
            "first_response_time",
            Condition::Above { threshold: 3600.0 },
            10,
        );
        assert!(matches!(eval(&a, s(3601.0, 50), None), Outcome::Breach(_)));
    }

    #[test]
    fn small_samples_and_missing_values_are_unknown() {
        let r = rule("csat", Condition::Below { threshold: 60.0 }, 30);
        assert_eq!(eval(&r, s(10.0, 29), None), Outcome::Unknown);
        assert_eq!(
            eval(
                &r,
                Sample {
                    value: None,
                    n: 100
                },
                None
            ),
            Outcome::Unknown
        );
        let c = rule(
            "csat",
            Condition::ChangePct {
                direction: ChangeDirection::Down,
                pct: 10.0,
                baseline_days: 7,
            },
            30,
        );
        // A thin baseline proves nothing either.
        assert_eq!(eval(&c, s(50.0, 100), Some(s(90.0, 5))), Outcome::Unknown);
        assert_eq!(eval(&c, s(50.0, 100), None), Outcome::Unknown);
    }

    #[test]
    fn relative_change_is_measured_against_the_baseline_size() {
        let up = rule(
            "ticket_volume",
            Condition::ChangePct {
                direction: ChangeDirection::Up,
                pct: 20.0,
                baseline_days: 7,
            },
            1,
        );
        // 100 → 121 is +21%: breach at threshold 120.
        match eval(&up, s(121.0, 121), Some(s(100.0, 700))) {
            Outcome::Breach(r) => {
                assert_eq!(r.threshold, 120.0);
                assert_eq!(r.baseline, Some(100.0));
            }
            o => panic!("{o:?}"),
        }
        assert!(matches!(
            eval(&up, s(120.0, 120), Some(s(100.0, 700))),
            Outcome::Clear(_)
        ));
        // A negative NPS baseline: −20 falling 50% means below −30.
        let down = rule(
            "nps",
            Condition::ChangePct {
                direction: ChangeDirection::Down,
                pct: 50.0,
                baseline_days: 7,
            },
            1,
        );
        assert!(
            matches!(eval(&down, s(-31.0, 50), Some(s(-20.0, 50))), Outcome::Breach(r) if r.threshold == -30.0)
        );
        assert!(matches!(
            eval(&down, s(-29.0, 50), Some(s(-20.0, 50))),
            Outcome::Clear(_)
        ));
        // No relative change from zero.
        assert_eq!(eval(&down, s(-5.0, 50), Some(s(0.0, 50))), Outcome::Unknown);
    }

    #[test]
    fn absolute_change_in_either_direction() {
        let any = rule(
            "nps",
            Condition::ChangeAbs {
                direction: ChangeDirection::Any,
                amount: 10.0,
                baseline_days: 7,
            },
            1,
        );
        assert!(
            matches!(eval(&any, s(41.0, 50), Some(s(30.0, 50))), Outcome::Breach(r) if r.threshold == 40.0)
        );
        assert!(
            matches!(eval(&any, s(19.0, 50), Some(s(30.0, 50))), Outcome::Breach(r) if r.threshold == 20.0)
        );
        assert!(matches!(
            eval(&any, s(25.0, 50), Some(s(30.0, 50))),
            Outcome::Clear(_)
        ));
    }

    #[test]
    fn off_target_follows_the_metric_direction() {
        let r = rule("csat", Condition::OffTarget { pct: 10.0 }, 1);
        // Target 85, 10% → below 76.5 breaches.
        assert!(matches!(eval(&r, s(76.4, 50), None), Outcome::Breach(x) if x.threshold == 76.5));
        assert!(matches!(eval(&r, s(80.0, 50), None), Outcome::Clear(_)));
        let f = rule("first_response_time", Condition::OffTarget { pct: 10.0 }, 1);
        // Target 7200 s, lower is better → above 7920 s breaches.
        assert!(
            matches!(eval(&f, s(8000.0, 50), None), Outcome::Breach(x) if x.threshold == 7920.0)
        );
        assert!(matches!(eval(&f, s(7500.0, 50), None), Outcome::Clear(_)));
    }

    #[test]
    fn off_target_reads_the_goal_people_set() {
        use crate::domain::target::{Goal, TargetEntry, Targets};
        let r = rule("nps", Condition::OffTarget { pct: 10.0 }, 1);
        let targets = Targets(vec![TargetEntry {
            metric: "nps".into(),
            dimension: None,
            value: None,
            target: Goal::Band {
                min: 30.0,
                max: 50.0,
            },
            updated_by: "a".into(),
            updated_at: 0,
        }]);
        let def = find("nps").unwrap().with_targets(&targets, &r.filters);
        // Band 30–50, 10 % of 50 = 5: below 25 or above 55 breaches.
        let at = |v| evaluate(&r, &def, s(v, 50), None);
        assert!(matches!(at(24.0), Outcome::Breach(x) if x.threshold == 25.0));
        assert!(matches!(at(56.0), Outcome::Breach(x) if x.threshold == 55.0));
        assert!(matches!(at(40.0), Outcome::Clear(_)));
        // The default (50) would have fired at 40.
        assert!(matches!(eval(&r, s(40.0, 50), None), Outcome::Breach(_)));
        let text = r.describe_against(&def);
        assert!(text.contains("outside its target of 30"), "{text}");
    }
}
