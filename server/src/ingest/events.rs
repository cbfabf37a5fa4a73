//! Segment HTTP Tracking API ingest (`/v1/track`, `/v1/identify`, `/v1/page`, `/v1/screen`,
//! `/v1/group`, `/v1/alias`, `/v1/batch`) and marketing spend (`POST /api/v1/marketing-spend`).

use super::body::{decode, Decoded, Format};
use super::{csv_number, validate_all, IngestReport};
use crate::bus::Change;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::events::insert_batch;
use app::domain::date::Day;
use app::domain::journey::commerce::{SpendInput, SpendRecord};
use app::domain::journey::message::{EventRecord, MessageKind, SegmentMessage};
use app::domain::survey::RecordError;
use app::model::ChangeNotice;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

#[derive(Deserialize)]
struct BatchBody<'a> {
    #[serde(borrow)]
    batch: Vec<&'a RawValue>,
    #[serde(rename = "sentAt")]
    sent_at: Option<Value>,
    /// Applies to messages without their own context, as Segment does.
    context: Option<Value>,
}

/// The `writeKey` a Segment body may carry instead of the Authorization header.
#[derive(Deserialize)]
struct KeyOnly {
    #[serde(rename = "writeKey")]
    write_key: Option<String>,
}

/// The body's `writeKey`, if any (the header wins when both are sent).
pub fn body_write_key(bytes: &[u8]) -> Option<String> {
    serde_json::from_slice::<KeyOnly>(bytes)
        .ok()
        .and_then(|k| k.write_key)
        .filter(|k| !k.trim().is_empty())
}

fn malformed(m: impl Into<String>) -> ApiError {
    ApiError::bad_request("malformed_body", m)
}

/// Decodes, validates and stores one call: a single message of `kind`, or a batch
/// (`kind = None`).
pub async fn ingest(
    state: &AppState,
    kind: Option<MessageKind>,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let received = now_ms();
    let mut report = IngestReport::default();
    let records: Vec<EventRecord> = match kind {
        Some(kind) => {
            let m: SegmentMessage = serde_json::from_slice(bytes)
                .map_err(|e| malformed(format!("expected one JSON message object: {e}")))?;
            let decoded: Vec<Decoded<EventRecord>> = vec![EventRecord::validate(
                m,
                Some(kind),
                None,
                received,
                bytes.len(),
            )];
            validate_all(decoded, Ok, &mut report)
        }
        None => {
            let body: BatchBody = serde_json::from_slice(bytes)
                .map_err(|e| malformed(format!("expected {{\"batch\": [messages…]}}: {e}")))?;
            let decoded: Vec<Decoded<EventRecord>> = body
                .batch
                .iter()
                .map(|raw| {
                    let mut m: SegmentMessage = serde_json::from_str(raw.get()).map_err(|e| {
                        RecordError::new("malformed_message", format!("not a message object: {e}"))
                    })?;
                    if m.context.is_none() {
                        m.context = body.context.clone();
                    }
                    EventRecord::validate(m, None, body.sent_at.as_ref(), received, raw.get().len())
                })
                .collect();
            validate_all(decoded, Ok, &mut report)
        }
    };
    let outcome = insert_batch(&state.store, &records, received).await?;
    report.accepted = outcome.accepted;
    report.duplicates = outcome.duplicates;
    if let Some((from, to)) = outcome.days {
        state.bus.publish(Change {
            notice: ChangeNotice {
                family: "events".into(),
                kinds: Vec::new(),
                from: Day(from),
                to: Day(to),
                count: outcome.accepted,
                at: received,
            },
            // Customer activity touches no partner's rows.
            partners: Some(Default::default()),
        });
    }
    Ok(report)
}

/// Maps one CSV row of marketing spend by header name.
pub fn spend_from_csv(headers: &csv::StringRecord, row: &csv::StringRecord) -> Decoded<SpendInput> {
    let mut i = SpendInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        match h.trim().to_ascii_lowercase().as_str() {
            "period" => i.period = Some(v.to_string()),
            "channel" => i.channel = Some(v.to_string()),
            "amount" => i.amount = csv_number("amount", v, "invalid_amount")?,
            "currency" => i.currency = Some(v.to_string()),
            _ => {}
        }
    }
    Ok(i)
}

/// Validates and upserts marketing spend by (period, channel).
pub async fn ingest_spend(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, spend_from_csv)?;
    let mut report = IngestReport::default();
    let records = validate_all(decoded, SpendRecord::validate, &mut report);
    let now = now_ms();
    let (created, updated, unchanged) = state.engine.journey().upsert_spend(&records, now).await?;
    report.accepted = created + updated;
    report.updated = Some(updated);
    report.duplicates = unchanged;
    if created + updated > 0 {
        let days = records.iter().map(|r| (r.from.0, r.to.0 - 1));
        let from = days.clone().map(|d| d.0).min().unwrap_or(0);
        let to = days.map(|d| d.1).max().unwrap_or(0);
        state.bus.publish(Change {
            notice: ChangeNotice {
                family: "marketing_spend".into(),
                kinds: Vec::new(),
                from: Day(from),
                to: Day(to),
                count: created + updated,
                at: now,
            },
            partners: Some(Default::default()),
        });
    }
    Ok(report)
}
