//! Ingest-key authentication (`Authorization: Bearer <key>`).

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::keys::verify_key;
use axum::http::{header, HeaderMap};

/// Passes when the request carries a known ingest key; 401 otherwise.
pub async fn require_ingest_key(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .ok_or_else(ApiError::unauthorized)?;
    if verify_key(&state.store, key).await? {
        Ok(())
    } else {
        Err(ApiError::unauthorized())
    }
}
