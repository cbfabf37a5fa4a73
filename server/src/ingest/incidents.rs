//! Incident ingestion: generic records (`POST /api/v1/incidents`) and PagerDuty V3 webhooks,
//! whose signature is checked before anything is read.

use super::body::{decode, Decoded, Format};
use super::{validate_all, IngestReport};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::incidents;
use app::domain::incident::{IncidentInput, IncidentRecord, PagerDutyEvent};
use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Maps one CSV row to an incident input by header name. Unknown columns are ignored.
pub fn incident_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<IncidentInput> {
    let mut i = IncidentInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        let text = (!v.is_empty()).then(|| v.to_string());
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = text,
            "title" => i.title = text,
            "severity" => i.severity = text,
            "service" => i.service = text,
            "triggered_at" => i.triggered_at = text,
            "acknowledged_at" => i.acknowledged_at = text,
            "resolved_at" => i.resolved_at = text,
            "customer_impact" => i.customer_impact = text,
            _ => {}
        }
    }
    Ok(i)
}

/// Validates and stores a batch of incidents (merged with stored reports of the same id).
pub async fn ingest(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, incident_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let records = validate_all(
        decoded,
        |input| IncidentRecord::validate(input, now),
        &mut report,
    );
    incidents::upsert(&state.store, &records, None, now).await?;
    announce_incidents(state, &records, now);
    report.accepted = records.len() as i64;
    Ok(report)
}

/// Announces stored incidents on the change bus, so the alert engine and the live pages
/// (`/support`) see them now rather than on the next tick. An incident counts on every day
/// it is open, so the notice runs from the earliest trigger to today. Incidents are
/// operational data: no partner sees the notice.
fn announce_incidents(state: &AppState, records: &[IncidentRecord], now: i64) {
    let Some(first) = records.iter().map(|r| r.triggered_at_ms).min() else {
        return;
    };
    let today = app::domain::date::Day::from_epoch_ms(now).0;
    let u = crate::store::Upserted {
        created: records.len() as i64,
        days: Some((
            app::domain::date::Day::from_epoch_ms(first).0.min(today),
            today,
        )),
        ..Default::default()
    };
    super::announce(state, "incidents", &u, now);
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 256 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// PagerDuty sends one `v1=` signature per active secret (two during a rotation); more than
/// this is not a delivery but an attempt to make the server hash the body over and over.
pub const MAX_SIGNATURES: usize = 8;

/// Whether `header` (`v1=<hex>[,v1=<hex>…]`, several during a secret rotation) carries a
/// valid HMAC-SHA256 of `body` under `secret`. The body is hashed once, whatever the header
/// holds; each candidate is compared in constant time. A header with more than
/// [`MAX_SIGNATURES`] entries verifies nothing.
pub fn pagerduty_signature_ok(secret: &[u8], body: &[u8], header: &str) -> bool {
    if too_many_signatures(header) {
        return false;
    }
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    header
        .split(',')
        .filter_map(|part| part.trim().strip_prefix("v1="))
        .filter_map(from_hex)
        .any(|sig| mac.clone().verify_slice(&sig).is_ok())
}

/// Whether a signature header has more than [`MAX_SIGNATURES`] `v1=` entries (counting stops
/// there).
pub fn too_many_signatures(header: &str) -> bool {
    header
        .split(',')
        .filter(|part| part.trim().starts_with("v1="))
        .nth(MAX_SIGNATURES)
        .is_some()
}

/// Applies one PagerDuty V3 webhook delivery. The signature must verify first (401 and
/// nothing stored otherwise); a redelivered event changes nothing.
pub async fn pagerduty(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
) -> Result<serde_json::Value, ApiError> {
    let secret = state.config.pagerduty_secret.as_ref().ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "webhook_not_configured",
            "set SIGNALROOM_PAGERDUTY_SECRET to the webhook subscription's signing secret",
        )
    })?;
    let Some(signature) = signature else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_signature",
            "X-PagerDuty-Signature is missing",
        ));
    };
    if too_many_signatures(signature) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "too_many_signatures",
            format!("X-PagerDuty-Signature carries more than {MAX_SIGNATURES} signatures"),
        ));
    }
    // Hashing is CPU work: keep it off the async workers that serve every other request.
    let (key, payload, header) = (
        secret.0.clone().into_bytes(),
        body.to_vec(),
        signature.to_string(),
    );
    let ok = tokio::task::spawn_blocking(move || pagerduty_signature_ok(&key, &payload, &header))
        .await
        .unwrap_or(false);
    if !ok {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_signature",
            "X-PagerDuty-Signature does not match this body",
        ));
    }
    let now = now_ms();
    let event =
        PagerDutyEvent::parse(body, now).map_err(|e| ApiError::bad_request(&e.code, e.message))?;
    let Some(event) = event else {
        return Ok(serde_json::json!({"applied": false, "ignored": true}));
    };
    let applied = incidents::upsert(
        &state.store,
        std::slice::from_ref(&event.incident),
        Some(("pagerduty", &event.event_id)),
        now,
    )
    .await?;
    if applied {
        announce_incidents(state, std::slice::from_ref(&event.incident), now);
    }
    Ok(
        serde_json::json!({"applied": applied, "ignored": false, "incident": event.incident.external_id}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_against_the_body_and_the_secret() {
        let body = br#"{"event":{}}"#;
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(b"s3cret").unwrap();
        m.update(body);
        let hex: String = m
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert!(pagerduty_signature_ok(
            b"s3cret",
            body,
            &format!("v1={hex}")
        ));
        assert!(pagerduty_signature_ok(
            b"s3cret",
            body,
            &format!("v1=00ff,v1={hex}")
        ));
        assert!(!pagerduty_signature_ok(
            b"other",
            body,
            &format!("v1={hex}")
        ));
        assert!(!pagerduty_signature_ok(
            b"s3cret",
            b"{}",
            &format!("v1={hex}")
        ));
        assert!(!pagerduty_signature_ok(b"s3cret", body, &hex));
        assert!(!pagerduty_signature_ok(b"s3cret", body, "v1=zz"));
    }
}
