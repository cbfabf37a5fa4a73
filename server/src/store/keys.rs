//! Ingest API keys, stored as SHA-256 hashes (keys are long random tokens, so a fast hash is
//! enough; passwords get argon2id).

use super::{Store, StoreError};
use sha2::{Digest, Sha256};

/// The stored form of a key (or of a session token).
pub fn hash_key(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A key as stored (the hash stays on the server).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl KeyRow {
    /// Whether the key grants `scope` (`*` grants every scope).
    pub fn grants(&self, scope: &str) -> bool {
        self.scopes.split(',').any(|s| s == "*" || s == scope)
    }
}

const COLUMNS: &str = "id, name, scopes, created_by, created_at, last_used_at, revoked_at";

/// Creates the key if it does not exist yet (idempotent across restarts), with every scope.
pub async fn ensure_key(
    store: &Store,
    key: &str,
    name: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let hash = hash_key(key);
    let id = hash[..16].to_string();
    insert(store, &id, &hash, name, "*", None, now_ms, true).await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    store: &Store,
    id: &str,
    hash: &str,
    name: &str,
    scopes: &str,
    created_by: Option<&str>,
    now_ms: i64,
    ignore_existing: bool,
) -> Result<(), StoreError> {
    let conflict = if ignore_existing {
        " ON CONFLICT (key_hash) DO NOTHING"
    } else {
        ""
    };
    let sql = format!(
        "INSERT INTO api_keys (id, key_hash, name, scopes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6){conflict}"
    );
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(&sql)
            .bind(id)
            .bind(hash)
            .bind(name)
            .bind(scopes)
            .bind(created_by)
            .bind(now_ms)
            .execute(p)
            .await?;
    });
    Ok(())
}

/// Stores a new key made by `created_by`; the caller shows `key` once and forgets it.
pub async fn create_key(
    store: &Store,
    id: &str,
    key: &str,
    name: &str,
    scopes: &str,
    created_by: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    insert(
        store,
        id,
        &hash_key(key),
        name,
        scopes,
        Some(created_by),
        now_ms,
        false,
    )
    .await
}

/// The unrevoked key behind `key`, if any. Looks up by hash, so timing reveals nothing useful.
pub async fn verify_key(store: &Store, key: &str) -> Result<Option<KeyRow>, StoreError> {
    let hash = hash_key(key);
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL");
    Ok(
        dispatch!(store, p => sqlx::query_as::<_, KeyRow>(&sql).bind(&hash).fetch_optional(p).await?),
    )
}

/// Records that a key was used (callers limit this to about once a minute per key).
pub async fn touch(store: &Store, id: &str, now_ms: i64) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query("UPDATE api_keys SET last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now_ms)
            .execute(p)
            .await?;
    });
    Ok(())
}

/// Every key, newest first.
pub async fn list(store: &Store) -> Result<Vec<KeyRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys ORDER BY created_at DESC, id");
    Ok(dispatch!(store, p => sqlx::query_as::<_, KeyRow>(&sql).fetch_all(p).await?))
}

/// Revokes a key; `Ok(false)` if unknown or already revoked.
pub async fn revoke(store: &Store, id: &str, now_ms: i64) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    Ok(dispatch!(store, p => sqlx::query(
        "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now_ms)
    .execute(p)
    .await?
    .rows_affected())
        == 1)
}

/// Number of usable keys.
pub async fn count_keys(store: &Store) -> Result<i64, StoreError> {
    let n: (i64,) = dispatch!(store, p => sqlx::query_as("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL").fetch_one(p).await?);
    Ok(n.0)
}
