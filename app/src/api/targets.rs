//! Server functions of the tile's "Edit target" form (`domain/target.rs`): the same checks,
//! storage and audit as `PUT`/`DELETE /api/v1/targets/{metric}`. Admins and analysts only.

use crate::error::AppError;
use leptos::prelude::*;

/// Parses a typed number ("85", "85 %", "−2.5"); empty is none.
#[cfg(feature = "ssr")]
fn number(field: &str, s: Option<String>) -> Result<Option<f64>, AppError> {
    let Some(s) = s.map(|s| s.trim().trim_end_matches('%').trim().replace('−', "-")) else {
        return Ok(None);
    };
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<f64>().map(Some).map_err(|_| {
        AppError::bad_request(
            "malformed_body",
            format!("{field} must be a number, not {s:?}"),
        )
    })
}

#[cfg(feature = "ssr")]
fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// `channel=chat` as a dimension and a value; empty is none.
#[cfg(feature = "ssr")]
fn only(s: Option<String>) -> (Option<String>, Option<String>) {
    match nonempty(s).as_deref().and_then(|s| s.split_once('=')) {
        Some((d, v)) => (nonempty(Some(d.into())), nonempty(Some(v.into()))),
        None => (None, None),
    }
}

/// Sets `metric`'s target: a `threshold`, or a band `min`..`max`, optionally `only` for one
/// value of one dimension (`channel=chat`, the view's filter). Admins and analysts only.
#[server(prefix = "/api/fn", endpoint = "save_target")]
pub async fn save_target(
    metric: String,
    threshold: Option<String>,
    min: Option<String>,
    max: Option<String>,
    only: Option<String>,
) -> Result<(), AppError> {
    use crate::api::auth;
    use crate::api::backend::{Access, Actor};
    use crate::domain::target::TargetRequest;
    auth::answer(
        async {
            let p = auth::require(crate::domain::access::Permission::EditTargets)?;
            let (dimension, value) = self::only(only);
            let request = TargetRequest {
                threshold: number("threshold", threshold)?,
                min: number("min", min)?,
                max: number("max", max)?,
                dimension,
                value,
            };
            let ip = auth::client_ip();
            let access = use_context::<Access>().ok_or(AppError::Internal)?;
            access
                .0
                .put_target(Actor { principal: p, ip }, metric, request)
                .await
        }
        .await,
    )
}

/// Restores the default target of `metric` (`only` for one value, `channel=chat`, when given).
/// Admins and analysts only.
#[server(prefix = "/api/fn", endpoint = "reset_target")]
pub async fn reset_target(metric: String, only: Option<String>) -> Result<(), AppError> {
    use crate::api::auth;
    use crate::api::backend::{Access, Actor};
    auth::answer(
        async {
            let p = auth::require(crate::domain::access::Permission::EditTargets)?;
            let (dimension, value) = self::only(only);
            let scope = crate::domain::target::reset_scope(dimension.as_deref(), value.as_deref())
                .map_err(|e| AppError::bad_request(e.code, e.message))?;
            let ip = auth::client_ip();
            let access = use_context::<Access>().ok_or(AppError::Internal)?;
            access
                .0
                .reset_target(Actor { principal: p, ip }, metric, scope)
                .await
        }
        .await,
    )
}
