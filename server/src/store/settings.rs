//! Server-wide settings kept in the store.

use super::{Store, StoreError};

/// The value of setting `name`, creating it with `make()` if absent. Concurrent first starts
/// agree on one value: the insert does nothing on conflict and the stored value is re-read.
pub async fn get_or_init(
    store: &Store,
    name: &str,
    make: impl FnOnce() -> String,
) -> Result<String, StoreError> {
    {
        let _w = store.write_guard().await;
        let value = make();
        dispatch!(store, p => {
            sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(&value)
                .execute(p)
                .await?;
        });
    }
    let v: (String,) = dispatch!(store, p => sqlx::query_as("SELECT value FROM settings WHERE name = $1")
        .bind(name)
        .fetch_one(p)
        .await?);
    Ok(v.0)
}

/// The value of setting `name`, if it is set.
pub async fn get(store: &Store, name: &str) -> Result<Option<String>, StoreError> {
    let v: Option<(String,)> = dispatch!(store, p => sqlx::query_as("SELECT value FROM settings WHERE name = $1")
        .bind(name)
        .fetch_optional(p)
        .await?);
    Ok(v.map(|v| v.0))
}

/// Sets `name` to `value`, replacing any earlier value.
pub async fn set(store: &Store, name: &str, value: &str) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query("INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
            .bind(name)
            .bind(value)
            .execute(p)
            .await?;
    });
    Ok(())
}

/// Tables whose rows are data someone put in the store (facts, accounts, keys, alerts), as
/// opposed to what every start creates by itself (settings, the default alert rules).
const DATA_TABLES: [&str; 19] = [
    "survey_responses",
    "feedback",
    "tickets",
    "incidents",
    "orders",
    "marketing_spend",
    "partners",
    "partner_activity",
    "partner_deals",
    "inventory_snapshots",
    "events",
    "workflows",
    "workflow_tasks",
    "automation_runs",
    "workflow_types",
    "users",
    "api_keys",
    "alerts",
    "share_links",
];

/// Whether the store holds any data at all: a fact, an account, a key, an alert or a rule
/// that a person wrote. A store that answers `false` is safe to fill with demo data.
pub async fn holds_data(store: &Store) -> Result<bool, StoreError> {
    let mut checks: Vec<String> = DATA_TABLES
        .iter()
        .map(|t| format!("SELECT 1 FROM {t}"))
        .collect();
    checks.push("SELECT 1 FROM alert_rules WHERE created_by <> 'system'".into());
    for sql in checks {
        let sql = format!("{sql} LIMIT 1");
        let row: Option<(i32,)> =
            dispatch!(store, p => sqlx::query_as(&sql).fetch_optional(p).await?);
        if row.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}
