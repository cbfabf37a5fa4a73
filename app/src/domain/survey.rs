//! Survey responses: the kinds we accept, their scales, and validation of one incoming record.

use super::date::{parse_rfc3339, Day};
use super::dimension::Channel;
use serde::{Deserialize, Serialize};

/// Which question a survey response answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    /// Net Promoter Score, 0–10, customers.
    Nps,
    /// Customer satisfaction, 1–5.
    Csat,
    /// Customer effort score, 1–5 (lower is easier) or 1–7 (higher is easier).
    Ces,
    /// Partner satisfaction, 1–5.
    Pss,
    /// Partner NPS, 0–10.
    Pnps,
}

impl SurveyKind {
    /// Every kind, in display order.
    pub const ALL: [SurveyKind; 5] = [Self::Nps, Self::Csat, Self::Ces, Self::Pss, Self::Pnps];

    /// The wire name (`nps`, `csat`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nps => "nps",
            Self::Csat => "csat",
            Self::Ces => "ces",
            Self::Pss => "pss",
            Self::Pnps => "pnps",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<SurveyKind> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// The lowest valid answer.
    fn min_score(self) -> i64 {
        match self {
            Self::Nps | Self::Pnps => 0,
            _ => 1,
        }
    }
}

/// A validated answer: kind, value and the scale it was asked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    /// The question answered.
    pub kind: SurveyKind,
    /// The answer.
    pub value: i64,
    /// The top of the scale (10 for NPS, 5 for CSAT/PSS, 5 or 7 for CES).
    pub scale: i64,
}

impl Score {
    /// Validates an answer against its kind's scale. `scale` may be omitted except for CES,
    /// whose two scales point in opposite directions and must never be guessed.
    pub fn parse(kind: SurveyKind, value: f64, scale: Option<i64>) -> Result<Score, RecordError> {
        let scale = match (kind, scale) {
            (SurveyKind::Nps | SurveyKind::Pnps, None | Some(10)) => 10,
            (SurveyKind::Csat | SurveyKind::Pss, None | Some(5)) => 5,
            (SurveyKind::Ces, Some(s @ (5 | 7))) => s,
            (SurveyKind::Ces, None) => {
                return Err(RecordError::new(
                    "missing_scale",
                    "ces needs `scale`: 5 or 7",
                ))
            }
            (k, Some(s)) => {
                return Err(RecordError::new(
                    "invalid_scale",
                    format!("scale {s} is not valid for {}", k.as_str()),
                ))
            }
        };
        if !value.is_finite() || value.fract() != 0.0 {
            return Err(RecordError::new(
                "invalid_score",
                format!("score must be a whole number, got {value}"),
            ));
        }
        let v = value as i64;
        if v < kind.min_score() || v > scale {
            return Err(RecordError::new(
                "invalid_score",
                format!(
                    "score {v} is outside {}..={scale} for {}",
                    kind.min_score(),
                    kind.as_str()
                ),
            ));
        }
        Ok(Score {
            kind,
            value: v,
            scale,
        })
    }

    /// Counts towards the "good" share: promoters (9–10) for NPS kinds, top-2-box (4–5) for
    /// CSAT/PSS. CES has no good/bad split: its figure is a mean.
    pub fn is_good(self) -> bool {
        match self.kind {
            SurveyKind::Nps | SurveyKind::Pnps => self.value >= 9,
            SurveyKind::Csat | SurveyKind::Pss => self.value >= 4,
            SurveyKind::Ces => false,
        }
    }

    /// Counts towards the "bad" share: detractors (0–6) for NPS kinds, bottom-2-box for
    /// CSAT/PSS.
    pub fn is_bad(self) -> bool {
        match self.kind {
            SurveyKind::Nps | SurveyKind::Pnps => self.value <= 6,
            SurveyKind::Csat | SurveyKind::Pss => self.value <= 2,
            SurveyKind::Ces => false,
        }
    }
}

/// Why one record of a batch was rejected; `code` is stable, `message` is for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordError {
    /// Stable machine-readable code, e.g. `invalid_score`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl RecordError {
    /// Builds an error from a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> RecordError {
        RecordError {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Bounds on incoming strings, so one record cannot bloat the store.
pub const MAX_ID_LEN: usize = 200;
/// Longest accepted dimension value (segment, region, …).
pub const MAX_DIMENSION_LEN: usize = 100;
/// Longest accepted free-text comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 5_000;
/// Timestamps may run ahead of the server clock by at most this much (clock skew).
pub const MAX_FUTURE_SKEW_MS: i64 = 86_400_000;
/// The earliest accepted response time: 2000-01-01.
pub const MIN_TIMESTAMP_MS: i64 = 946_684_800_000;

/// One survey response as it arrives, before validation. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SurveyInput {
    /// The source's unique id for this response (idempotency key).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    pub kind: Option<String>,
    pub score: Option<f64>,
    pub scale: Option<i64>,
    pub responded_at: Option<String>,
    pub comment: Option<String>,
    pub channel: Option<String>,
    pub segment: Option<String>,
    pub product_category: Option<String>,
    pub region: Option<String>,
    pub touchpoint: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
}

pub(crate) fn string_or_number<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        S(String),
        I(i64),
        U(u64),
    }
    Ok(Option::<Id>::deserialize(d)?.map(|v| match v {
        Id::S(s) => s,
        Id::I(i) => i.to_string(),
        Id::U(u) => u.to_string(),
    }))
}

/// A validated survey response, ready to store. Missing dimensions are empty strings so that
/// rollup keys stay plain (SQL `NULL`s never compare equal).
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyRecord {
    pub external_id: String,
    pub score: Score,
    pub responded_at_ms: i64,
    pub comment: Option<String>,
    pub channel: String,
    pub segment: String,
    pub product_category: String,
    pub region: String,
    pub touchpoint: String,
    pub customer_id: Option<String>,
    pub partner_id: String,
}

impl SurveyRecord {
    /// The UTC day the response was given.
    pub fn day(&self) -> Day {
        Day::from_epoch_ms(self.responded_at_ms)
    }

    /// Validates one input record. `now_ms` bounds timestamps from the future.
    pub fn validate(input: SurveyInput, now_ms: i64) -> Result<SurveyRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let kind = match input.kind.as_deref() {
            None => return Err(RecordError::new("missing_kind", "`kind` is required")),
            Some(k) => SurveyKind::parse(k).ok_or_else(|| {
                RecordError::new(
                    "invalid_kind",
                    format!("unknown kind {k:?}: expected nps, csat, ces, pss or pnps"),
                )
            })?,
        };
        let value = input
            .score
            .ok_or_else(|| RecordError::new("missing_score", "`score` is required"))?;
        let score = Score::parse(kind, value, input.scale)?;
        let responded_at_ms = timestamp("responded_at", input.responded_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`responded_at` is required"))?;
        let comment = match input.comment.map(|c| c.trim().to_string()) {
            Some(c) if c.chars().count() > MAX_COMMENT_CHARS => {
                return Err(RecordError::new(
                    "field_too_long",
                    format!("`comment` is longer than {MAX_COMMENT_CHARS} characters"),
                ))
            }
            Some(c) if c.is_empty() => None,
            other => other,
        };
        let channel = channel(input.channel.as_deref())?;
        Ok(SurveyRecord {
            external_id,
            score,
            responded_at_ms,
            comment,
            channel,
            segment: dimension("segment", input.segment)?,
            product_category: dimension("product_category", input.product_category)?,
            region: dimension("region", input.region)?,
            touchpoint: dimension("touchpoint", input.touchpoint)?,
            customer_id: match dimension("customer_id", input.customer_id)? {
                s if s.is_empty() => None,
                s => Some(s),
            },
            partner_id: dimension("partner_id", input.partner_id)?,
        })
    }
}

/// The record's id (the idempotency or upsert key): required, trimmed, bounded.
pub(crate) fn external_id(id: Option<&str>) -> Result<String, RecordError> {
    match id.map(str::trim) {
        None | Some("") => Err(RecordError::new("missing_id", "`id` is required")),
        Some(id) if id.len() > MAX_ID_LEN => Err(RecordError::new(
            "field_too_long",
            format!("`id` is longer than {MAX_ID_LEN} bytes"),
        )),
        Some(id) => Ok(id.to_string()),
    }
}

/// A channel name normalised to its stored form; absent is `""`.
pub(crate) fn channel(value: Option<&str>) -> Result<String, RecordError> {
    match value.map(str::trim) {
        None | Some("") => Ok(String::new()),
        Some(c) => Channel::parse(c)
            .map(|ch| ch.as_str().to_string())
            .ok_or_else(|| {
                RecordError::new(
                    "invalid_channel",
                    format!(
                        "unknown channel {c:?}: expected one of {}",
                        Channel::names()
                    ),
                )
            }),
    }
}

/// An optional RFC 3339 timestamp field: absent or blank is `None`; otherwise it must parse
/// and fall between 2000-01-01 and `now_ms` plus the allowed clock skew.
pub(crate) fn timestamp(
    field: &str,
    value: Option<&str>,
    now_ms: i64,
) -> Result<Option<i64>, RecordError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ms = parse_rfc3339(v).ok_or_else(|| {
        RecordError::new(
            "invalid_timestamp",
            format!("`{field}` {v:?} is not an RFC 3339 timestamp"),
        )
    })?;
    if !(MIN_TIMESTAMP_MS..=now_ms + MAX_FUTURE_SKEW_MS).contains(&ms) {
        return Err(RecordError::new(
            "timestamp_out_of_range",
            format!("`{field}` must be after 2000-01-01 and not in the future"),
        ));
    }
    Ok(Some(ms))
}

/// Trims a free-text dimension value and bounds its length.
pub(crate) fn dimension(field: &str, value: Option<String>) -> Result<String, RecordError> {
    let v = value.as_deref().map(str::trim).unwrap_or_default();
    if v.len() > MAX_DIMENSION_LEN {
        return Err(RecordError::new(
            "field_too_long",
            format!("`{field}` is longer than {MAX_DIMENSION_LEN} bytes"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(RecordError::new(
            "invalid_value",
            format!("`{field}` contains control characters"),
        ));
    }
    Ok(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000_000;

    fn input(kind: &str, score: f64, scale: Option<i64>) -> SurveyInput {
        SurveyInput {
            id: Some("r-1".into()),
            kind: Some(kind.into()),
            score: Some(score),
            scale,
            responded_at: Some("2026-01-05T10:00:00Z".into()),
            ..Default::default()
        }
    }

    #[test]
    fn nps_scores_classify_promoters_and_detractors() {
        let s = |v| Score::parse(SurveyKind::Nps, v, None).unwrap();
        assert!(s(10.0).is_good() && s(9.0).is_good() && !s(8.0).is_good());
        assert!(s(6.0).is_bad() && s(0.0).is_bad() && !s(7.0).is_bad());
    }

    #[test]
    fn scores_outside_their_scale_are_rejected() {
        assert_eq!(
            Score::parse(SurveyKind::Nps, 11.0, None).unwrap_err().code,
            "invalid_score"
        );
        assert_eq!(
            Score::parse(SurveyKind::Csat, 0.0, None).unwrap_err().code,
            "invalid_score"
        );
        assert_eq!(
            Score::parse(SurveyKind::Csat, 4.5, None).unwrap_err().code,
            "invalid_score"
        );
        assert_eq!(
            Score::parse(SurveyKind::Ces, 6.0, Some(5))
                .unwrap_err()
                .code,
            "invalid_score"
        );
        assert_eq!(
            Score::parse(SurveyKind::Ces, 6.0, None).unwrap_err().code,
            "missing_scale"
        );
        assert_eq!(
            Score::parse(SurveyKind::Csat, 3.0, Some(7))
                .unwrap_err()
                .code,
            "invalid_scale"
        );
        assert_eq!(
            Score::parse(SurveyKind::Ces, 7.0, Some(7)).unwrap().scale,
            7
        );
        assert_eq!(
            Score::parse(SurveyKind::Nps, f64::NAN, None)
                .unwrap_err()
                .code,
            "invalid_score"
        );
    }

    #[test]
    fn a_valid_record_is_normalised() {
        let mut i = input("NPS", 9.0, None);
        i.channel = Some(" Email ".into());
        i.segment = Some(" smb ".into());
        i.comment = Some("   ".into());
        let r = SurveyRecord::validate(i, NOW).unwrap();
        assert_eq!(r.channel, "email");
        assert_eq!(r.segment, "smb");
        assert_eq!(r.comment, None);
        assert_eq!(r.day().to_string(), "2026-01-05");
    }

    #[test]
    fn each_problem_gets_its_own_code() {
        let code = |i: SurveyInput| SurveyRecord::validate(i, NOW).unwrap_err().code;
        let mut i = input("nps", 9.0, None);
        i.id = Some("  ".into());
        assert_eq!(code(i), "missing_id");
        assert_eq!(code(input("nope", 9.0, None)), "invalid_kind");
        let mut i = input("nps", 9.0, None);
        i.responded_at = Some("yesterday".into());
        assert_eq!(code(i), "invalid_timestamp");
        let mut i = input("nps", 9.0, None);
        i.responded_at = Some("2099-01-01T00:00:00Z".into());
        assert_eq!(code(i), "timestamp_out_of_range");
        let mut i = input("nps", 9.0, None);
        i.channel = Some("pigeon".into());
        assert_eq!(code(i), "invalid_channel");
        let mut i = input("nps", 9.0, None);
        i.region = Some("x".repeat(101));
        assert_eq!(code(i), "field_too_long");
        let mut i = input("nps", 9.0, None);
        i.id = Some("x".repeat(201));
        assert_eq!(code(i), "field_too_long");
    }

    #[test]
    fn numeric_ids_are_accepted_as_strings() {
        let i: SurveyInput = serde_json::from_str(r#"{"id": 42, "partner_id": 7}"#).unwrap();
        assert_eq!(i.id.as_deref(), Some("42"));
        assert_eq!(i.partner_id.as_deref(), Some("7"));
    }
}
