//! Workflow ingestion: generic workflows, tasks and automation runs (`POST /api/v1/workflows`,
//! `/tasks`, `/automation-runs`) and the Jira and Linear issue webhooks, whose signatures are
//! checked before anything is read.

use super::body::{decode, Decoded, Format};
use super::{validate_all, IngestReport};
use crate::clock::now_ms;
use crate::config::Secret;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::workflows::{self, WorkflowUpsert};
use app::domain::workflow::{
    jira, linear, RunInput, RunRecord, TaskInput, TaskRecord, TrackerEvent, WorkflowInput,
    WorkflowRecord,
};
use axum::http::StatusCode;
use hmac::{Hmac, Mac};
use sha2::Sha256;

fn text(v: &str) -> Option<String> {
    (!v.is_empty()).then(|| v.to_string())
}

/// Maps one CSV row to a workflow by header name. Unknown columns are ignored.
pub fn workflow_from_csv(
    headers: &csv::StringRecord,
    row: &csv::StringRecord,
) -> Decoded<WorkflowInput> {
    let mut i = WorkflowInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        let v = text(v);
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = v,
            "type" => i.kind = v,
            "audience" => i.audience = v,
            "title" => i.title = v,
            "status" => i.status = v,
            "stage" => i.stage = v,
            "customer_id" => i.customer_id = v,
            "partner_id" => i.partner_id = v,
            "team" => i.team = v,
            "owner" => i.owner = v,
            "priority" => i.priority = v,
            "created_at" => i.created_at = v,
            "started_at" => i.started_at = v,
            "due_at" => i.due_at = v,
            "completed_at" => i.completed_at = v,
            "updated_at" => i.updated_at = v,
            "delay_reason" => i.delay_reason = v,
            "comment" => i.comment = v,
            "changed_by" => i.changed_by = v,
            _ => {}
        }
    }
    Ok(i)
}

/// Maps one CSV row to a task by header name.
pub fn task_from_csv(headers: &csv::StringRecord, row: &csv::StringRecord) -> Decoded<TaskInput> {
    let mut i = TaskInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        let v = text(v);
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = v,
            "workflow_id" => i.workflow_id = v,
            "title" => i.title = v,
            "assignee" => i.assignee = v,
            "team" => i.team = v,
            "status" => i.status = v,
            "created_at" => i.created_at = v,
            "due_at" => i.due_at = v,
            "completed_at" => i.completed_at = v,
            "updated_at" => i.updated_at = v,
            _ => {}
        }
    }
    Ok(i)
}

/// Maps one CSV row to an automation run by header name.
pub fn run_from_csv(headers: &csv::StringRecord, row: &csv::StringRecord) -> Decoded<RunInput> {
    let mut i = RunInput::default();
    for (h, v) in headers.iter().zip(row.iter()) {
        let v = text(v);
        match h.trim().to_ascii_lowercase().as_str() {
            "id" => i.id = v,
            "automation" => i.automation = v,
            "workflow_id" => i.workflow_id = v,
            "status" => i.status = v,
            "started_at" => i.started_at = v,
            "finished_at" => i.finished_at = v,
            "error" => i.error = v,
            _ => {}
        }
    }
    Ok(i)
}

/// Announces what an upsert changed: the live pages and the alert engine read it now.
fn announce(state: &AppState, u: &crate::store::Upserted, now: i64) {
    super::announce(state, "workflows", u, now);
}

/// Validates and upserts a batch of workflows (newest `updated_at` wins; each status change
/// is kept as a transition).
pub async fn ingest_workflows(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, workflow_from_csv)?;
    let now = now_ms();
    let map = &state.config.workflows.status_map;
    let mut report = IngestReport::default();
    let records = validate_all(
        decoded,
        |i| WorkflowRecord::validate(i, map, now),
        &mut report,
    );
    let done = workflows::upsert(&state.store, records, None, now).await?;
    announce(state, &done.upserted, now);
    report.upserted(&done.upserted);
    Ok(report)
}

/// Validates and upserts a batch of tasks.
pub async fn ingest_tasks(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, task_from_csv)?;
    let now = now_ms();
    let map = &state.config.workflows.status_map;
    let mut report = IngestReport::default();
    let records = validate_all(decoded, |i| TaskRecord::validate(i, map, now), &mut report);
    let u = workflows::upsert_tasks(&state.store, &records).await?;
    announce(state, &u, now);
    report.upserted(&u);
    Ok(report)
}

/// Validates and upserts a batch of automation runs.
pub async fn ingest_runs(
    state: &AppState,
    format: Format,
    bytes: &[u8],
) -> Result<IngestReport, ApiError> {
    let decoded = decode(format, bytes, run_from_csv)?;
    let now = now_ms();
    let mut report = IngestReport::default();
    let records = validate_all(decoded, |i| RunRecord::validate(i, now), &mut report);
    let u = workflows::upsert_runs(&state.store, &records).await?;
    announce(state, &u, now);
    report.upserted(&u);
    Ok(report)
}

/// More signatures than a rotation needs are not a delivery but an attempt to make the server
/// hash the body over and over.
pub const MAX_SECRETS: usize = 8;

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || s.len() > 256 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Whether `signature_hex` is the HMAC-SHA256 of `body` under any of `secrets` (at most
/// [`MAX_SECRETS`] are tried), each compared in constant time.
pub fn signed_by_any(secrets: &[Vec<u8>], body: &[u8], signature_hex: &str) -> bool {
    let Some(sig) = from_hex(signature_hex.trim()) else {
        return false;
    };
    secrets.iter().take(MAX_SECRETS).any(|secret| {
        <Hmac<Sha256> as Mac>::new_from_slice(secret).is_ok_and(|mut mac| {
            mac.update(body);
            mac.verify_slice(&sig).is_ok()
        })
    })
}

fn unauthorized(code: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, message)
}

/// Checks a tracker delivery's signature off the async workers (hashing is CPU work).
async fn verify(
    secrets: &[Secret],
    setting: &str,
    header: &str,
    signature: Option<&str>,
    body: &[u8],
) -> Result<(), ApiError> {
    if secrets.is_empty() {
        return Err(unauthorized(
            "webhook_not_configured",
            format!("set {setting} to the webhook's signing secret"),
        ));
    }
    let Some(signature) = signature else {
        return Err(unauthorized(
            "invalid_signature",
            format!("{header} is missing"),
        ));
    };
    let keys: Vec<Vec<u8>> = secrets.iter().map(|s| s.0.clone().into_bytes()).collect();
    let (payload, sig) = (body.to_vec(), signature.to_string());
    let ok = tokio::task::spawn_blocking(move || signed_by_any(&keys, &payload, &sig))
        .await
        .unwrap_or(false);
    if ok {
        Ok(())
    } else {
        Err(unauthorized(
            "invalid_signature",
            format!("{header} does not match this body"),
        ))
    }
}

/// Applies one tracker event: validates the workflow it carries and upserts it once per
/// delivery id.
async fn apply(
    state: &AppState,
    source: &str,
    delivery: Option<&str>,
    event: TrackerEvent,
    now: i64,
) -> Result<serde_json::Value, ApiError> {
    let input = match event {
        TrackerEvent::Ignored(what) => {
            return Ok(serde_json::json!({"applied": false, "ignored": true, "event": what}))
        }
        TrackerEvent::Upsert(input) => *input,
    };
    let record = WorkflowRecord::validate(input, &state.config.workflows.status_map, now)
        .map_err(|e| ApiError::bad_request(&e.code, e.message))?;
    let id = record.external_id.clone();
    let webhook = delivery.map(|d| (source, d));
    let WorkflowUpsert {
        upserted,
        transitions,
        applied,
    } = workflows::upsert(&state.store, vec![record], webhook, now).await?;
    announce(state, &upserted, now);
    Ok(serde_json::json!({
        "applied": applied && upserted.unchanged == 0,
        "ignored": false,
        "workflow": id,
        "transitions": transitions.len(),
    }))
}

/// A Jira issue webhook: `X-Hub-Signature: sha256=<hex>` must verify (401 and nothing
/// stored otherwise); `X-Atlassian-Webhook-Identifier` makes a redelivery change nothing.
pub async fn jira(
    state: &AppState,
    signature: Option<&str>,
    delivery: Option<&str>,
    body: &[u8],
) -> Result<serde_json::Value, ApiError> {
    let hex = signature.map(|s| s.trim().strip_prefix("sha256=").unwrap_or("not hex"));
    verify(
        &state.config.workflows.jira_secrets,
        "SIGNALROOM_JIRA_SECRET",
        "X-Hub-Signature",
        hex,
        body,
    )
    .await?;
    let cfg = &state.config.workflows;
    let event = jira::parse(body, &cfg.status_map, &cfg.jira)
        .map_err(|e| ApiError::bad_request(&e.code, e.message))?;
    apply(state, "jira", delivery, event, now_ms()).await
}

/// A Linear webhook: `Linear-Signature` (hex) must verify and `webhookTimestamp` be within
/// five minutes; `Linear-Delivery` makes a redelivery change nothing.
pub async fn linear(
    state: &AppState,
    signature: Option<&str>,
    delivery: Option<&str>,
    body: &[u8],
) -> Result<serde_json::Value, ApiError> {
    verify(
        &state.config.workflows.linear_secrets,
        "SIGNALROOM_LINEAR_SECRET",
        "Linear-Signature",
        signature,
        body,
    )
    .await?;
    let now = now_ms();
    match linear::webhook_timestamp(body) {
        Some(ts) if linear::is_fresh(ts, now) => {}
        _ => {
            return Err(unauthorized(
                "stale_delivery",
                "webhookTimestamp is missing or more than 5 minutes from now: a replay is refused",
            ))
        }
    }
    let cfg = &state.config.workflows;
    let event = linear::parse(body, &cfg.status_map, &cfg.linear)
        .map_err(|e| ApiError::bad_request(&e.code, e.message))?;
    apply(state, "linear", delivery, event, now).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &[u8], body: &[u8]) -> String {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap();
        m.update(body);
        m.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn a_signature_verifies_under_any_current_secret() {
        let body = br#"{"webhookEvent":"jira:issue_updated"}"#;
        let (old, new) = (b"old-secret".to_vec(), b"new-secret".to_vec());
        let sig = sign(&new, body);
        assert!(signed_by_any(&[old.clone(), new.clone()], body, &sig));
        assert!(!signed_by_any(std::slice::from_ref(&old), body, &sig));
        assert!(!signed_by_any(std::slice::from_ref(&new), b"{}", &sig));
        assert!(!signed_by_any(&[new], body, "zz"));
    }
}
