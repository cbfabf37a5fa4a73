//! Ingest API keys, stored as SHA-256 hashes.

use super::{Store, StoreError};
use sha2::{Digest, Sha256};
use sqlx::Row;

/// The stored form of a key.
pub fn hash_key(key: &str) -> String {
    Sha256::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates the key if it does not exist yet (idempotent across restarts).
pub async fn ensure_key(
    store: &Store,
    key: &str,
    name: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let hash = hash_key(key);
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO api_keys (key_hash, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING",
        )
        .bind(&hash)
        .bind(name)
        .bind(now_ms)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// Whether `key` is a known ingest key. Looks up by hash, so timing reveals nothing useful.
pub async fn verify_key(store: &Store, key: &str) -> Result<bool, StoreError> {
    let hash = hash_key(key);
    let n: i64 = dispatch!(store, p => sqlx::query("SELECT COUNT(*) FROM api_keys WHERE key_hash = $1")
        .bind(&hash)
        .fetch_one(p)
        .await?
        .try_get(0)?);
    Ok(n > 0)
}

/// Number of stored keys.
pub async fn count_keys(store: &Store) -> Result<i64, StoreError> {
    Ok(
        dispatch!(store, p => sqlx::query("SELECT COUNT(*) FROM api_keys").fetch_one(p).await?.try_get(0)?),
    )
}
