//! Survey ingestion: decode, validate, store in one transaction, announce.

use super::body::{decode, Decoded, Format};
use super::{validate_all, IngestReport};
use crate::bus::Change;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::surveys::insert_batch;
use app::domain::survey::{RecordError, SurveyInput, SurveyRecord};
use app::model::ChangeNotice;
use std::collections::{BTreeMap, HashSet};

/// Maps one CSV row to a survey input by header name. Unknown columns are ignored.
pub fn survey_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<SurveyInput> {
    let mut input = SurveyInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => input.id = text,
            "kind" => input.kind = text,
            "score" => {
                input.score = Some(v.parse().map_err(|_| {
                    RecordError::new("invalid_score", format!("score {v:?} is not a number"))
                })?)
            }
            "scale" => {
                input.scale = Some(v.parse().map_err(|_| {
                    RecordError::new(
                        "invalid_scale",
                        format!("scale {v:?} is not a whole number"),
                    )
                })?)
            }
            "responded_at" => input.responded_at = text,
            "comment" => input.comment = text,
            "channel" => input.channel = text,
            "segment" => input.segment = text,
            "product_category" => input.product_category = text,
            "region" => input.region = text,
            "touchpoint" => input.touchpoint = text,
            "customer_id" => input.customer_id = text,
            "partner_id" => input.partner_id = text,
            _ => {}
        }
    }
    Ok(input)
}

/// Validates and stores a batch of survey responses, then announces the change.
pub async fn ingest(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let started = std::time::Instant::now();
    let decoded = decode(format, bytes, survey_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let records = validate_all(
        decoded,
        |input| SurveyRecord::validate(input, now),
        &mut report,
    );
    let validated = started.elapsed();
    let count = records.len();
    let mut partners: BTreeMap<String, i64> = BTreeMap::new();
    for r in &records {
        *partners.entry(r.partner_id.clone()).or_default() += 1;
    }
    let with_comments: Vec<SurveyRecord> = records
        .iter()
        .filter(|r| r.comment.is_some())
        .cloned()
        .collect();
    let outcome = insert_batch(&state.store, records, now).await?;
    tracing::debug!(
        records = count,
        decode_validate_us = validated.as_micros() as u64,
        store_us = (started.elapsed() - validated).as_micros() as u64,
        "ingested survey batch"
    );
    report.accepted = outcome.accepted;
    report.duplicates = outcome.duplicates;
    if !outcome.commented.is_empty() {
        let ids: HashSet<&str> = outcome.commented.iter().map(String::as_str).collect();
        let fresh: Vec<&SurveyRecord> = with_comments
            .iter()
            .filter(|r| ids.contains(r.external_id.as_str()))
            .collect();
        // The responses are stored durably already; their feedback is derived data that
        // `signalroom-voice backfill` rebuilds, so a failure here must not fail the batch.
        if let Err(e) = super::feedback::from_surveys(state, &fresh, now).await {
            tracing::warn!(error = %e, "storing survey comments as feedback failed");
        }
    }
    if let Some((from, to)) = outcome.days {
        state.bus.publish(Change {
            notice: ChangeNotice {
                family: "surveys".into(),
                kinds: outcome.kinds.into_iter().collect(),
                from,
                to,
                count: outcome.accepted,
                at: now,
            },
            partners: Some(partners),
        });
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_map_by_header_and_numbers_are_checked() {
        let h = csv::StringRecord::from(vec!["ID", "kind", "score", "scale", "extra"]);
        let r = csv::StringRecord::from(vec!["r1", "ces", "6", "7", "x"]);
        let i = survey_from_csv(&h, &r).unwrap();
        assert_eq!(
            (i.id.as_deref(), i.score, i.scale),
            (Some("r1"), Some(6.0), Some(7))
        );
        let r = csv::StringRecord::from(vec!["r1", "ces", "six", "7", "x"]);
        assert_eq!(survey_from_csv(&h, &r).unwrap_err().code, "invalid_score");
    }
}
