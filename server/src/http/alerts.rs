//! The alerting API: `/api/v1/alert-rules` (list, create, update, delete, test) and
//! `/api/v1/alerts` (list, one with its log, actions, deliveries) and `/api/v1/alert-silences`.
//!
//! Reading needs a team session (not partner accounts or share links: alerts are the
//! team's) or a `read` key. Changing rules and acting on alerts needs the `EditRules`
//! permission (analysts, admins) or a key with the `alerts` scope.

use super::auth::require_actor;
use super::incidents::internal_reader;
use crate::alerts::service::{self, OpError};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::alerts::{self as store, AlertFilter};
use app::domain::access::{Permission, Principal};
use app::domain::alert::lifecycle::AlertState;
use app::domain::alert::rule::{RuleSpec, Severity};
use app::domain::query::decode_pairs;
use app::model::alerts::AlertAction;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

impl From<OpError> for ApiError {
    fn from(e: OpError) -> ApiError {
        match e {
            OpError::Invalid(r) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, r.code, r.message)
            }
            OpError::NotFound(what) => ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no such {what}"),
            ),
            OpError::Conflict(code, message) => ApiError::new(StatusCode::CONFLICT, code, message),
            OpError::Store(e) => ApiError::from(e),
        }
    }
}

/// Who may change rules and act on alerts: an account with `EditRules` (named by its
/// e-mail in the log) or a key with the `alerts` scope (named `key:<id>`).
async fn require_editor(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
) -> Result<String, ApiError> {
    require_actor(state, headers, principal, Permission::EditRules, "alerts").await
}

fn parse_body<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "malformed_body",
            format!("the body is not a valid document: {e}"),
        )
    })
}

/// `GET /api/v1/alert-rules`: every rule.
pub async fn list_rules(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<Value>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let rules = store::list_rules(&state.store).await?;
    Ok(Json(json!({ "rules": rules })))
}

/// `POST /api/v1/alert-rules`: creates a rule; the answer carries its webhook signing secret.
pub async fn create_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let by = require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let spec: RuleSpec = parse_body(&body)?;
    let created = service::create_rule(
        &state.store,
        spec,
        &state.config.webhook_allow,
        &by,
        now_ms(),
    )
    .await?;
    tracing::info!(rule = %created.rule.id, by = %by, "alert rule created");
    Ok((StatusCode::CREATED, Json(json!(created))))
}

/// `GET /api/v1/alert-rules/{id}`.
pub async fn get_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let rule = store::get_rule(&state.store, &id)
        .await?
        .ok_or(OpError::NotFound("rule"))?;
    Ok(Json(json!(rule)))
}

/// `PUT /api/v1/alert-rules/{id}`: replaces a rule's definition.
pub async fn put_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let by = require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let spec: RuleSpec = parse_body(&body)?;
    let rule = service::update_rule(
        &state.store,
        &id,
        spec,
        &state.config.webhook_allow,
        &by,
        now_ms(),
    )
    .await?;
    Ok(Json(json!(rule)))
}

/// `DELETE /api/v1/alert-rules/{id}`: removes a rule and resolves its open alerts.
pub async fn delete_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let by = require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    service::delete_rule(&state.store, &id, &by, now_ms()).await?;
    state.alerts.announce(1, now_ms());
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/v1/alert-rules/test`: a rule (saved or not) evaluated on each of the last 30
/// days: would it have fired?
pub async fn test_rule(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let spec: RuleSpec = parse_body(&body)?;
    let history = service::test_rule(
        &state.store,
        state.config.partner_weights,
        Some(state.engine.journey()),
        spec,
        now_ms(),
    )
    .await?;
    Ok(Json(json!(history)))
}

/// `GET /api/v1/alerts?state=firing,acknowledged&severity=critical&rule_id=…&limit=100`:
/// alerts, most urgent first. Without `state`, every alert that has fired.
pub async fn list_alerts(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let mut f = AlertFilter {
        limit: 100,
        ..AlertFilter::default()
    };
    for (k, v) in decode_pairs(query.as_deref().unwrap_or("")) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "state" => {
                for s in v.split(',') {
                    let st = AlertState::parse(s.trim()).ok_or_else(|| {
                        ApiError::bad_request(
                            "invalid_state",
                            "state is pending, firing, acknowledged or resolved",
                        )
                    })?;
                    f.states.push(st);
                }
            }
            "severity" => {
                f.severity = Some(Severity::parse(v).ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_severity",
                        "severity is critical, warning or info",
                    )
                })?)
            }
            "rule_id" => f.rule_id = Some(v.to_string()),
            "limit" => {
                f.limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or_else(|| ApiError::bad_request("invalid_limit", "limit is 1..=1000"))?
            }
            _ => {}
        }
    }
    let alerts = store::list_alerts(&state.store, &f).await?;
    let counts = service::counts(&state.store, None, now_ms()).await?;
    Ok(Json(json!({ "alerts": alerts, "counts": counts })))
}

/// `GET /api/v1/alerts/{id}`: one alert with its log.
pub async fn get_alert(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let alert = store::get_alert(&state.store, &id)
        .await?
        .ok_or(OpError::NotFound("alert"))?;
    let log = store::log(&state.store, Some(&id), None, 200).await?;
    Ok(Json(json!({ "alert": alert, "log": log })))
}

/// `POST /api/v1/alerts/{id}/actions` with `{"action": "acknowledge"}`, `{"action":
/// "assign", "to": …}`, `{"action": "set_status", "status": "in_progress"}`, `{"action":
/// "record_action", "text": …}` or `{"action": "silence", "until": <ms>, "reason": …}`.
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let by = require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let action: AlertAction = parse_body(&body)?;
    let alert = service::act(&state.alerts, &state.store, &id, action, &by, now_ms()).await?;
    Ok(Json(json!(alert)))
}

/// `GET /api/v1/alerts/deliveries`: the webhook delivery log, newest first.
pub async fn list_deliveries(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<Value>, ApiError> {
    // Targets, statuses and errors are for the people who edit rules (see `service::page`).
    require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let deliveries = store::deliveries(&state.store, 200).await?;
    Ok(Json(json!({ "deliveries": deliveries })))
}

/// `GET /api/v1/alert-silences`: silences in force and those ended in the last week.
pub async fn list_silences(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<Value>, ApiError> {
    internal_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let silences = store::list_silences(&state.store, now_ms()).await?;
    Ok(Json(json!({ "silences": silences })))
}

/// `POST /api/v1/alert-silences` with `{rule_id?, dim_key?, until, reason?}`: mutes matching
/// alerts (deliveries and the unread count) until `until` (epoch ms, ≤ 30 days ahead).
pub async fn create_silence(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let by = require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    let s: app::model::alerts::NewSilence = parse_body(&body)?;
    let view = service::create_silence(&state.alerts, &state.store, s, &by, now_ms()).await?;
    Ok((StatusCode::CREATED, Json(json!(view))))
}

/// `DELETE /api/v1/alert-silences/{id}`: ends a silence now.
pub async fn end_silence(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    require_editor(&state, &headers, principal.map(|p| p.0)).await?;
    service::end_silence(&state.alerts, &state.store, &id, now_ms()).await?;
    Ok(StatusCode::NO_CONTENT)
}
