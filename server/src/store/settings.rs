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
