//! Accounts.

use super::{Store, StoreError};
use crate::store::BeginWrite;
use app::domain::access::Role;

/// An account as stored. The hash never leaves the server (no `Serialize`).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub partner_id: Option<String>,
    pub password_hash: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub deactivated_at: Option<i64>,
}

impl UserRow {
    /// The role, if the stored name is known (an unknown role grants nothing).
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }

    /// Whether the account may sign in.
    pub fn is_active(&self) -> bool {
        self.deactivated_at.is_none()
    }
}

const COLUMNS: &str =
    "id, email, name, role, partner_id, password_hash, created_at, updated_at, deactivated_at";

/// A new account.
pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub partner_id: Option<&'a str>,
    pub password_hash: &'a str,
}

/// Inserts an account; `Ok(false)` when the e-mail address is taken.
pub async fn insert(store: &Store, u: &NewUser<'_>, now_ms: i64) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    let n = dispatch!(store, p => sqlx::query(
        "INSERT INTO users (id, email, name, role, partner_id, password_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (email) DO NOTHING",
    )
    .bind(u.id)
    .bind(u.email)
    .bind(u.name)
    .bind(u.role.as_str())
    .bind(u.partner_id)
    .bind(u.password_hash)
    .bind(now_ms)
    .execute(p)
    .await?
    .rows_affected());
    Ok(n == 1)
}

/// The account with this (normalized) e-mail address.
pub async fn find_by_email(store: &Store, email: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    Ok(
        dispatch!(store, p => sqlx::query_as::<_, UserRow>(&sql).bind(email).fetch_optional(p).await?),
    )
}

/// The account with this id.
pub async fn get(store: &Store, id: &str) -> Result<Option<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    Ok(dispatch!(store, p => sqlx::query_as::<_, UserRow>(&sql).bind(id).fetch_optional(p).await?))
}

/// Every account, by e-mail address.
pub async fn list(store: &Store) -> Result<Vec<UserRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY email");
    Ok(dispatch!(store, p => sqlx::query_as::<_, UserRow>(&sql).fetch_all(p).await?))
}

/// Number of active admins.
pub async fn count_active_admins(store: &Store) -> Result<i64, StoreError> {
    let n: (i64,) = dispatch!(store, p => sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL",
    )
    .fetch_one(p)
    .await?);
    Ok(n.0)
}

/// Changes role, partner and active state; a deactivation also ends the account's sessions.
pub async fn update(
    store: &Store,
    id: &str,
    role: Role,
    partner_id: Option<&str>,
    deactivated_at: Option<i64>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    let n = dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let n = sqlx::query(
            "UPDATE users SET role = $2, partner_id = $3, deactivated_at = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(role.as_str())
        .bind(partner_id)
        .bind(deactivated_at)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // Any change of access ends existing sessions: the next request signs in afresh
        // and gets the new scope, never a stale one.
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        n
    });
    Ok(n == 1)
}
