//! Order ingestion (`POST /api/v1/orders`): decode, validate, upsert by id, announce.

use super::body::{decode, Decoded, Format};
use super::{announce, csv_flag, csv_number, validate_all, IngestReport};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::orders::upsert_batch;
use app::domain::order::{OrderInput, OrderRecord};

/// Maps one CSV row to an order input by header name. Unknown columns are ignored.
pub fn order_from_csv(headers: &csv::StringRecord, row: &csv::StringRecord) -> Decoded<OrderInput> {
    let mut i = OrderInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = text,
            "customer_id" => i.customer_id = text,
            "partner_id" => i.partner_id = text,
            "amount" => i.amount = csv_number("amount", v, "invalid_amount")?,
            "currency" => i.currency = text,
            "ordered_at" => i.ordered_at = text,
            "promised_at" => i.promised_at = text,
            "delivered_at" => i.delivered_at = text,
            "accurate" => i.accurate = csv_flag("accurate", v)?,
            "returned" => i.returned = csv_flag("returned", v)?,
            "category" => i.category = text,
            "channel" => i.channel = text,
            "cost" => i.cost = csv_number("cost", v, "invalid_amount")?,
            _ => {}
        }
    }
    Ok(i)
}

/// Validates and upserts a batch of orders, then announces the change.
pub async fn ingest(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, order_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let records = validate_all(
        decoded,
        |input| OrderRecord::validate(input, now),
        &mut report,
    );
    let outcome = upsert_batch(&state.store, records, now).await?;
    report.upserted(&outcome);
    announce(state, "orders", &outcome, now);
    Ok(report)
}
