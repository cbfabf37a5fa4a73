//! The Segment-compatible tracking endpoints (`/v1/*`, key scope `events`), marketing spend
//! (`POST /api/v1/marketing-spend`, scope `marketing`) and the journey and commerce reads
//! (`GET /api/v1/journey`, `GET /api/v1/commerce`).

use super::auth::{require_key, require_write_key, scoped_query};
use super::ingest::{answer, read_batch};
use crate::error::ApiError;
use crate::ingest::{events, IngestReport};
use crate::journey::JourneyError;
use crate::state::AppState;
use app::domain::access::Principal;
use app::domain::journey::config::JourneyParams;
use app::domain::journey::message::{MessageKind, MAX_BATCH_BYTES, MAX_MESSAGE_BYTES};
use app::domain::query::decode_pairs;
use app::model::journey::{CommerceView, JourneyView};
use axum::body::{Body, Bytes};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::{Extension, Json};
use std::io::Read;

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        format!(
            "the body is larger than {} KB (Segment's limit for this call)",
            limit / 1024
        ),
    )
}

/// Reads a tracking body of at most `limit` bytes, gunzipping it when sent gzipped (the
/// limit applies to the decompressed JSON, as Segment's does).
async fn read_tracking_body(
    headers: &HeaderMap,
    body: Body,
    limit: usize,
) -> Result<Bytes, ApiError> {
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
    let bytes = axum::body::to_bytes(body, limit + 1)
        .await
        .map_err(|_| too_large(limit))?;
    if bytes.len() > limit {
        return Err(too_large(limit));
    }
    if !gzip {
        return Ok(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::GzDecoder::new(&bytes[..])
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            ApiError::bad_request("malformed_body", format!("cannot gunzip the body: {e}"))
        })?;
    if out.len() > limit {
        return Err(too_large(limit));
    }
    Ok(Bytes::from(out))
}

/// `POST /v1/{call}`: one message (`track`, `identify`, `page`, `screen`, `group`, `alias`)
/// or a `batch`. Answers like the other ingest endpoints; a `2xx` means stored.
pub async fn post_tracking(
    State(state): State<AppState>,
    Path(call): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    let kind = match call.as_str() {
        "batch" | "import" => None,
        c => Some(MessageKind::parse(c).ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_call",
                format!("no tracking call /v1/{c}: use track, identify, page, screen, group, alias or batch"),
            )
        })?),
    };
    let limit = if kind.is_some() {
        MAX_MESSAGE_BYTES
    } else {
        MAX_BATCH_BYTES
    };
    let bytes = read_tracking_body(&headers, body, limit).await?;
    // The body's `writeKey` is only looked for without an Authorization header.
    let body_key = if headers.contains_key(header::AUTHORIZATION) {
        None
    } else {
        events::body_write_key(&bytes)
    };
    require_write_key(&state, &headers, body_key.as_deref(), "events").await?;
    answer(events::ingest(&state, kind, &bytes).await?)
}

/// Upserts marketing spend by (period, channel).
pub async fn post_spend(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "marketing").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(events::ingest_spend(&state, format, &bytes).await?)
}

fn read_error(e: JourneyError) -> ApiError {
    match e {
        JourneyError::Query(q) => q.into(),
        JourneyError::Store(e) => e.into(),
    }
}

/// Partner accounts see their own partner's figures only; customer journeys are not theirs.
fn refuse_partner(principal: &Option<Principal>) -> Result<(), ApiError> {
    if principal.as_ref().is_some_and(|p| p.partner.is_some()) {
        return Err(ApiError::forbidden(
            "partner accounts cannot read customer journeys",
        ));
    }
    Ok(())
}

/// The Customer Journey view: funnel (default journey or `steps=`), `window`, `breakdown`,
/// engagement, cohorts (`cohort=week|month`, `cohorts=N`) and churn.
pub async fn get_journey(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<JourneyView>, ApiError> {
    let principal = principal.map(|p| p.0);
    refuse_partner(&principal)?;
    let raw = raw.unwrap_or_default();
    let q = scoped_query(&state, &headers, principal, Some(&raw)).await?;
    let journey = state.engine.journey();
    let p = JourneyParams::parse(&decode_pairs(&raw), &journey.config().stages)?;
    Ok(Json(journey.view(&q, &p).await.map_err(read_error)?))
}

/// The Sales & Conversion view.
pub async fn get_commerce(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<CommerceView>, ApiError> {
    let principal = principal.map(|p| p.0);
    refuse_partner(&principal)?;
    let q = scoped_query(&state, &headers, principal, raw.as_deref()).await?;
    let targets = crate::store::targets::list(&state.store).await?;
    Ok(Json(
        state
            .engine
            .journey()
            .commerce(&q, &targets)
            .await
            .map_err(read_error)?,
    ))
}
