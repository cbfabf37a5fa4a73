//! Ticket ingestion: decode, validate, upsert in one transaction, announce.

use super::body::{decode, Decoded, Format};
use super::{announce, csv_flag, validate_all, IngestReport};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::tickets::upsert_batch;
use app::domain::feedback::{ticket_description, FeedbackRecord};
use app::domain::survey::RecordError;
use app::domain::ticket::{TicketInput, TicketRecord};
use std::collections::HashSet;

fn int(field: &str, v: &str) -> Result<i64, RecordError> {
    v.trim().parse().map_err(|_| {
        RecordError::new(
            if field == "satisfaction" {
                "invalid_score"
            } else {
                "invalid_count"
            },
            format!("`{field}` {v:?} is not a whole number"),
        )
    })
}

/// Maps one CSV row to a ticket input by header name. Unknown columns are ignored.
pub fn ticket_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<TicketInput> {
    let mut i = TicketInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = text,
            "created_at" => i.created_at = text,
            "updated_at" => i.updated_at = text,
            "first_response_at" => i.first_response_at = text,
            "resolved_at" => i.resolved_at = text,
            "status" => i.status = text,
            "priority" => i.priority = text,
            "channel" => i.channel = text,
            "customer_contacts" => i.customer_contacts = Some(int("customer_contacts", v)?),
            "agent_replies" => i.agent_replies = Some(int("agent_replies", v)?),
            "reopened" => i.reopened = Some(int("reopened", v)?),
            "satisfaction" => i.satisfaction = Some(int("satisfaction", v)?),
            "category" => i.category = text,
            "customer_id" => i.customer_id = text,
            "partner_id" => i.partner_id = text,
            "segment" => i.segment = text,
            "region" => i.region = text,
            "description" => i.description = text,
            "vip" => i.vip = csv_flag("vip", v)?,
            _ => {}
        }
    }
    Ok(i)
}

/// Validates and upserts a batch of tickets, then announces the change. `accepted` counts
/// new and updated tickets (`updated` says how many of them were updates); `duplicates`
/// counts replays and out-of-order older versions, which change nothing.
pub async fn ingest(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, ticket_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let validated = validate_all(
        decoded,
        |mut input| {
            let description = ticket_description(input.description.take())?;
            TicketRecord::validate(input, now).map(|r| (r, description))
        },
        &mut report,
    );
    let (records, descriptions): (Vec<TicketRecord>, Vec<Option<String>>) =
        validated.into_iter().unzip();
    let described: Vec<(TicketRecord, String)> = records
        .iter()
        .zip(descriptions)
        .filter_map(|(r, d)| d.map(|d| (r.clone(), d)))
        .collect();
    let outcome = upsert_batch(&state.store, records, now).await?;
    if !described.is_empty() {
        // Only the stored versions speak: an older version must not overwrite the newer
        // description. A replay of the stored version writes it again (a no-op once stored),
        // so a client retrying after a failure here gets its description stored.
        let stored: HashSet<(&str, i64)> = outcome
            .current
            .iter()
            .map(|(id, at)| (id.as_str(), *at))
            .collect();
        let analyzer = state.sentiment.analyzer();
        let texts: Vec<FeedbackRecord> = described
            .iter()
            .filter(|(r, _)| stored.contains(&(r.external_id.as_str(), r.updated_at_ms)))
            .map(|(r, d)| FeedbackRecord::from_ticket(r, d, &analyzer))
            .collect();
        super::feedback::store_derived(state, texts, now).await?;
    }
    report.upserted(&outcome.counts);
    announce(state, "tickets", &outcome.counts, now);
    Ok(report)
}
