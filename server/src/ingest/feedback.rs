//! Feedback ingestion (`POST /api/v1/feedback`): decode, validate and score, upsert, announce.
//! Survey comments reach the same store through [`from_surveys`].

use super::body::{decode, Decoded, Format};
use super::{announce, validate_all, IngestReport};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::feedback::upsert_batch;
use crate::store::StoreError;
use app::domain::feedback::{FeedbackInput, FeedbackRecord};
use app::domain::survey::{RecordError, SurveyRecord};

fn count(field: &str, v: &str) -> Result<Option<i64>, RecordError> {
    v.trim().parse().map(Some).map_err(|_| {
        RecordError::new(
            "invalid_count",
            format!("`{field}` {v:?} is not a whole number"),
        )
    })
}

/// Maps one CSV row to a feedback input by header name. Unknown columns are ignored.
pub fn feedback_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<FeedbackInput> {
    let mut i = FeedbackInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = text,
            "source" => i.source = text,
            "text" => i.text = text,
            "at" => i.at = text,
            "author_type" => i.author_type = text,
            "customer_id" => i.customer_id = text,
            "partner_id" => i.partner_id = text,
            "channel" => i.channel = text,
            "segment" => i.segment = text,
            "product_category" => i.product_category = text,
            "region" => i.region = text,
            "likes" => i.likes = count("likes", v)?,
            "shares" => i.shares = count("shares", v)?,
            "comments" => i.comments = count("comments", v)?,
            "author" => i.author = text,
            "followers" => i.followers = count("followers", v)?,
            _ => {}
        }
    }
    Ok(i)
}

/// Validates, scores and upserts a batch of feedback, then announces the change.
pub async fn ingest(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, feedback_from_csv)?;
    let now = now_ms();
    let analyzer = state.sentiment.analyzer();
    let mut report = IngestReport::default();
    let records = validate_all(
        decoded,
        |input| FeedbackRecord::validate(input, &analyzer, now),
        &mut report,
    );
    let outcome = upsert_batch(&state.store, records, now).await?;
    report.upserted(&outcome);
    announce(state, "feedback", &outcome, now);
    Ok(report)
}

/// Stores the comments of newly stored survey responses as feedback and announces them.
pub async fn from_surveys(
    state: &AppState,
    records: &[&SurveyRecord],
    now: i64,
) -> Result<(), StoreError> {
    let analyzer = state.sentiment.analyzer();
    let texts: Vec<FeedbackRecord> = records
        .iter()
        .filter_map(|r| FeedbackRecord::from_survey(r, &analyzer))
        .collect();
    store_derived(state, texts, now).await
}

/// Upserts feedback derived from other records (survey comments, ticket descriptions) and
/// announces it.
pub async fn store_derived(
    state: &AppState,
    texts: Vec<FeedbackRecord>,
    now: i64,
) -> Result<(), StoreError> {
    if texts.is_empty() {
        return Ok(());
    }
    let outcome = upsert_batch(&state.store, texts, now).await?;
    announce(state, "feedback", &outcome, now);
    Ok(())
}
