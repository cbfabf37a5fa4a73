//! Share links.

use super::{Store, StoreError};

/// A share link as stored, with its creator's e-mail address.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ShareRow {
    pub id: String,
    pub created_by: String,
    pub creator_email: String,
    pub label: String,
    pub path: String,
    pub query: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub uses: i64,
}

const SELECT: &str =
    "SELECT s.id, s.created_by, u.email AS creator_email, s.label, s.path, s.query, \
    s.created_at, s.expires_at, s.revoked_at, s.last_used_at, s.uses \
    FROM share_links s JOIN users u ON u.id = s.created_by";

/// A new link.
pub struct NewShare<'a> {
    pub id: &'a str,
    pub created_by: &'a str,
    pub label: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub expires_at: i64,
}

/// Stores a link.
pub async fn insert(store: &Store, s: &NewShare<'_>, now_ms: i64) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO share_links (id, created_by, label, path, query, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(s.id)
        .bind(s.created_by)
        .bind(s.label)
        .bind(s.path)
        .bind(s.query)
        .bind(now_ms)
        .bind(s.expires_at)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// One link.
pub async fn get(store: &Store, id: &str) -> Result<Option<ShareRow>, StoreError> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    Ok(dispatch!(store, p => sqlx::query_as::<_, ShareRow>(&sql).bind(id).fetch_optional(p).await?))
}

/// Links made by `created_by`, or every link when `None`; newest first.
pub async fn list(store: &Store, created_by: Option<&str>) -> Result<Vec<ShareRow>, StoreError> {
    let sql = match created_by {
        Some(_) => format!("{SELECT} WHERE s.created_by = $1 ORDER BY s.created_at DESC, s.id"),
        None => format!("{SELECT} ORDER BY s.created_at DESC, s.id"),
    };
    Ok(dispatch!(store, p => {
        let q = sqlx::query_as::<_, ShareRow>(&sql);
        let q = match created_by { Some(c) => q.bind(c), None => q };
        q.fetch_all(p).await?
    }))
}

/// Revokes a link; `Ok(false)` if it did not exist or was already revoked.
pub async fn revoke(store: &Store, id: &str, now_ms: i64) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    Ok(dispatch!(store, p => sqlx::query(
        "UPDATE share_links SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(now_ms)
    .execute(p)
    .await?
    .rows_affected())
        == 1)
}

/// Counts a visit.
pub async fn record_use(store: &Store, id: &str, now_ms: i64) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query("UPDATE share_links SET uses = uses + 1, last_used_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now_ms)
            .execute(p)
            .await?;
    });
    Ok(())
}
