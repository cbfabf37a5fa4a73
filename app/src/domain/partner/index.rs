//! The partner performance index: one 0–100 figure per partner, a weighted mean of five
//! component scores, each 0–100:
//!
//! | component | score |
//! |---|---|
//! | satisfaction | partner satisfaction (PSS, % top-2-box) |
//! | delivery | on-time delivery rate, % |
//! | growth | 50 + revenue growth on the same period a year earlier in %, clamped to 0..100 (flat = 50, +50% or more = 100) |
//! | engagement | the partner's percentile among active partners by portal logins and interactions |
//! | training | training completion rate, % |
//!
//! A component without data (no PSS answers, no delivered orders with a promise, no
//! revenue a year earlier, no trainings started) is left out and the remaining weights are
//! rescaled, so a missing figure neither rewards nor punishes. The default weights are
//! 30/25/20/15/10; `SIGNALROOM_PARTNER_INDEX_WEIGHTS` changes them.

use serde::{Deserialize, Serialize};

/// Relative weights of the index components (any non-negative numbers; they are
/// normalised over the components present).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndexWeights {
    pub satisfaction: f64,
    pub delivery: f64,
    pub growth: f64,
    pub engagement: f64,
    pub training: f64,
}

impl Default for IndexWeights {
    fn default() -> IndexWeights {
        IndexWeights {
            satisfaction: 30.0,
            delivery: 25.0,
            growth: 20.0,
            engagement: 15.0,
            training: 10.0,
        }
    }
}

impl IndexWeights {
    /// Parses `name=weight` pairs separated by commas (e.g. `satisfaction=40,growth=10`);
    /// components not named keep their default weight.
    pub fn parse(s: &str) -> Result<IndexWeights, String> {
        let mut w = IndexWeights::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not name=weight"))?;
            let value: f64 = value
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("weight of {name:?} must be a number ≥ 0"))?;
            let slot = match name.trim() {
                "satisfaction" => &mut w.satisfaction,
                "delivery" => &mut w.delivery,
                "growth" => &mut w.growth,
                "engagement" => &mut w.engagement,
                "training" => &mut w.training,
                other => {
                    return Err(format!(
                        "unknown component {other:?}: expected satisfaction, delivery, growth, engagement or training"
                    ))
                }
            };
            *slot = value;
        }
        if w.satisfaction + w.delivery + w.growth + w.engagement + w.training <= 0.0 {
            return Err("at least one weight must be above 0".into());
        }
        Ok(w)
    }
}

/// A partner's figures that feed the index; `None` means no data.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexInputs {
    /// PSS, %.
    pub satisfaction_pct: Option<f64>,
    /// On-time delivery, %.
    pub on_time_pct: Option<f64>,
    /// Revenue growth on the same period a year earlier, %.
    pub growth_pct: Option<f64>,
    /// Percentile among active partners by logins and interactions, 0..100.
    pub engagement_pctile: Option<f64>,
    /// Training completion, %.
    pub training_pct: Option<f64>,
}

/// The growth component: 50 + growth %, clamped to 0..100.
pub fn growth_score(growth_pct: f64) -> f64 {
    (50.0 + growth_pct).clamp(0.0, 100.0)
}

/// The index: the weighted mean of the components present, 0..100.
pub fn performance_index(i: &IndexInputs, w: &IndexWeights) -> Option<f64> {
    let parts = [
        (i.satisfaction_pct, w.satisfaction),
        (i.on_time_pct, w.delivery),
        (i.growth_pct.map(growth_score), w.growth),
        (i.engagement_pctile, w.engagement),
        (i.training_pct, w.training),
    ];
    let (sum, weight) = parts
        .iter()
        .filter_map(|(v, w)| v.map(|v| (v.clamp(0.0, 100.0) * w, *w)))
        .fold((0.0, 0.0), |(s, t), (v, w)| (s + v, t + w));
    (weight > 0.0).then(|| sum / weight)
}

/// Mid-rank percentiles: for each value, (values below + half the values equal) / n × 100,
/// so a lone partner, or all partners tied, sit at 50.
pub fn percentile_ranks(values: &[f64]) -> Vec<f64> {
    let n = values.len() as f64;
    values
        .iter()
        .map(|v| {
            let below = values.iter().filter(|x| *x < v).count() as f64;
            let equal = values.iter().filter(|x| *x == v).count() as f64;
            100.0 * (below + equal / 2.0) / n
        })
        .collect()
}

/// Growth of `current` on `previous` in %; `None` when there was nothing before.
pub fn growth_pct(current: f64, previous: f64) -> Option<f64> {
    (previous > 0.0).then(|| 100.0 * (current - previous) / previous)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_the_weighted_mean_of_present_components() {
        let w = IndexWeights::default();
        let all = IndexInputs {
            satisfaction_pct: Some(80.0),
            on_time_pct: Some(90.0),
            growth_pct: Some(10.0),
            engagement_pctile: Some(50.0),
            training_pct: Some(100.0),
        };
        // (30×80 + 25×90 + 20×60 + 15×50 + 10×100) / 100 = 76.
        assert_eq!(performance_index(&all, &w), Some(76.0));
        // Without satisfaction or training: (25×90 + 20×60 + 15×50) / 60 = 70.
        let some = IndexInputs {
            satisfaction_pct: None,
            training_pct: None,
            ..all
        };
        assert_eq!(performance_index(&some, &w), Some(70.0));
        assert_eq!(performance_index(&IndexInputs::default(), &w), None);
        // Growth clamps: −80% scores 0, +70% scores 100.
        assert_eq!(growth_score(-80.0), 0.0);
        assert_eq!(growth_score(70.0), 100.0);
    }

    #[test]
    fn weights_are_configurable() {
        let w = IndexWeights::parse("satisfaction=1, delivery=0,growth=0,engagement=0,training=0")
            .unwrap();
        let i = IndexInputs {
            satisfaction_pct: Some(42.0),
            on_time_pct: Some(100.0),
            ..IndexInputs::default()
        };
        assert_eq!(performance_index(&i, &w), Some(42.0));
        assert_eq!(IndexWeights::parse("").unwrap(), IndexWeights::default());
        assert!(IndexWeights::parse("speed=3").is_err());
        assert!(IndexWeights::parse("growth=-1").is_err());
        assert!(IndexWeights::parse("growth").is_err());
        assert!(
            IndexWeights::parse("satisfaction=0,delivery=0,growth=0,engagement=0,training=0")
                .is_err()
        );
    }

    #[test]
    fn percentiles_use_mid_ranks() {
        assert_eq!(
            percentile_ranks(&[10.0, 20.0, 20.0, 40.0]),
            [12.5, 50.0, 50.0, 87.5]
        );
        assert_eq!(percentile_ranks(&[3.0]), [50.0]);
        assert_eq!(growth_pct(110.0, 100.0), Some(10.0));
        assert_eq!(growth_pct(5.0, 0.0), None);
    }
}
