//! Partner ingest (`POST /api/v1/partners`, `/api/v1/partner-activity`, `/api/v1/inventory`,
//! key scope `partners`) and reads (`GET /api/v1/partners`, `GET /api/v1/partners/{id}`: a
//! `read` key or a session; partner accounts read their own partner only).

use super::auth::{require_key, scoped_query};
use super::ingest::{answer, read_batch};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::ingest::{partners, IngestReport};
use crate::partners::{detail, page, PartnerError};
use crate::state::AppState;
use app::domain::access::Principal;
use app::domain::dimension::Dimension;
use app::model::partners::{PartnerDetail, PartnersPage};
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};

/// The scope every partner-side ingest key needs.
const SCOPE: &str = "partners";

fn read_error(e: PartnerError) -> ApiError {
    match e {
        PartnerError::Query(q) => q.into(),
        PartnerError::NotFound(id) => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_partner",
            format!("no partner {id:?} in the registry"),
        ),
        PartnerError::Store(e) => e.into(),
    }
}

/// Upserts partners by id.
pub async fn post_partners(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, SCOPE).await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(partners::ingest_partners(&state, format, &bytes).await?)
}

/// Upserts activity records by id and deals by deal id (newest `at` wins).
pub async fn post_activity(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, SCOPE).await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(partners::ingest_activity(&state, format, &bytes).await?)
}

/// Upserts inventory snapshots by (partner, SKU, instant).
pub async fn post_inventory(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, SCOPE).await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(partners::ingest_inventory(&state, format, &bytes).await?)
}

/// The partner dashboards' data over the range (`partner`, `sort`, `dir`, compare-to).
pub async fn get_partners(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<PartnersPage>, ApiError> {
    let principal = principal.map(|p| p.0);
    let restricted = principal.as_ref().is_some_and(|p| p.partner.is_some());
    let raw = raw.unwrap_or_default();
    let q = scoped_query(&state, &headers, principal, Some(&raw)).await?;
    let weights = state.config.partner_weights;
    Ok(Json(
        page(&state.store, &weights, &q, &raw, restricted, now_ms())
            .await
            .map_err(read_error)?,
    ))
}

/// One partner's figures, pipeline, deals, trends and stock.
pub async fn get_partner(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<PartnerDetail>, ApiError> {
    let principal = principal.map(|p| p.0);
    let restricted = principal.as_ref().is_some_and(|p| p.partner.is_some());
    if principal
        .as_ref()
        .and_then(|p| p.partner.as_ref())
        .is_some_and(|own| *own != id)
    {
        return Err(ApiError::forbidden(
            "this account may only read its own partner's data",
        ));
    }
    let mut q = scoped_query(&state, &headers, principal, raw.as_deref()).await?;
    q.filters.remove(&Dimension::Partner);
    let weights = state.config.partner_weights;
    Ok(Json(
        detail(&state.store, &weights, &id, &q, restricted, now_ms())
            .await
            .map_err(read_error)?,
    ))
}
