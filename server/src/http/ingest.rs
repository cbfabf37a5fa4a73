//! `POST /api/v1/surveys` and `POST /api/v1/tickets`.

use super::auth::require_key;
use crate::error::ApiError;
use crate::ingest::body::Format;
use crate::ingest::{incidents, surveys, tickets, workflows, IngestReport};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;

/// Stores a batch of survey responses. 200 when anything was stored (or everything was a
/// replay), 422 when every record was rejected; the body lists per-record errors either way.
pub async fn post_surveys(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "surveys").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(surveys::ingest(&state, format, &bytes).await?)
}

/// Upserts a batch of support tickets (by id, newest `updated_at` wins). Same statuses and
/// answer as surveys; `updated` counts the accepted records that replaced a stored version.
pub async fn post_tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "tickets").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(tickets::ingest(&state, format, &bytes).await?)
}

/// Stores a batch of incidents (key scope `incidents`); reports of a known id fill it in.
pub async fn post_incidents(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "incidents").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(incidents::ingest(&state, format, &bytes).await?)
}

/// Largest webhook delivery accepted. PagerDuty's V3 events are a few KiB, Jira's and
/// Linear's issue events tens; a signature check
/// must hash the whole body, so the limit also bounds what an unauthenticated caller costs.
pub const WEBHOOK_MAX_BODY: usize = 256 * 1024;

/// PagerDuty V3 webhook: authenticated by its `X-PagerDuty-Signature`, not by a key.
pub async fn post_pagerduty(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    let bytes = read_limited(body, &headers, WEBHOOK_MAX_BODY).await?;
    let signature = headers
        .get("x-pagerduty-signature")
        .and_then(|v| v.to_str().ok());
    Ok(Json(incidents::pagerduty(&state, signature, &bytes).await?))
}

/// Upserts a batch of workflows (key scope `workflows`; by id, newest `updated_at` wins, each
/// status change kept as a transition).
pub async fn post_workflows(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "workflows").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(workflows::ingest_workflows(&state, format, &bytes).await?)
}

/// Upserts a batch of tasks (key scope `workflows`).
pub async fn post_tasks(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "workflows").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(workflows::ingest_tasks(&state, format, &bytes).await?)
}

/// Upserts a batch of automation runs (key scope `workflows`).
pub async fn post_automation_runs(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "workflows").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(workflows::ingest_runs(&state, format, &bytes).await?)
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Jira issue webhook: authenticated by `X-Hub-Signature`, deduplicated on
/// `X-Atlassian-Webhook-Identifier`.
pub async fn post_jira(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    let bytes = read_limited(body, &headers, WEBHOOK_MAX_BODY).await?;
    Ok(Json(
        workflows::jira(
            &state,
            header(&headers, "x-hub-signature"),
            header(&headers, "x-atlassian-webhook-identifier"),
            &bytes,
        )
        .await?,
    ))
}

/// Linear webhook: authenticated by `Linear-Signature`, deduplicated on `Linear-Delivery`.
pub async fn post_linear(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<serde_json::Value>, ApiError> {
    let bytes = read_limited(body, &headers, WEBHOOK_MAX_BODY).await?;
    Ok(Json(
        workflows::linear(
            &state,
            header(&headers, "linear-signature"),
            header(&headers, "linear-delivery"),
            &bytes,
        )
        .await?,
    ))
}

pub(super) async fn read_batch(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
) -> Result<(Format, axum::body::Bytes), ApiError> {
    let format = Format::from_content_type(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
    )?;
    let bytes = read_limited(body, headers, state.config.max_body_bytes).await?;
    Ok((format, bytes))
}

pub(super) fn answer(report: IngestReport) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    let status = if report.accepted == 0 && report.duplicates == 0 && report.rejected > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)))
}

/// Reads the whole body, refusing more than `limit` bytes with a 413.
async fn read_limited(
    body: Body,
    headers: &HeaderMap,
    limit: usize,
) -> Result<axum::body::Bytes, ApiError> {
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the body is larger than {} MiB: split the batch",
                limit / (1024 * 1024)
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        // The limit is the only way reading a buffered body fails here short of a broken
        // connection, which no longer has anyone to answer.
        tracing::debug!(error = %e, "body read failed");
        too_large()
    })
}
