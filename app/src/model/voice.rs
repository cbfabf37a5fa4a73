//! Wire types of customer and partner voice: sentiment summaries, the feedback log, keywords
//! and social mentions.

use crate::domain::date::Day;
use crate::domain::feedback::{Audience, FeedbackRecord, FeedbackSource};
use crate::domain::sentiment::keywords::{CloudWord, Keyword};
use crate::domain::sentiment::{Polarity, SentimentMix};
use serde::{Deserialize, Serialize};

/// Sentiment of one period bucket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentimentPoint {
    /// First day of the bucket.
    pub t: Day,
    pub mix: SentimentMix,
}

/// Volume and sentiment of one source.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceSentiment {
    pub source: FeedbackSource,
    pub mix: SentimentMix,
}

/// `GET /api/v1/sentiment`: the sentiment of an audience's feedback over a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VoiceReport {
    pub audience: Audience,
    pub from: Day,
    pub to: Day,
    pub overall: SentimentMix,
    /// The compare-to period, when one is asked for.
    pub previous: Option<SentimentMix>,
    pub trend: Vec<SentimentPoint>,
    /// Every source with feedback in the period, most texts first.
    pub by_source: Vec<SourceSentiment>,
}

/// One feedback text as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackItem {
    pub id: String,
    pub source: FeedbackSource,
    pub audience: Audience,
    pub text: String,
    /// Epoch milliseconds.
    pub at_ms: i64,
    pub sentiment_score: f64,
    pub sentiment_label: Polarity,
    pub channel: String,
    pub segment: String,
    pub region: String,
    pub partner_id: String,
    pub author: String,
    pub likes: i64,
    pub shares: i64,
    pub comments: i64,
}

/// `GET /api/v1/feedback`: one page of feedback, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackPage {
    pub items: Vec<FeedbackItem>,
    /// Matching texts in all.
    pub total: i64,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
}

/// `GET /api/v1/keywords`: top keywords per polarity and the word cloud.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeywordsReport {
    pub positive: Vec<Keyword>,
    pub negative: Vec<Keyword>,
    pub cloud: Vec<CloudWord>,
    /// Texts read.
    pub texts: u32,
    /// True when the period held more texts than are read (the newest were read).
    pub sampled: bool,
}

/// One author of social mentions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Influencer {
    pub author: String,
    pub mentions: i64,
    /// Largest follower count reported.
    pub followers: i64,
    /// Likes + shares + comments over their mentions.
    pub engagement: i64,
    /// Mean compound score of their mentions.
    pub score: f64,
}

/// `GET /api/v1/social`: social media mentions and engagement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SocialReport {
    pub from: Day,
    pub to: Day,
    pub mentions: i64,
    pub likes: i64,
    pub shares: i64,
    pub comments: i64,
    /// Interactions per mention: (likes + shares + comments) / mentions.
    pub engagement_per_mention: Option<f64>,
    pub sentiment: SentimentMix,
    pub trend: Vec<SentimentPoint>,
    /// Most engaging authors first.
    pub influencers: Vec<Influencer>,
    /// Most positive frequent authors first (at least two mentions).
    pub advocates: Vec<Influencer>,
}

/// The Feedback & Sentiment page in one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VoicePage {
    pub report: VoiceReport,
    pub keywords: KeywordsReport,
    pub feedback: FeedbackPage,
    /// Social mentions, on the social view (`view=social`) only.
    pub social: Option<SocialReport>,
}

impl From<FeedbackRecord> for FeedbackItem {
    fn from(r: FeedbackRecord) -> FeedbackItem {
        FeedbackItem {
            sentiment_label: r.polarity(),
            id: r.external_id,
            source: r.source,
            audience: r.audience,
            text: r.text,
            at_ms: r.at_ms,
            sentiment_score: r.score,
            channel: r.channel,
            segment: r.segment,
            region: r.region,
            partner_id: r.partner_id,
            author: r.author,
            likes: r.likes,
            shares: r.shares,
            comments: r.comments,
        }
    }
}

/// Where re-scoring of stored texts after a domain-lexicon change stands.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RescoreStatus {
    /// Whether a re-score is running or due.
    pub running: bool,
    /// Texts read and scores changed by the last completed re-score.
    pub read: i64,
    pub changed: i64,
    /// When it finished (ms since the epoch).
    pub finished_at: Option<i64>,
}

/// The domain lexicon as the API and the admin page list it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LexiconView {
    /// Every effective entry, in term order.
    pub terms: Vec<crate::domain::sentiment::domain::LexiconEntry>,
    /// What scores depend on; stored texts are re-scored until they match it.
    pub fingerprint: String,
    pub rescore: RescoreStatus,
}
