//! Targets that people own: a metric's goal is a threshold or a band, set for the metric as a
//! whole or for one value of one dimension (CSAT on chat), over the catalogue's default
//! (`domain/catalogue.rs`). Pure: the server stores the entries, this decides which applies
//! and checks what people submit.

use crate::domain::catalogue::{self, MetricSpec};
use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What "on target" means for one metric. On the wire a threshold is a bare number and a band
/// is `{min, max}` (the metric API's `target` field).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Goal {
    /// Met at or above it when higher is better, at or below it otherwise.
    Threshold(f64),
    /// Met inside `min..=max`, whichever way the metric points.
    Band { min: f64, max: f64 },
}

impl Goal {
    /// The line a chart draws: the threshold, or the band's bound on the side that matters.
    pub fn line(&self, direction: Direction) -> f64 {
        match (*self, direction) {
            (Goal::Threshold(t), _) => t,
            (Goal::Band { min, .. }, Direction::HigherIsBetter) => min,
            (Goal::Band { max, .. }, Direction::LowerIsBetter) => max,
        }
    }

    /// How far `value` misses the goal, in the metric's unit; 0 or less when it is met.
    pub fn miss(&self, value: f64, direction: Direction) -> f64 {
        match (*self, direction) {
            (Goal::Threshold(t), Direction::HigherIsBetter) => t - value,
            (Goal::Threshold(t), Direction::LowerIsBetter) => value - t,
            (Goal::Band { min, max }, _) => (min - value).max(value - max),
        }
    }

    /// The edges a value must stay within to meet the goal, widened by `margin` (what an
    /// off-target rule checks): `(low, high)`, either open-ended as ±∞.
    pub fn bounds(&self, direction: Direction, margin: f64) -> (f64, f64) {
        match (*self, direction) {
            (Goal::Threshold(t), Direction::HigherIsBetter) => (t - margin, f64::INFINITY),
            (Goal::Threshold(t), Direction::LowerIsBetter) => (f64::NEG_INFINITY, t + margin),
            (Goal::Band { min, max }, _) => (min - margin, max + margin),
        }
    }

    /// The size the off-target rule's percentage is taken of.
    pub fn scale(&self) -> f64 {
        match *self {
            Goal::Threshold(t) => t.abs(),
            Goal::Band { min, max } => min.abs().max(max.abs()),
        }
    }

    /// "≥ 85 %"-style text needs the unit; this is the bare shape for people.
    pub fn describe(&self, direction: Direction, fmt: impl Fn(f64) -> String) -> String {
        match (*self, direction) {
            (Goal::Threshold(t), Direction::HigherIsBetter) => format!("≥ {}", fmt(t)),
            (Goal::Threshold(t), Direction::LowerIsBetter) => format!("≤ {}", fmt(t)),
            (Goal::Band { min, max }, _) => format!("{}–{}", fmt(min), fmt(max)),
        }
    }
}

/// The status of `value` against `goal` for a figure without a survey-specific warning
/// margin: met, within 5 % of the goal's size, or further off; unknown without a value or a
/// goal.
pub fn status(
    goal: Option<Goal>,
    value: Option<f64>,
    direction: Direction,
) -> crate::domain::metric::Status {
    use crate::domain::metric::Status;
    let (Some(g), Some(v)) = (goal, value) else {
        return Status::Unknown;
    };
    let miss = g.miss(v, direction);
    if miss <= 0.0 {
        Status::Good
    } else if miss <= 0.05 * g.scale() {
        Status::Warn
    } else {
        Status::Bad
    }
}

/// One stored target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TargetEntry {
    /// The catalogue id.
    pub metric: String,
    /// With `value`: the target holds only where this dimension has that value.
    pub dimension: Option<Dimension>,
    pub value: Option<String>,
    /// The goal: a number (threshold) or `{min, max}` (band).
    pub target: Goal,
    pub updated_by: String,
    pub updated_at: i64,
}

/// Every stored target; the one that applies to a view is [`Targets::goal`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Targets(pub Vec<TargetEntry>);

impl Targets {
    /// The goal of `metric` on a view filtered by `filters`: a target set for a value of a
    /// dimension the view is filtered to wins over the metric-wide one, which wins over the
    /// catalogue's default. Several matching dimension targets: the first dimension in
    /// display order decides, so the answer does not depend on storage order.
    pub fn goal(&self, metric: &str, filters: &BTreeMap<Dimension, String>) -> Option<Goal> {
        let mine = || self.0.iter().filter(move |e| e.metric == metric);
        let scoped = Dimension::ALL.iter().find_map(|d| {
            let v = filters.get(d)?;
            mine()
                .find(|e| e.dimension == Some(*d) && e.value.as_deref() == Some(v.as_str()))
                .map(|e| e.target)
        });
        scoped
            .or_else(|| mine().find(|e| e.dimension.is_none()).map(|e| e.target))
            .or_else(|| catalogue::default_target(metric).map(Goal::Threshold))
    }

    /// The metric-wide goal a person set (no dimension), if any.
    pub fn stored(&self, metric: &str) -> Option<Goal> {
        self.0
            .iter()
            .find(|e| e.metric == metric && e.dimension.is_none())
            .map(|e| e.target)
    }
}

/// What a person submits: `{"threshold": 85}` or `{"min": 30, "max": 50}`, optionally with
/// `"dimension"` and `"value"`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRequest {
    pub threshold: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub dimension: Option<String>,
    pub value: Option<String>,
}

/// Why a submitted target was refused; `code` is the API's stable error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetError {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> TargetError {
    TargetError {
        code,
        message: message.into(),
    }
}

/// The longest dimension value a target may name (longer than any stored value).
const MAX_VALUE_LEN: usize = 200;

/// The range a goal may take in `unit`.
fn unit_range(unit: Unit) -> (f64, f64) {
    match unit {
        Unit::Points => (-100.0, 100.0),
        Unit::Percent => (0.0, 100.0),
        Unit::Score => (0.0, 10.0),
        Unit::Seconds => (0.0, 366.0 * 86_400.0),
        Unit::Count | Unit::Money | Unit::Ratio => (0.0, 1e15),
    }
}

/// Checks a submitted target for `spec`: exactly one of a threshold or a band, finite values
/// inside the unit's range, a band with `min < max`, and a dimension the metric supports with
/// a non-empty value.
pub fn check(
    spec: &MetricSpec,
    r: &TargetRequest,
) -> Result<(Goal, Option<(Dimension, String)>), TargetError> {
    let goal = match (r.threshold, r.min, r.max) {
        (Some(t), None, None) => Goal::Threshold(t),
        (None, Some(min), Some(max)) => Goal::Band { min, max },
        (None, None, None) => {
            return Err(refuse(
                "missing_target",
                "give {\"threshold\": number} or {\"min\": number, \"max\": number}",
            ))
        }
        _ => {
            return Err(refuse(
                "invalid_target",
                "give either a threshold or both min and max, not a mix",
            ))
        }
    };
    let (lo, hi) = unit_range(spec.unit);
    let values = match goal {
        Goal::Threshold(t) => vec![t],
        Goal::Band { min, max } => vec![min, max],
    };
    if let Some(v) = values
        .iter()
        .find(|v| !v.is_finite() || **v < lo || **v > hi)
    {
        return Err(refuse(
            "target_out_of_range",
            format!(
                "{v} is outside {lo}..{hi}, the range of {} ({:?})",
                spec.id, spec.unit
            ),
        ));
    }
    if let Goal::Band { min, max } = goal {
        if min >= max {
            return Err(refuse(
                "invalid_band",
                format!("min ({min}) must be below max ({max})"),
            ));
        }
    }
    let scope = match (&r.dimension, &r.value) {
        (None, None) => None,
        (Some(d), Some(v)) => {
            let dim = Dimension::parse(d)
                .filter(|d| spec.dimensions.contains(d))
                .ok_or_else(|| {
                    let names: Vec<&str> = spec.dimensions.iter().map(|d| d.as_str()).collect();
                    refuse(
                        "unsupported_dimension",
                        format!(
                            "{} cannot be split by {d:?}; it supports: {}",
                            spec.id,
                            if names.is_empty() {
                                "none".to_string()
                            } else {
                                names.join(", ")
                            }
                        ),
                    )
                })?;
            let v = v.trim();
            if v.is_empty() || v.chars().count() > MAX_VALUE_LEN || v.chars().any(char::is_control)
            {
                return Err(refuse(
                    "invalid_dimension_value",
                    format!("the value must be 1–{MAX_VALUE_LEN} printable characters"),
                ));
            }
            Some((dim, v.to_string()))
        }
        _ => {
            return Err(refuse(
                "invalid_target",
                "dimension and value go together: give both or neither",
            ))
        }
    };
    Ok((goal, scope))
}

/// The scope a reset names: none, or a known dimension with a non-empty value. Blank parts
/// count as absent.
pub fn reset_scope(
    dimension: Option<&str>,
    value: Option<&str>,
) -> Result<Option<(Dimension, String)>, TargetError> {
    fn blank(s: Option<&str>) -> Option<&str> {
        s.map(str::trim).filter(|s| !s.is_empty())
    }
    match (blank(dimension), blank(value)) {
        (None, None) => Ok(None),
        (Some(d), Some(v)) => Dimension::parse(d)
            .map(|d| Some((d, v.to_string())))
            .ok_or_else(|| refuse("unknown_dimension", format!("no dimension named {d:?}"))),
        _ => Err(refuse(
            "invalid_target",
            "dimension and value go together: give both or neither",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};

    #[test]
    fn generic_status_warns_within_five_percent() {
        use crate::domain::metric::Status;
        let g = Some(Goal::Threshold(150.0));
        assert_eq!(status(g, Some(149.0), Down), Status::Good);
        assert_eq!(status(g, Some(157.0), Down), Status::Warn);
        assert_eq!(status(g, Some(158.0), Down), Status::Bad);
        assert_eq!(status(None, Some(1.0), Up), Status::Unknown);
        assert_eq!(status(g, None, Up), Status::Unknown);
    }

    fn entry(metric: &str, dim: Option<(Dimension, &str)>, target: Goal) -> TargetEntry {
        TargetEntry {
            metric: metric.into(),
            dimension: dim.map(|d| d.0),
            value: dim.map(|d| d.1.to_string()),
            target,
            updated_by: "a@b".into(),
            updated_at: 1,
        }
    }

    fn req(json: &str) -> TargetRequest {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_threshold_is_a_number_and_a_band_an_object_on_the_wire() {
        assert_eq!(
            serde_json::to_string(&Goal::Threshold(85.0)).unwrap(),
            "85.0"
        );
        assert_eq!(
            serde_json::to_string(&Goal::Band {
                min: 30.0,
                max: 50.0
            })
            .unwrap(),
            r#"{"min":30.0,"max":50.0}"#
        );
        let back: Goal = serde_json::from_str(r#"{"min":1,"max":2}"#).unwrap();
        assert_eq!(back, Goal::Band { min: 1.0, max: 2.0 });
    }

    #[test]
    fn misses_follow_the_direction_and_the_band() {
        assert_eq!(Goal::Threshold(85.0).miss(80.0, Up), 5.0);
        assert_eq!(Goal::Threshold(7200.0).miss(7000.0, Down), -200.0);
        let band = Goal::Band {
            min: 30.0,
            max: 50.0,
        };
        assert_eq!(band.miss(25.0, Up), 5.0);
        assert_eq!(band.miss(55.0, Up), 5.0);
        assert!(band.miss(40.0, Down) <= 0.0);
        assert_eq!(band.line(Up), 30.0);
        assert_eq!(band.line(Down), 50.0);
        assert_eq!(band.bounds(Up, 1.0), (29.0, 51.0));
        assert_eq!(Goal::Threshold(10.0).bounds(Down, 1.0).1, 11.0);
    }

    #[test]
    fn the_most_specific_target_applies() {
        let t = Targets(vec![
            entry("csat", None, Goal::Threshold(90.0)),
            entry(
                "csat",
                Some((Dimension::Channel, "chat")),
                Goal::Threshold(70.0),
            ),
        ]);
        let mut f = BTreeMap::new();
        assert_eq!(t.goal("csat", &f), Some(Goal::Threshold(90.0)));
        f.insert(Dimension::Channel, "chat".to_string());
        assert_eq!(t.goal("csat", &f), Some(Goal::Threshold(70.0)));
        f.insert(Dimension::Channel, "email".to_string());
        assert_eq!(t.goal("csat", &f), Some(Goal::Threshold(90.0)));
        // Nothing stored: the catalogue's default.
        assert_eq!(t.goal("nps", &f), Some(Goal::Threshold(50.0)));
        assert_eq!(t.goal("ticket_volume", &f), None);
    }

    #[test]
    fn submissions_are_checked() {
        let csat = catalogue::find("csat").unwrap();
        assert_eq!(
            check(csat, &req(r#"{"threshold":85}"#)).unwrap(),
            (Goal::Threshold(85.0), None)
        );
        let (g, s) = check(
            csat,
            &req(r#"{"min":30,"max":50,"dimension":"channel","value":"chat"}"#),
        )
        .unwrap();
        assert_eq!(
            g,
            Goal::Band {
                min: 30.0,
                max: 50.0
            }
        );
        assert_eq!(s, Some((Dimension::Channel, "chat".to_string())));
        let code = |j: &str| check(csat, &req(j)).unwrap_err().code;
        assert_eq!(code("{}"), "missing_target");
        assert_eq!(code(r#"{"threshold":85,"min":1}"#), "invalid_target");
        assert_eq!(code(r#"{"min":1}"#), "invalid_target");
        assert_eq!(code(r#"{"threshold":185}"#), "target_out_of_range");
        assert_eq!(code(r#"{"threshold":-1}"#), "target_out_of_range");
        assert_eq!(code(r#"{"min":50,"max":30}"#), "invalid_band");
        assert_eq!(
            code(r#"{"threshold":80,"dimension":"nope","value":"x"}"#),
            "unsupported_dimension"
        );
        assert_eq!(
            code(r#"{"threshold":80,"dimension":"channel"}"#),
            "invalid_target"
        );
        assert_eq!(
            code(r#"{"threshold":80,"dimension":"channel","value":"  "}"#),
            "invalid_dimension_value"
        );
        // A dimension the metric has no data for.
        let pss = catalogue::find("partner_revenue").unwrap();
        assert_eq!(
            check(
                pss,
                &req(r#"{"threshold":1,"dimension":"channel","value":"x"}"#)
            )
            .unwrap_err()
            .code,
            "unsupported_dimension"
        );
        assert!(serde_json::from_str::<TargetRequest>(r#"{"thresold":1}"#).is_err());
    }

    #[test]
    fn reset_scopes_name_both_parts_or_neither() {
        assert_eq!(reset_scope(None, Some(" ")), Ok(None));
        assert_eq!(
            reset_scope(Some("channel"), Some("chat")),
            Ok(Some((Dimension::Channel, "chat".to_string())))
        );
        assert_eq!(
            reset_scope(Some("nope"), Some("x")).unwrap_err().code,
            "unknown_dimension"
        );
        assert_eq!(
            reset_scope(Some("channel"), None).unwrap_err().code,
            "invalid_target"
        );
    }
}
