//! Free-text feedback from every channel: validation of one record of
//! `POST /api/v1/feedback`, and the feedback that survey comments become. Scoring happens
//! here, at ingest, so stored scores are what every view reads.

use super::sentiment::vader::Analyzer;
use super::sentiment::Polarity;
use super::survey::{
    channel, dimension, external_id, string_or_number, timestamp, RecordError, SurveyKind,
    SurveyRecord, MAX_COMMENT_CHARS,
};
use super::ticket::TicketRecord;
use serde::{Deserialize, Serialize};

/// Largest accepted like, share, comment or follower count of one record. Far above any real
/// post, and low enough that the sums over nine million records still fit in an `i64`.
pub const MAX_COUNT: i64 = 1_000_000_000_000;

/// Where a text came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedbackSource {
    Survey,
    Ticket,
    Review,
    Social,
    Email,
    Chat,
    Portal,
}

impl FeedbackSource {
    /// Every source, in display order.
    pub const ALL: [FeedbackSource; 7] = [
        Self::Survey,
        Self::Ticket,
        Self::Review,
        Self::Social,
        Self::Email,
        Self::Chat,
        Self::Portal,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Survey => "survey",
            Self::Ticket => "ticket",
            Self::Review => "review",
            Self::Social => "social",
            Self::Email => "email",
            Self::Chat => "chat",
            Self::Portal => "portal",
        }
    }

    /// Display label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Survey => "Surveys",
            Self::Ticket => "Tickets",
            Self::Review => "Reviews",
            Self::Social => "Social media",
            Self::Email => "Email",
            Self::Chat => "Chat",
            Self::Portal => "Partner portal",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<FeedbackSource> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// Who wrote a text: the customer and partner sides of every voice view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Customer,
    Partner,
}

impl Audience {
    /// Both, customers first.
    pub const ALL: [Audience; 2] = [Self::Customer, Self::Partner];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Partner => "partner",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<Audience> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// One feedback text as it arrives, before validation. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FeedbackInput {
    /// The source's unique id (upsert key).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    pub source: Option<String>,
    pub text: Option<String>,
    pub at: Option<String>,
    pub author_type: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
    pub channel: Option<String>,
    pub segment: Option<String>,
    pub product_category: Option<String>,
    pub region: Option<String>,
    pub likes: Option<i64>,
    pub shares: Option<i64>,
    pub comments: Option<i64>,
    pub author: Option<String>,
    pub followers: Option<i64>,
}

/// A validated, scored feedback text. Missing dimensions are empty strings.
#[derive(Clone, Debug, PartialEq)]
pub struct FeedbackRecord {
    pub external_id: String,
    pub source: FeedbackSource,
    pub text: String,
    pub at_ms: i64,
    pub audience: Audience,
    pub customer_id: String,
    pub partner_id: String,
    pub channel: String,
    pub segment: String,
    pub product_category: String,
    pub region: String,
    pub likes: i64,
    pub shares: i64,
    pub comments: i64,
    pub author: String,
    pub followers: i64,
    /// VADER compound score, −1..1, rounded to 4 places as stored.
    pub score: f64,
}

impl FeedbackRecord {
    /// The UTC day the text was written.
    pub fn day(&self) -> super::date::Day {
        super::date::Day::from_epoch_ms(self.at_ms)
    }

    /// The sentiment class of the stored score.
    pub fn polarity(&self) -> Polarity {
        Polarity::of(self.score)
    }

    /// Likes + shares + comments: the engagement of a social mention.
    pub fn engagement(&self) -> i64 {
        self.likes
            .saturating_add(self.shares)
            .saturating_add(self.comments)
    }

    /// Validates and scores one input record. `now_ms` bounds timestamps from the future.
    pub fn validate(
        input: FeedbackInput,
        analyzer: &Analyzer,
        now_ms: i64,
    ) -> Result<FeedbackRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let source = match input.source.as_deref().map(str::trim) {
            None | Some("") => {
                return Err(RecordError::new("missing_source", "`source` is required"))
            }
            Some(s) => FeedbackSource::parse(s).ok_or_else(|| {
                RecordError::new(
                    "invalid_source",
                    format!(
                        "unknown source {s:?}: expected one of {}",
                        FeedbackSource::ALL.map(|s| s.as_str()).join(", ")
                    ),
                )
            })?,
        };
        let text = input.text.as_deref().map(str::trim).unwrap_or_default();
        if text.is_empty() {
            return Err(RecordError::new("missing_text", "`text` is required"));
        }
        if text.chars().count() > MAX_COMMENT_CHARS {
            return Err(RecordError::new(
                "field_too_long",
                format!("`text` is longer than {MAX_COMMENT_CHARS} characters"),
            ));
        }
        let at_ms = timestamp("at", input.at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`at` is required"))?;
        let partner_id = dimension("partner_id", input.partner_id)?;
        let audience = match input.author_type.as_deref().map(str::trim) {
            // Portal messages come from partners; otherwise the author is a customer.
            None | Some("") if source == FeedbackSource::Portal => Audience::Partner,
            None | Some("") => Audience::Customer,
            Some(a) => Audience::parse(a).ok_or_else(|| {
                RecordError::new(
                    "invalid_author_type",
                    format!("unknown author_type {a:?}: expected customer or partner"),
                )
            })?,
        };
        let count = |field: &str, v: Option<i64>| match v {
            None => Ok(0),
            Some(n) if (0..=MAX_COUNT).contains(&n) => Ok(n),
            Some(_) => Err(RecordError::new(
                "invalid_count",
                format!("`{field}` must be a whole number from 0 to {MAX_COUNT}"),
            )),
        };
        Ok(FeedbackRecord {
            external_id,
            source,
            score: round4(analyzer.score(text).compound),
            text: text.to_string(),
            at_ms,
            audience,
            customer_id: dimension("customer_id", input.customer_id)?,
            partner_id,
            channel: channel(input.channel.as_deref())?,
            segment: dimension("segment", input.segment)?,
            product_category: dimension("product_category", input.product_category)?,
            region: dimension("region", input.region)?,
            likes: count("likes", input.likes)?,
            shares: count("shares", input.shares)?,
            comments: count("comments", input.comments)?,
            author: dimension("author", input.author)?,
            followers: count("followers", input.followers)?,
        })
    }

    /// The feedback a survey comment becomes (`survey:<response id>`), if it has one.
    pub fn from_survey(r: &SurveyRecord, analyzer: &Analyzer) -> Option<FeedbackRecord> {
        let text = r.comment.as_deref()?.trim();
        if text.is_empty() {
            return None;
        }
        let audience = match r.score.kind {
            SurveyKind::Pss | SurveyKind::Pnps => Audience::Partner,
            _ => Audience::Customer,
        };
        Some(FeedbackRecord {
            external_id: format!("survey:{}", r.external_id),
            source: FeedbackSource::Survey,
            text: text.to_string(),
            at_ms: r.responded_at_ms,
            audience,
            customer_id: r.customer_id.clone().unwrap_or_default(),
            partner_id: r.partner_id.clone(),
            channel: r.channel.clone(),
            segment: r.segment.clone(),
            product_category: r.product_category.clone(),
            region: r.region.clone(),
            likes: 0,
            shares: 0,
            comments: 0,
            author: String::new(),
            followers: 0,
            score: round4(analyzer.score(text).compound),
        })
    }
}

impl FeedbackRecord {
    /// The feedback a ticket's description becomes (`ticket:<ticket id>`), dated when the
    /// ticket was opened.
    pub fn from_ticket(t: &TicketRecord, text: &str, analyzer: &Analyzer) -> FeedbackRecord {
        FeedbackRecord {
            external_id: format!("ticket:{}", t.external_id),
            source: FeedbackSource::Ticket,
            text: text.to_string(),
            at_ms: t.created_at_ms,
            audience: Audience::Customer,
            customer_id: t.customer_id.clone().unwrap_or_default(),
            partner_id: t.partner_id.clone(),
            channel: t.channel.clone(),
            segment: t.segment.clone(),
            product_category: t.category.clone(),
            region: t.region.clone(),
            likes: 0,
            shares: 0,
            comments: 0,
            author: String::new(),
            followers: 0,
            score: round4(analyzer.score(text).compound),
        }
    }
}

/// A ticket description as stored: trimmed, bounded, absent when blank.
pub fn ticket_description(text: Option<String>) -> Result<Option<String>, RecordError> {
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > MAX_COMMENT_CHARS => Err(RecordError::new(
            "field_too_long",
            format!("`description` is longer than {MAX_COMMENT_CHARS} characters"),
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// Rounds a compound score to the 4 places the reference prints and the store keeps.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn input() -> FeedbackInput {
        FeedbackInput {
            id: Some(" r-1 ".into()),
            source: Some("Review".into()),
            text: Some("  The app is great!  ".into()),
            at: Some("2026-11-01T10:00:00Z".into()),
            ..FeedbackInput::default()
        }
    }

    #[test]
    fn a_valid_record_is_trimmed_and_scored() {
        let r = FeedbackRecord::validate(input(), &Analyzer::default(), NOW).unwrap();
        assert_eq!(r.external_id, "r-1");
        assert_eq!(r.source, FeedbackSource::Review);
        assert_eq!(r.text, "The app is great!");
        assert_eq!(r.audience, Audience::Customer);
        assert_eq!(r.polarity(), Polarity::Positive);
        assert_eq!(
            r.score,
            round4(Analyzer::default().score("The app is great!").compound)
        );
    }

    #[test]
    fn bad_records_get_stable_codes() {
        let a = Analyzer::default();
        let code = |i: FeedbackInput| FeedbackRecord::validate(i, &a, NOW).unwrap_err().code;
        assert_eq!(
            code(FeedbackInput {
                id: None,
                ..input()
            }),
            "missing_id"
        );
        assert_eq!(
            code(FeedbackInput {
                source: None,
                ..input()
            }),
            "missing_source"
        );
        assert_eq!(
            code(FeedbackInput {
                source: Some("fax".into()),
                ..input()
            }),
            "invalid_source"
        );
        assert_eq!(
            code(FeedbackInput {
                text: Some("   ".into()),
                ..input()
            }),
            "missing_text"
        );
        assert_eq!(
            code(FeedbackInput {
                text: Some("x".repeat(MAX_COMMENT_CHARS + 1)),
                ..input()
            }),
            "field_too_long"
        );
        assert_eq!(
            code(FeedbackInput {
                at: None,
                ..input()
            }),
            "missing_timestamp"
        );
        assert_eq!(
            code(FeedbackInput {
                at: Some("yesterday".into()),
                ..input()
            }),
            "invalid_timestamp"
        );
        assert_eq!(
            code(FeedbackInput {
                author_type: Some("bot".into()),
                ..input()
            }),
            "invalid_author_type"
        );
        assert_eq!(
            code(FeedbackInput {
                likes: Some(-1),
                ..input()
            }),
            "invalid_count"
        );
        // A count the sums cannot hold (2^63 - 1 used to show as -1 in the social report).
        assert_eq!(
            code(FeedbackInput {
                likes: Some(i64::MAX),
                ..input()
            }),
            "invalid_count"
        );
        assert_eq!(
            code(FeedbackInput {
                channel: Some("fax".into()),
                ..input()
            }),
            "invalid_channel"
        );
    }

    #[test]
    fn portal_messages_default_to_partners() {
        let r = FeedbackRecord::validate(
            FeedbackInput {
                source: Some("portal".into()),
                ..input()
            },
            &Analyzer::default(),
            NOW,
        )
        .unwrap();
        assert_eq!(r.audience, Audience::Partner);
    }
}
