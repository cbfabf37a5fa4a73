//! API authentication: `Authorization: Bearer <key>` with a scope, or (for reads) a browser
//! session.

use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::keys::{self, KeyRow};
use app::domain::access::{Permission, Principal};
use app::domain::date::Day;
use app::domain::query::DashboardQuery;
use axum::http::{header, HeaderMap};

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|k| !k.is_empty())
}

/// Passes when the request carries an unrevoked key granting `scope`: 401 for a missing,
/// unknown or revoked key, 403 for a key without the scope.
pub async fn require_key(
    state: &AppState,
    headers: &HeaderMap,
    scope: &str,
) -> Result<KeyRow, ApiError> {
    check_key(state, bearer(headers), scope).await
}

/// The Segment way: the write key as the HTTP Basic user name (the password is empty), or
/// a bearer key, or failing both the body's `writeKey`. Same answers as [`require_key`].
pub async fn require_write_key(
    state: &AppState,
    headers: &HeaderMap,
    body_key: Option<&str>,
    scope: &str,
) -> Result<KeyRow, ApiError> {
    let basic = basic_user(headers);
    let key = basic.as_deref().or_else(|| bearer(headers)).or(body_key);
    check_key(state, key, scope).await
}

fn basic_user(headers: &HeaderMap) -> Option<String> {
    use base64::Engine as _;
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let user = text.split(':').next().unwrap_or("").trim().to_string();
    (!user.is_empty()).then_some(user)
}

async fn check_key(state: &AppState, key: Option<&str>, scope: &str) -> Result<KeyRow, ApiError> {
    let key = key.ok_or_else(ApiError::unauthorized)?;
    let row = keys::verify_key(&state.store, key)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if !row.grants(scope) {
        return Err(ApiError::forbidden(format!(
            "this key does not have the `{scope}` scope"
        )));
    }
    let now = now_ms();
    if row.last_used_at.is_none_or(|t| now - t > 60_000) {
        // Off the request path: "last used" is informational and must not slow ingest.
        let store = state.store.clone();
        let id = row.id.clone();
        tokio::spawn(async move {
            if let Err(e) = keys::touch(&store, &id, now).await {
                tracing::warn!(error = %e, "cannot record key use");
            }
        });
    }
    Ok(row)
}

/// Who makes a change: an account with `permission` (named by its e-mail in logs) or a key
/// with `scope` (named `key:<id>`); share links never change anything.
pub async fn require_actor(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
    permission: Permission,
    scope: &str,
) -> Result<String, ApiError> {
    if let Some(p) = principal {
        if p.is_share() {
            return Err(ApiError::forbidden("a share link opens its view only"));
        }
        p.require(permission)?;
        return Ok(p.label());
    }
    let key = require_key(state, headers, scope).await?;
    Ok(format!("key:{}", key.id))
}

/// Who may read: a signed-in principal (scoped) or a key with the `read` scope (unscoped).
pub enum Reader {
    /// A browser session or share link.
    Principal(Principal),
    /// An API key.
    Key,
}

/// A reader: the session principal when there is one, else a `read`-scoped key.
pub async fn require_reader(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
) -> Result<Reader, ApiError> {
    if let Some(p) = principal {
        p.require(Permission::ReadData)?;
        return Ok(Reader::Principal(p));
    }
    require_key(state, headers, "read").await?;
    Ok(Reader::Key)
}

/// The dashboard query of a read API call, narrowed to what the caller may read: a session's
/// partner scope is forced onto it; share links (one page view only) are refused; `read` keys
/// read unscoped.
pub async fn scoped_query(
    state: &AppState,
    headers: &HeaderMap,
    principal: Option<Principal>,
    raw_query: Option<&str>,
) -> Result<DashboardQuery, ApiError> {
    let reader = require_reader(state, headers, principal).await?;
    let mut q = DashboardQuery::parse_str(raw_query.unwrap_or(""), Day::from_epoch_ms(now_ms()))?;
    if let Reader::Principal(p) = &reader {
        if p.is_share() {
            return Err(ApiError::forbidden("a share link opens its view only"));
        }
        p.scope_query(&mut q)?;
    }
    Ok(q)
}
