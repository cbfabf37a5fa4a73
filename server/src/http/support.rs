//! `GET /api/v1/support`: the support metrics under the dashboard's query parameters (a
//! `read`-scoped key, or a session: partner accounts read their own partner only).

use super::auth::{require_reader, Reader};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::support::{report, SupportError};
use app::domain::access::Principal;
use app::domain::date::Day;
use app::domain::query::DashboardQuery;
use app::model::support::SupportReport;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};

/// FRT, resolution time, FCR, CSAT with support, volume and mix by channel, backlog.
pub async fn get_support(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(query): RawQuery,
) -> Result<Json<SupportReport>, ApiError> {
    let reader = require_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let mut q =
        DashboardQuery::parse_str(query.as_deref().unwrap_or(""), Day::from_epoch_ms(now_ms()))?;
    if let Reader::Principal(p) = &reader {
        if p.is_share() {
            return Err(ApiError::forbidden("a share link opens its view only"));
        }
        p.scope_query(&mut q)?;
    }
    match report(&state.store, &q).await {
        Ok(r) => Ok(Json(r)),
        Err(SupportError::Query(e)) => Err(e.into()),
        Err(SupportError::Store(e)) => Err(e.into()),
    }
}
