//! `GET /api/v1/support` and `GET /api/v1/tickets`: the support metrics and the ticket list
//! under the dashboard's query parameters (a `read`-scoped key, or a session: partner
//! accounts read their own partner only).

use super::auth::scoped_query;
use crate::error::ApiError;
use crate::state::AppState;
use crate::support::{report, ticket_list, SupportError};
use app::domain::access::Principal;
use app::model::support::{SupportReport, TicketList};
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
    let q = scoped_query(&state, &headers, principal.map(|p| p.0), query.as_deref()).await?;
    match report(&state.store, &q).await {
        Ok(r) => Ok(Json(r)),
        Err(SupportError::Query(e)) => Err(e.into()),
        Err(SupportError::Store(e)) => Err(e.into()),
    }
}

/// A page of tickets: the dashboard's range and filters plus `sort`, `dir`, `page`,
/// `status`, `priority`, `weekday` and `hour`.
pub async fn get_tickets(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(query): RawQuery,
) -> Result<Json<TicketList>, ApiError> {
    let q = scoped_query(&state, &headers, principal.map(|p| p.0), query.as_deref()).await?;
    match ticket_list(&state.store, &q, query.as_deref().unwrap_or("")).await {
        Ok(r) => Ok(Json(r)),
        Err(SupportError::Query(e)) => Err(e.into()),
        Err(SupportError::Store(e)) => Err(e.into()),
    }
}
