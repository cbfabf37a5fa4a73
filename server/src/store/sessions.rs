//! Sign-in sessions, known by the SHA-256 of the cookie value.

use super::users::UserRow;
use super::{Store, StoreError};

/// A new session.
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: &'a str,
    pub expires_at: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// Stores a session.
pub async fn create(store: &Store, s: &NewSession<'_>, now_ms: i64) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) \
             VALUES ($1, $2, $3, $3, $4, $5, $6)",
        )
        .bind(s.id_hash)
        .bind(s.user_id)
        .bind(now_ms)
        .bind(s.expires_at)
        .bind(s.ip)
        .bind(s.user_agent)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// A live session with its account.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionUser {
    pub last_seen_at: i64,
    pub expires_at: i64,
    #[sqlx(flatten)]
    pub user: UserRow,
}

/// The session and its account, if the session exists.
pub async fn lookup(store: &Store, id_hash: &str) -> Result<Option<SessionUser>, StoreError> {
    Ok(dispatch!(store, p => sqlx::query_as::<_, SessionUser>(
        "SELECT s.last_seen_at, s.expires_at, u.id, u.email, u.name, u.role, u.partner_id, \
         u.password_hash, u.created_at, u.updated_at, u.deactivated_at \
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(p)
    .await?))
}

/// Records activity (callers limit this to about once a minute per session).
pub async fn touch(store: &Store, id_hash: &str, now_ms: i64) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
            .bind(id_hash)
            .bind(now_ms)
            .execute(p)
            .await?;
    });
    Ok(())
}

/// Ends one session.
pub async fn delete(store: &Store, id_hash: &str) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id_hash)
            .execute(p)
            .await?;
    });
    Ok(())
}

/// Deletes sessions past their absolute expiry or idle too long.
pub async fn purge(store: &Store, now_ms: i64, idle_ms: i64) -> Result<u64, StoreError> {
    let _w = store.write_guard().await;
    Ok(dispatch!(store, p => sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
    )
    .bind(now_ms)
    .bind(now_ms - idle_ms)
    .execute(p)
    .await?
    .rows_affected()))
}
