//! `GET /api/v1/incidents` (MTTA / MTTR by severity, open incidents, incidents per week) and
//! `GET /api/v1/support/vip-outreach` (VIP customers with open tickets during an incident).

use super::auth::{require_reader, Reader};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::incidents;
use app::domain::access::Principal;
use app::domain::date::Day;
use app::domain::incident::{times_by_severity, IncidentRecord};
use app::domain::query::DashboardQuery;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::{Extension, Json};
use serde_json::{json, Value};
use std::collections::BTreeMap;

fn view(i: &IncidentRecord) -> Value {
    json!({
        "id": i.external_id,
        "title": i.title,
        "severity": i.severity,
        "service": i.service,
        "triggered_at": app::domain::date::format_rfc3339(i.triggered_at_ms),
        "acknowledged_at": i.acknowledged_at_ms.map(app::domain::date::format_rfc3339),
        "resolved_at": i.resolved_at_ms.map(app::domain::date::format_rfc3339),
        "customer_impact": i.customer_impact,
    })
}

/// Incidents are operational data, not any partner's rows: partner accounts and share links
/// are refused; keys need `read`.
pub(super) async fn internal_reader(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
) -> Result<Reader, ApiError> {
    let reader = require_reader(state, headers, principal).await?;
    if let Reader::Principal(p) = &reader {
        if p.is_share() || p.partner.is_some() {
            return Err(ApiError::forbidden(
                "incidents are not shared outside the team",
            ));
        }
    }
    Ok(reader)
}

/// Incidents triggered in the query's range with MTTA / MTTR per severity and counts per
/// week, plus the incidents open now.
pub async fn get_incidents(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let q =
        DashboardQuery::parse_str(query.as_deref().unwrap_or(""), Day::from_epoch_ms(now_ms()))?;
    let list = incidents::triggered_between(
        &state.store,
        q.from.start_ms(),
        q.to.plus_days(1).start_ms(),
    )
    .await?;
    let mut weeks: BTreeMap<Day, i64> = BTreeMap::new();
    for i in &list {
        *weeks
            .entry(Day::from_epoch_ms(i.triggered_at_ms).week_start())
            .or_default() += 1;
    }
    let open = incidents::open(&state.store).await?;
    Ok(Json(json!({
        "from": q.from,
        "to": q.to,
        "by_severity": times_by_severity(&list),
        "per_week": weeks.into_iter().map(|(w, n)| json!({"week": w, "incidents": n})).collect::<Vec<_>>(),
        "open": open.iter().map(view).collect::<Vec<_>>(),
        "incidents": list.iter().map(view).collect::<Vec<_>>(),
    })))
}

/// While any incident is open: tickets of VIP customers created since the earliest open
/// incident began and still open, so the team can reach out first. Partner accounts see
/// their own customers only.
pub async fn get_vip_outreach(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<Value>, ApiError> {
    let reader = require_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let partner = match &reader {
        Reader::Principal(p) if p.is_share() => {
            return Err(ApiError::forbidden("a share link opens its view only"))
        }
        Reader::Principal(p) => p.partner.clone(),
        Reader::Key => None,
    };
    let open = incidents::open(&state.store).await?;
    let Some(since) = open.iter().map(|i| i.triggered_at_ms).min() else {
        return Ok(Json(
            json!({"open_incidents": 0, "since": null, "tickets": []}),
        ));
    };
    let tickets =
        incidents::vip_open_tickets_since(&state.store, since, partner.as_deref()).await?;
    Ok(Json(json!({
        "open_incidents": open.len(),
        "since": app::domain::date::format_rfc3339(since),
        "tickets": tickets,
    })))
}
