//! The survey metrics and their formulas (`domain/catalogue.rs`, `docs/metrics.md`).
//! Every figure is computed from additive aggregates, so rollups can be merged freely.

use super::survey::SurveyKind;
use serde::{Deserialize, Serialize};

/// Default minimum sample below which a figure is "not enough responses", never 0.
pub const DEFAULT_MIN_SAMPLE: i64 = 30;

/// A metric of the survey family, as named in the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetricId {
    Nps,
    Csat,
    Ces,
    Pss,
    Pnps,
}

/// Whether a larger value is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// The unit a value is expressed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// NPS points, −100..100.
    Points,
    /// A percentage, 0..100.
    Percent,
    /// A mean score on the response scale.
    Score,
    /// A duration in seconds.
    Seconds,
    /// A count of records.
    Count,
    /// An amount in the reporting currency (major units).
    Money,
    /// One quantity over another (CLV:CAC, inventory turnover).
    Ratio,
}

/// How a value compares with its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Meets the target.
    Good,
    /// Misses the target by less than the warning margin.
    Warn,
    /// Misses the target by more.
    Bad,
    /// No value (not enough responses).
    Unknown,
}

impl MetricId {
    /// Every survey metric, in tile order.
    pub const ALL: [MetricId; 5] = [Self::Nps, Self::Csat, Self::Ces, Self::Pss, Self::Pnps];

    /// The API id.
    pub fn as_str(self) -> &'static str {
        self.kind().as_str()
    }

    /// Parses an API id.
    pub fn parse(s: &str) -> Option<MetricId> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// The survey kind this metric is computed from.
    pub fn kind(self) -> SurveyKind {
        match self {
            Self::Nps => SurveyKind::Nps,
            Self::Csat => SurveyKind::Csat,
            Self::Ces => SurveyKind::Ces,
            Self::Pss => SurveyKind::Pss,
            Self::Pnps => SurveyKind::Pnps,
        }
    }

    /// A label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Nps => "NPS",
            Self::Csat => "CSAT",
            Self::Ces => "Customer effort",
            Self::Pss => "Partner satisfaction",
            Self::Pnps => "Partner NPS",
        }
    }

    /// The unit of the value.
    pub fn unit(self) -> Unit {
        match self {
            Self::Nps | Self::Pnps => Unit::Points,
            Self::Csat | Self::Pss => Unit::Percent,
            Self::Ces => Unit::Score,
        }
    }

    /// Which way is better; CES depends on its scale (7-point: higher is easier).
    pub fn direction(self, ces_scale: i64) -> Direction {
        match (self, ces_scale) {
            (Self::Ces, 5) => Direction::LowerIsBetter,
            _ => Direction::HigherIsBetter,
        }
    }

    /// The default target (`domain/catalogue.rs`): a threshold in the metric's unit that meets
    /// the goal; on the 5-point CES scale lower is easier.
    pub fn target(self, ces_scale: i64) -> f64 {
        match (self, ces_scale) {
            (Self::Ces, 5) => crate::domain::catalogue::CES_5_POINT_TARGET,
            _ => crate::domain::catalogue::default_target(self.as_str()).unwrap_or_default(),
        }
    }

    /// The margin, in the metric's unit, within which a miss is only a warning.
    fn warn_margin(self) -> f64 {
        match self {
            Self::Nps | Self::Pnps => 10.0,
            Self::Csat | Self::Pss => 5.0,
            Self::Ces => 0.5,
        }
    }

    /// The goal that applies on a view filtered by `filters`: people's targets
    /// (`domain/target.rs`) over the catalogue default. A stored `ces` target is on the
    /// 7-point scale; the 5-point scale keeps its default.
    pub fn goal(
        self,
        targets: &crate::domain::target::Targets,
        filters: &std::collections::BTreeMap<crate::domain::dimension::Dimension, String>,
        ces_scale: i64,
    ) -> crate::domain::target::Goal {
        use crate::domain::target::Goal;
        if self == Self::Ces && ces_scale == 5 {
            return Goal::Threshold(self.target(5));
        }
        targets
            .goal(self.as_str(), filters)
            .unwrap_or(Goal::Threshold(self.target(ces_scale)))
    }

    /// Grades a value against the default target.
    pub fn status(self, value: Option<f64>, ces_scale: i64) -> Status {
        self.status_for(
            crate::domain::target::Goal::Threshold(self.target(ces_scale)),
            value,
            ces_scale,
        )
    }

    /// Grades a value against `goal`: met, within the warning margin, or off.
    pub fn status_for(
        self,
        goal: crate::domain::target::Goal,
        value: Option<f64>,
        ces_scale: i64,
    ) -> Status {
        let Some(v) = value else {
            return Status::Unknown;
        };
        let miss = goal.miss(v, self.direction(ces_scale));
        if miss <= 0.0 {
            Status::Good
        } else if miss <= self.warn_margin() {
            Status::Warn
        } else {
            Status::Bad
        }
    }
}

/// Additive aggregate of survey answers: merging two is adding their fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAgg {
    /// Number of answers.
    pub n: i64,
    /// Sum of scores.
    pub sum: i64,
    /// Promoters (NPS) or top-2-box answers (CSAT/PSS).
    pub good: i64,
    /// Detractors (NPS) or bottom-2-box answers (CSAT/PSS).
    pub bad: i64,
}

impl SurveyAgg {
    /// Adds another aggregate into this one.
    pub fn merge(&mut self, other: &SurveyAgg) {
        self.n += other.n;
        self.sum += other.sum;
        self.good += other.good;
        self.bad += other.bad;
    }
}

/// A computed figure with its sample size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// The value; `None` when `n` is below the minimum sample.
    pub value: Option<f64>,
    /// Number of answers behind the value.
    pub n: i64,
    /// 95% confidence interval (NPS kinds only).
    pub ci95: Option<[f64; 2]>,
}

/// Computes a survey metric from its aggregate. `min_sample` guards against tiny samples.
pub fn figure(metric: MetricId, agg: &SurveyAgg, min_sample: i64) -> Figure {
    let n = agg.n;
    if n <= 0 || n < min_sample {
        return Figure {
            value: None,
            n: n.max(0),
            ci95: None,
        };
    }
    let nf = n as f64;
    match metric {
        MetricId::Nps | MetricId::Pnps => {
            let p = agg.good as f64 / nf;
            let d = agg.bad as f64 / nf;
            let score = p - d;
            // Variance of the per-answer score (+1, 0, −1): E[x²] − E[x]².
            let se = ((p + d - score * score).max(0.0) / nf).sqrt();
            let half = 1.96 * se * 100.0;
            // Integer difference first: exact for the common hand-checkable cases.
            let v = (agg.good - agg.bad) as f64 * 100.0 / nf;
            Figure {
                value: Some(v),
                n,
                ci95: Some([(v - half).max(-100.0), (v + half).min(100.0)]),
            }
        }
        MetricId::Csat | MetricId::Pss => Figure {
            value: Some(agg.good as f64 * 100.0 / nf),
            n,
            ci95: None,
        },
        MetricId::Ces => Figure {
            value: Some(agg.sum as f64 / nf),
            n,
            ci95: None,
        },
    }
}

/// Why a figure cannot be computed from the given data.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MetricError {
    /// CES answers on 5- and 7-point scales point in opposite directions.
    #[error("CES answers on 5- and 7-point scales cannot be combined: choose scale=5 or scale=7")]
    MixedCesScales,
}

/// Picks the CES scale to report: the requested one, or the only one present in the data.
/// Both present without a request is an error, never a silent mix.
pub fn resolve_ces_scale(requested: Option<i64>, present: &[i64]) -> Result<i64, MetricError> {
    if let Some(s) = requested {
        return Ok(s);
    }
    let has5 = present.contains(&5);
    let has7 = present.contains(&7);
    match (has5, has7) {
        (true, true) => Err(MetricError::MixedCesScales),
        (true, false) => Ok(5),
        _ => Ok(7),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agg(n: i64, sum: i64, good: i64, bad: i64) -> SurveyAgg {
        SurveyAgg { n, sum, good, bad }
    }

    #[test]
    fn nps_is_promoters_minus_detractors() {
        // 50 promoters, 30 passives, 20 detractors → 50% − 20% = 30.
        let f = figure(MetricId::Nps, &agg(100, 0, 50, 20), 30);
        assert_eq!(f.value, Some(30.0));
        assert_eq!(f.n, 100);
        // se = sqrt((0.5 + 0.2 − 0.09)/100) = 0.0781 → ±15.31 points.
        let [lo, hi] = f.ci95.unwrap();
        assert!(
            (lo - 14.69).abs() < 0.01 && (hi - 45.31).abs() < 0.01,
            "{lo} {hi}"
        );
    }

    #[test]
    fn all_promoters_is_100_with_a_zero_width_interval() {
        let f = figure(MetricId::Nps, &agg(40, 400, 40, 0), 30);
        assert_eq!(f.value, Some(100.0));
        assert_eq!(f.ci95, Some([100.0, 100.0]));
        let f = figure(MetricId::Pnps, &agg(40, 0, 0, 40), 30);
        assert_eq!(f.value, Some(-100.0));
    }

    #[test]
    fn below_the_minimum_sample_there_is_no_value_not_zero() {
        let f = figure(MetricId::Nps, &agg(29, 0, 29, 0), 30);
        assert_eq!(f.value, None);
        assert_eq!(f.n, 29);
        let f = figure(MetricId::Csat, &SurveyAgg::default(), 1);
        assert_eq!(f.value, None);
        assert_eq!(f.n, 0);
    }

    #[test]
    fn csat_is_top_two_box_share() {
        // 7 of 8 answers are 4 or 5.
        assert_eq!(
            figure(MetricId::Csat, &agg(8, 35, 7, 0), 1).value,
            Some(87.5)
        );
    }

    #[test]
    fn ces_is_the_mean_on_its_own_scale() {
        assert_eq!(figure(MetricId::Ces, &agg(4, 22, 0, 0), 1).value, Some(5.5));
    }

    #[test]
    fn mixed_ces_scales_are_never_combined() {
        assert_eq!(
            resolve_ces_scale(None, &[5, 7]),
            Err(MetricError::MixedCesScales)
        );
        assert_eq!(resolve_ces_scale(Some(5), &[5, 7]), Ok(5));
        assert_eq!(resolve_ces_scale(None, &[5]), Ok(5));
        assert_eq!(resolve_ces_scale(None, &[]), Ok(7));
    }

    #[test]
    fn status_respects_direction_and_margin() {
        // CSAT's target is 85 (docs/metrics.md), with a 5-point warning margin.
        assert_eq!(MetricId::Csat.status(Some(85.0), 7), Status::Good);
        assert_eq!(MetricId::Csat.status(Some(81.0), 7), Status::Warn);
        assert_eq!(MetricId::Csat.status(Some(60.0), 7), Status::Bad);
        assert_eq!(MetricId::Ces.status(Some(2.5), 5), Status::Good);
        assert_eq!(MetricId::Ces.status(Some(1.8), 5), Status::Good);
        assert_eq!(MetricId::Ces.status(Some(1.8), 7), Status::Bad);
        assert_eq!(MetricId::Nps.status(None, 7), Status::Unknown);
        let band = crate::domain::target::Goal::Band {
            min: 30.0,
            max: 50.0,
        };
        assert_eq!(MetricId::Nps.status_for(band, Some(40.0), 7), Status::Good);
        assert_eq!(MetricId::Nps.status_for(band, Some(55.0), 7), Status::Warn);
        assert_eq!(MetricId::Nps.status_for(band, Some(70.0), 7), Status::Bad);
    }

    /// A tiny deterministic generator, so property tests need no extra crate.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 33
    }

    #[test]
    fn property_figures_stay_in_range_and_intervals_contain_the_value() {
        let mut seed = 7;
        for _ in 0..10_000 {
            let n = 1 + (lcg(&mut seed) % 5_000) as i64;
            let good = (lcg(&mut seed) as i64) % (n + 1);
            let bad = (lcg(&mut seed) as i64) % (n - good + 1);
            let a = agg(n, good * 10, good, bad);
            let f = figure(MetricId::Nps, &a, 1);
            let v = f.value.unwrap();
            assert!((-100.0..=100.0).contains(&v), "{a:?} → {v}");
            let [lo, hi] = f.ci95.unwrap();
            assert!(
                lo <= v + 1e-9 && v <= hi + 1e-9 && lo >= -100.0 && hi <= 100.0,
                "{a:?}"
            );
            let c = figure(MetricId::Csat, &a, 1).value.unwrap();
            assert!((0.0..=100.0).contains(&c));
            // Below the minimum there is never a value.
            assert_eq!(figure(MetricId::Nps, &a, n + 1).value, None);
        }
    }

    #[test]
    fn property_merging_is_order_free_and_matches_one_pass() {
        let mut seed = 11;
        for _ in 0..1_000 {
            let parts: Vec<SurveyAgg> = (0..1 + lcg(&mut seed) % 8)
                .map(|_| {
                    let n = (lcg(&mut seed) % 50) as i64;
                    let good = (lcg(&mut seed) as i64) % (n + 1);
                    agg(n, (lcg(&mut seed) % 500) as i64, good, n - good)
                })
                .collect();
            let mut forward = SurveyAgg::default();
            parts.iter().for_each(|p| forward.merge(p));
            let mut backward = SurveyAgg::default();
            parts.iter().rev().for_each(|p| backward.merge(p));
            assert_eq!(forward, backward);
            assert_eq!(forward.n, parts.iter().map(|p| p.n).sum::<i64>());
        }
    }

    #[test]
    fn merging_aggregates_adds_fields() {
        let mut a = agg(1, 9, 1, 0);
        a.merge(&agg(2, 5, 0, 2));
        assert_eq!(a, agg(3, 14, 1, 2));
    }
}
