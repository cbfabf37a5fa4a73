//! What a journey view asks for: funnel steps (the configured default journey or the
//! query's own), the conversion window, a breakdown and the cohort grouping. Parsed from the
//! query string and from configuration, with stable error codes.

use super::retention::Period;
use super::timeline::{dimension_index, DIMENSIONS};
use crate::domain::query::QueryError;
use serde::{Deserialize, Serialize};

/// One funnel step: its label and the event names that complete it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    pub label: String,
    pub events: Vec<String>,
}

/// The default journey: Awareness → Consideration → Purchase → Post-Purchase.
pub fn default_stages() -> Vec<Stage> {
    parse_stages(DEFAULT_STAGES).unwrap_or_default()
}

/// `SIGNALROOM_JOURNEY_STAGES` default: `label=event|event;…`.
pub const DEFAULT_STAGES: &str = "Awareness=Page Viewed|Screen Viewed;\
     Consideration=Product Viewed|Product Added;\
     Purchase=Order Completed;\
     Post-Purchase=Product Reviewed|Order Delivered";

/// Checkout start and completion events for cart abandonment (`SIGNALROOM_CHECKOUT_EVENTS`,
/// `start>completed`).
pub const DEFAULT_CHECKOUT: (&str, &str) = ("Checkout Started", "Order Completed");

/// Default conversion window, days.
pub const DEFAULT_WINDOW_DAYS: i64 = 7;
/// Longest conversion window, days.
pub const MAX_WINDOW_DAYS: i64 = 90;
/// Cart abandonment's window: a checkout not completed within a day is abandoned.
pub const CHECKOUT_WINDOW_MS: i64 = 24 * 3_600_000;

/// Parses `label=a|b;label=c` (a step without `label=` is labelled by its first event).
pub fn parse_stages(s: &str) -> Result<Vec<Stage>, String> {
    let stages: Vec<Stage> = s
        .split([';', ','])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (label, events) = match part.split_once('=') {
                Some((l, e)) => (l.trim().to_string(), e),
                None => (String::new(), part),
            };
            let events: Vec<String> = events
                .split('|')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect();
            let label = if label.is_empty() {
                events.first().cloned().unwrap_or_default()
            } else {
                label
            };
            Stage { label, events }
        })
        .collect();
    if stages.len() < 2 || stages.len() > super::funnel::MAX_STEPS {
        return Err(format!(
            "a funnel has 2 to {} steps, got {}",
            super::funnel::MAX_STEPS,
            stages.len()
        ));
    }
    if let Some(s) = stages.iter().find(|s| s.events.is_empty()) {
        return Err(format!("step {:?} names no event", s.label));
    }
    if let Some(s) = stages
        .iter()
        .find(|s| s.label.chars().count() > 100 || s.events.iter().any(|e| e.chars().count() > 200))
    {
        return Err(format!("step {:?} is too long", s.label));
    }
    Ok(stages)
}

/// A journey view's own parameters (the range and filters are the dashboard query's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyParams {
    pub stages: Vec<Stage>,
    /// Whether `stages` came from the query (`steps=`) rather than the configured journey.
    pub custom: bool,
    pub window_days: i64,
    /// A dimension of [`DIMENSIONS`].
    pub breakdown: Option<String>,
    pub period: Period,
    /// Cohorts shown.
    pub periods: usize,
}

impl JourneyParams {
    /// Reads `steps`, `window` (days, `7` or `7d`), `breakdown`, `cohort` (week|month) and
    /// `cohorts` (2..=24) from decoded query pairs, over the configured default stages.
    pub fn parse(
        pairs: &[(String, String)],
        defaults: &[Stage],
    ) -> Result<JourneyParams, QueryError> {
        let get = |k: &str| crate::domain::query::param(pairs, k);
        let (stages, custom) = match get("steps") {
            Some(s) => (
                parse_stages(s).map_err(|m| QueryError::new("invalid_steps", m))?,
                true,
            ),
            None => (defaults.to_vec(), false),
        };
        let window_days = match get("window") {
            None => DEFAULT_WINDOW_DAYS,
            Some(w) => w
                .strip_suffix('d')
                .unwrap_or(w)
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=MAX_WINDOW_DAYS).contains(d))
                .ok_or_else(|| {
                    QueryError::new(
                        "invalid_window",
                        format!("`window` must be 1 to {MAX_WINDOW_DAYS} days, got {w:?}"),
                    )
                })?,
        };
        let breakdown = match get("breakdown") {
            None | Some("none") => None,
            Some(b) => {
                dimension_index(b).ok_or_else(|| {
                    QueryError::new(
                        "invalid_dimension",
                        format!(
                            "`breakdown` must be one of {}, got {b:?}",
                            DIMENSIONS.join(", ")
                        ),
                    )
                })?;
                Some(b.to_string())
            }
        };
        let period = match get("cohort") {
            None => Period::Week,
            Some(c) => Period::parse(c).ok_or_else(|| {
                QueryError::new(
                    "invalid_period",
                    format!("`cohort` must be week or month, got {c:?}"),
                )
            })?,
        };
        let periods = match get("cohorts") {
            None => match period {
                Period::Week => 8,
                Period::Month => 12,
            },
            Some(n) => n
                .parse::<usize>()
                .ok()
                .filter(|n| (2..=24).contains(n))
                .ok_or_else(|| {
                    QueryError::new(
                        "invalid_period",
                        format!("`cohorts` must be 2 to 24, got {n:?}"),
                    )
                })?,
        };
        Ok(JourneyParams {
            stages,
            custom,
            window_days,
            breakdown,
            period,
            periods,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &[(&str, &str)]) -> Vec<(String, String)> {
        q.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn default_journey_has_four_stages() {
        let s = default_stages();
        assert_eq!(
            s.iter().map(|s| s.label.as_str()).collect::<Vec<_>>(),
            ["Awareness", "Consideration", "Purchase", "Post-Purchase"]
        );
        assert_eq!(s[1].events, ["Product Viewed", "Product Added"]);
    }

    #[test]
    fn query_parameters_parse_with_codes() {
        let d = default_stages();
        let p = JourneyParams::parse(
            &pairs(&[
                ("steps", "Signed Up,Cart=Product Added|Cart Viewed"),
                ("window", "3d"),
                ("breakdown", "channel"),
                ("cohort", "month"),
            ]),
            &d,
        )
        .expect("parse");
        assert!(p.custom);
        assert_eq!(
            p.stages[0],
            Stage {
                label: "Signed Up".into(),
                events: vec!["Signed Up".into()]
            }
        );
        assert_eq!(p.stages[1].label, "Cart");
        assert_eq!(
            (p.window_days, p.breakdown.as_deref(), p.period, p.periods),
            (3, Some("channel"), Period::Month, 12)
        );
        let code = |q: &[(&str, &str)]| JourneyParams::parse(&pairs(q), &d).expect_err("bad").code;
        assert_eq!(code(&[("steps", "Only One")]), "invalid_steps");
        assert_eq!(code(&[("steps", "a,b=")]), "invalid_steps");
        assert_eq!(code(&[("window", "0")]), "invalid_window");
        assert_eq!(code(&[("window", "91d")]), "invalid_window");
        assert_eq!(code(&[("breakdown", "mood")]), "invalid_dimension");
        assert_eq!(code(&[("cohort", "year")]), "invalid_period");
        assert_eq!(code(&[("cohorts", "99")]), "invalid_period");
        let p = JourneyParams::parse(&[], &d).expect("defaults");
        assert_eq!(
            (p.custom, p.window_days, p.breakdown, p.periods),
            (false, 7, None, 8)
        );
    }
}
