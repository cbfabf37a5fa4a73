//! Customer voice: a VADER-family sentiment engine and keyword ranking (`docs/metrics.md`,
//! family voice). Pure: the lexicon is data compiled into the binary.

pub mod domain;
pub mod keywords;
pub mod lexicon;
pub mod vader;

use serde::{Deserialize, Serialize};

/// A compound score at or above this is positive; at or below its negation, negative.
pub const POLARITY_THRESHOLD: f64 = 0.05;

/// The three sentiment classes of one text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Positive,
    Neutral,
    Negative,
}

impl Polarity {
    /// Every class, positive first.
    pub const ALL: [Polarity; 3] = [Self::Positive, Self::Neutral, Self::Negative];

    /// The class of a compound score: ±0.05 bounds are inclusive, as in VADER's guidance.
    pub fn of(compound: f64) -> Polarity {
        if compound >= POLARITY_THRESHOLD {
            Self::Positive
        } else if compound <= -POLARITY_THRESHOLD {
            Self::Negative
        } else {
            Self::Neutral
        }
    }

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Positive => "positive",
            Self::Neutral => "neutral",
            Self::Negative => "negative",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<Polarity> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.as_str().eq_ignore_ascii_case(s))
    }
}

/// Additive sentiment counts of a set of texts: what a rollup row holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentimentCounts {
    /// Texts.
    pub n: i64,
    pub pos: i64,
    pub neu: i64,
    pub neg: i64,
    /// Sum of compound scores in 1e-4 units (exact under adding and taking back).
    pub score_e4: i64,
}

impl SentimentCounts {
    /// The counts of one text with a 4-place compound score.
    pub fn one(score: f64) -> SentimentCounts {
        let p = Polarity::of(score);
        SentimentCounts {
            n: 1,
            pos: (p == Polarity::Positive) as i64,
            neu: (p == Polarity::Neutral) as i64,
            neg: (p == Polarity::Negative) as i64,
            score_e4: (score * 10_000.0).round() as i64,
        }
    }

    /// Adds `o` times `sign` (−1 takes a text's contribution back).
    pub fn add(&mut self, o: &SentimentCounts, sign: i64) {
        self.n += sign * o.n;
        self.pos += sign * o.pos;
        self.neu += sign * o.neu;
        self.neg += sign * o.neg;
        self.score_e4 += sign * o.score_e4;
    }

    /// The overall score (mean compound) and class shares in percent; `None` without texts.
    pub fn mix(&self) -> SentimentMix {
        let pct = |k: i64| (self.n > 0).then(|| 100.0 * k as f64 / self.n as f64);
        SentimentMix {
            n: self.n,
            score: (self.n > 0).then(|| self.score_e4 as f64 / 10_000.0 / self.n as f64),
            positive_pct: pct(self.pos),
            neutral_pct: pct(self.neu),
            negative_pct: pct(self.neg),
        }
    }
}

/// Sentiment of a set of texts as shown: mean compound score and class shares (0–100).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SentimentMix {
    pub n: i64,
    /// Mean compound score, −1..1 (`sentiment_score` in `docs/metrics.md`).
    pub score: Option<f64>,
    pub positive_pct: Option<f64>,
    pub neutral_pct: Option<f64>,
    pub negative_pct: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_take_back_and_mix() {
        let mut c = SentimentCounts::default();
        for s in [0.5, -0.25, 0.0, 0.8] {
            c.add(&SentimentCounts::one(s), 1);
        }
        c.add(&SentimentCounts::one(0.8), -1);
        let m = c.mix();
        assert_eq!(m.n, 3);
        assert_eq!(m.score, Some(0.25 / 3.0));
        assert_eq!(m.positive_pct, Some(100.0 / 3.0));
        assert_eq!(m.negative_pct, Some(100.0 / 3.0));
        assert_eq!(SentimentCounts::default().mix().score, None);
    }

    #[test]
    fn polarity_bounds_are_inclusive() {
        assert_eq!(Polarity::of(0.05), Polarity::Positive);
        assert_eq!(Polarity::of(0.0499), Polarity::Neutral);
        assert_eq!(Polarity::of(-0.05), Polarity::Negative);
        assert_eq!(Polarity::of(-0.0499), Polarity::Neutral);
        assert_eq!(Polarity::parse(" Negative "), Some(Polarity::Negative));
        assert_eq!(Polarity::parse("bad"), None);
    }
}
