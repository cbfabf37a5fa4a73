//! `GET /api/v1/targets`, `PUT` and `DELETE /api/v1/targets/{metric}`: targets people own
//! (`app/src/domain/target.rs`). Reading needs a reader; changing needs an admin or analyst
//! session or a key with the `targets` scope, and every change is audited.

use super::auth::{require_actor, require_reader, Reader};
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::targets;
use crate::targets::TargetOpError;
use app::api::auth::ClientIp;
use app::domain::access::{Permission, Principal};
use app::domain::dimension::Dimension;
use app::domain::target::{self, TargetEntry, TargetRequest};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};

impl From<TargetOpError> for ApiError {
    fn from(e: TargetOpError) -> ApiError {
        match e {
            TargetOpError::UnknownMetric(_) => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_metric", e.to_string())
            }
            TargetOpError::Invalid(t) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, t.code, t.message)
            }
            TargetOpError::NotFound => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            TargetOpError::Store(s) => s.into(),
        }
    }
}

/// Who may change targets: an admin or analyst session (named by e-mail) or a key with the
/// `targets` scope (named `key:<id>`).
async fn require_editor(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<String, ApiError> {
    let principal = principal.map(|p| p.0);
    require_actor(
        state,
        headers,
        principal,
        Permission::EditTargets,
        "targets",
    )
    .await
}

/// `GET /api/v1/targets`: every target people set. A partner account does not see targets
/// set for other partners' values.
pub async fn list_targets(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let reader = require_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let mut all = targets::list(&state.store).await?.0;
    if let Reader::Principal(p) = &reader {
        if let Some(own) = &p.partner {
            all.retain(|e| {
                e.dimension != Some(Dimension::Partner) || e.value.as_deref() == Some(own)
            });
        }
    }
    Ok(Json(serde_json::json!({ "targets": all })))
}

/// `PUT /api/v1/targets/{metric}` with `{"threshold": 85}` or `{"min": 30, "max": 50}`,
/// optionally `"dimension"` and `"value"`: sets the target (replacing the one of the same
/// scope). 422 with a code for a value the metric cannot take.
pub async fn put_target(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(metric): Path<String>,
    body: Bytes,
) -> Result<Json<TargetEntry>, ApiError> {
    let actor = require_editor(&state, &headers, principal).await?;
    let req: TargetRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "malformed_body",
            format!(
                "the body must be {{\"threshold\": n}} or {{\"min\": n, \"max\": n}}, \
                 optionally with \"dimension\" and \"value\": {e}"
            ),
        )
    })?;
    Ok(Json(
        crate::targets::put(&state.store, &state.bus, &actor, &ip, &metric, &req).await?,
    ))
}

/// Which target to reset: the metric-wide one, or `?dimension=&value=`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResetScope {
    dimension: Option<String>,
    value: Option<String>,
}

/// `DELETE /api/v1/targets/{metric}` (optionally `?dimension=channel&value=chat`): the default
/// applies again. 404 `not_found` when no such target was set.
pub async fn delete_target(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Path(metric): Path<String>,
    scope: Result<Query<ResetScope>, QueryRejection>,
) -> Result<StatusCode, ApiError> {
    let Query(scope) = scope.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let actor = require_editor(&state, &headers, principal).await?;
    let scope = target::reset_scope(scope.dimension.as_deref(), scope.value.as_deref())
        .map_err(|e| ApiError::bad_request(e.code, e.message))?;
    let scope = scope.as_ref().map(|(d, v)| (*d, v.as_str()));
    crate::targets::reset(&state.store, &state.bus, &actor, &ip, &metric, scope).await?;
    Ok(StatusCode::NO_CONTENT)
}
