//! The audit log: who did what, when, from where.

use super::sql::{Bind, Sql};
use super::{Store, StoreError};

/// One entry to record.
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

/// A stored entry.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

/// Appends an entry. Text is capped so a hostile value cannot bloat the log.
pub async fn record(store: &Store, e: &Entry<'_>, now_ms: i64) -> Result<(), StoreError> {
    let cap = |s: &str| s.chars().take(500).collect::<String>();
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, target, detail, ip) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(now_ms)
        .bind(cap(e.actor))
        .bind(cap(e.action))
        .bind(cap(e.target))
        .bind(cap(e.detail))
        .bind(cap(e.ip))
        .execute(p)
        .await?;
    });
    Ok(())
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Actions starting with this (`login.` matches `login.success` and `login.failure`).
    pub action_prefix: Option<String>,
    /// Actor containing this text.
    pub actor: Option<String>,
    /// From this time (ms), inclusive.
    pub from_ms: Option<i64>,
    /// Before this time (ms).
    pub to_ms: Option<i64>,
    /// Entries with a smaller id only (keyset pagination: the last id of the previous page).
    pub before_id: Option<i64>,
    /// Page size.
    pub limit: i64,
}

fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Entries matching `f`, newest first.
pub async fn list(store: &Store, f: &Filter) -> Result<Vec<AuditRow>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT id, at, actor, action, target, detail, ip FROM audit_log WHERE 1 = 1");
    if let Some(a) = &f.action_prefix {
        sql.push(" AND action LIKE ")
            .bind(Bind::Text(format!("{}%", like_escape(a))))
            .push(" ESCAPE '\\'");
    }
    if let Some(a) = &f.actor {
        sql.push(" AND LOWER(actor) LIKE ")
            .bind(Bind::Text(format!("%{}%", like_escape(&a.to_lowercase()))))
            .push(" ESCAPE '\\'");
    }
    if let Some(t) = f.from_ms {
        sql.push(" AND at >= ").bind(Bind::Int(t));
    }
    if let Some(t) = f.to_ms {
        sql.push(" AND at < ").bind(Bind::Int(t));
    }
    if let Some(id) = f.before_id {
        sql.push(" AND id < ").bind(Bind::Int(id));
    }
    sql.push(" ORDER BY id DESC LIMIT ")
        .bind(Bind::Int(f.limit.clamp(1, 500)));
    Ok(fetch_as!(store, AuditRow, sql))
}
