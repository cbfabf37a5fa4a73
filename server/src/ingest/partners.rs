//! Partner ingestion: the registry (`POST /api/v1/partners`), activity and deals
//! (`POST /api/v1/partner-activity`) and inventory snapshots (`POST /api/v1/inventory`).
//! Each decodes, validates, upserts and announces like the other families.

use super::body::{decode, Decoded, Format};
use super::{announce, csv_number, validate_all, IngestReport};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::partners::{upsert_activity, upsert_inventory, upsert_partners};
use app::domain::partner::activity::Activity;
use app::domain::partner::{
    ActivityInput, InventoryInput, InventorySnapshot, PartnerInput, PartnerRecord,
};

/// The change-bus family of every partner-side record.
pub const FAMILY: &str = "partners";

/// Maps one CSV row to a partner by header name. Unknown columns are ignored.
pub fn partner_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<PartnerInput> {
    let mut i = PartnerInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = text,
            "name" => i.name = text,
            "tier" => i.tier = text,
            "region" => i.region = text,
            "signed_at" => i.signed_at = text,
            "live_at" => i.live_at = text,
            "status" => i.status = text,
            "churned_at" => i.churned_at = text,
            _ => {}
        }
    }
    Ok(i)
}

/// Maps one CSV row to an activity record by header name.
pub fn activity_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<ActivityInput> {
    let mut i = ActivityInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = text,
            "partner_id" => i.partner_id = text,
            "type" => i.kind = text,
            "at" => i.at = text,
            "count" => i.count = csv_number("count", v, "invalid_count")?,
            "course" => i.course = text,
            "person" => i.person = text,
            "program" => i.program = text,
            "medium" => i.medium = text,
            "deal_id" => i.deal_id = text,
            "value" => i.value = csv_number("value", v, "invalid_amount")?,
            "currency" => i.currency = text,
            "stage" => i.stage = text,
            _ => {}
        }
    }
    Ok(i)
}

/// Maps one CSV row to an inventory snapshot by header name.
pub fn inventory_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<InventoryInput> {
    let mut i = InventoryInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "partner_id" => i.partner_id = text,
            "sku" => i.sku = text,
            "on_hand" => i.on_hand = csv_number("on_hand", v, "invalid_quantity")?,
            "reorder_level" => {
                i.reorder_level = csv_number("reorder_level", v, "invalid_quantity")?
            }
            "at" => i.at = text,
            _ => {}
        }
    }
    Ok(i)
}

/// Validates and upserts a batch of partners.
pub async fn ingest_partners(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, partner_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let records = validate_all(decoded, |i| PartnerRecord::validate(i, now), &mut report);
    let outcome = upsert_partners(&state.store, records, now).await?;
    report.upserted(&outcome);
    announce(state, FAMILY, &outcome, now);
    Ok(report)
}

/// Validates and upserts a batch of activity records and deals.
pub async fn ingest_activity(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, activity_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let (mut events, mut deals) = (Vec::new(), Vec::new());
    for a in validate_all(decoded, |i| Activity::validate(i, now), &mut report) {
        match a {
            Activity::Event(e) => events.push(e),
            Activity::Deal(d) => deals.push(d),
        }
    }
    let outcome = upsert_activity(&state.store, events, deals, now).await?;
    report.upserted(&outcome);
    announce(state, FAMILY, &outcome, now);
    Ok(report)
}

/// Validates and upserts a batch of inventory snapshots.
pub async fn ingest_inventory(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, inventory_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let records = validate_all(
        decoded,
        |i| InventorySnapshot::validate(i, now),
        &mut report,
    );
    let outcome = upsert_inventory(&state.store, records, now).await?;
    report.upserted(&outcome);
    announce(state, FAMILY, &outcome, now);
    Ok(report)
}
