//! People's targets (`targets`): a goal per metric, or per value of one dimension, over the
//! catalogue's default (`app/src/domain/target.rs`).

use super::{Store, StoreError};
use app::domain::dimension::Dimension;
use app::domain::target::{Goal, TargetEntry, Targets};

type Row = (
    String,
    String,
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    i64,
    String,
);

/// Every stored target, by metric, then metric-wide before per-value ones.
pub async fn list(store: &Store) -> Result<Targets, StoreError> {
    let rows: Vec<Row> = dispatch!(store, p => sqlx::query_as(
        "SELECT metric, dimension, value, threshold, min_value, max_value, updated_at, updated_by \
         FROM targets ORDER BY metric, dimension, value",
    )
    .fetch_all(p)
    .await?);
    Ok(Targets(rows.into_iter().filter_map(entry).collect()))
}

/// A row as an entry; a row no release could have written (no goal, or an unknown dimension)
/// is skipped rather than failing every read.
fn entry(r: Row) -> Option<TargetEntry> {
    let (metric, dimension, value, threshold, min, max, updated_at, updated_by) = r;
    let target = match (threshold, min, max) {
        (Some(t), _, _) => Goal::Threshold(t),
        (None, Some(min), Some(max)) => Goal::Band { min, max },
        _ => return None,
    };
    let dimension = if dimension.is_empty() {
        None
    } else {
        Some(Dimension::parse(&dimension)?)
    };
    Some(TargetEntry {
        metric,
        value: dimension.map(|_| value),
        dimension,
        target,
        updated_at,
        updated_by,
    })
}

/// Stores a target, replacing the one of the same metric, dimension and value.
pub async fn put(store: &Store, e: &TargetEntry) -> Result<(), StoreError> {
    let (threshold, min, max) = match e.target {
        Goal::Threshold(t) => (Some(t), None, None),
        Goal::Band { min, max } => (None, Some(min), Some(max)),
    };
    let dimension = e.dimension.map_or("", |d| d.as_str());
    let value = e.value.as_deref().unwrap_or("");
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO targets (metric, dimension, value, threshold, min_value, max_value, \
             updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (metric, dimension, value) DO UPDATE SET \
             threshold = excluded.threshold, min_value = excluded.min_value, \
             max_value = excluded.max_value, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(&e.metric)
        .bind(dimension)
        .bind(value)
        .bind(threshold)
        .bind(min)
        .bind(max)
        .bind(e.updated_at)
        .bind(&e.updated_by)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// Removes a target (the default applies again); whether there was one.
pub async fn delete(
    store: &Store,
    metric: &str,
    scope: Option<(Dimension, &str)>,
) -> Result<bool, StoreError> {
    let (dimension, value) = scope.map_or(("", ""), |(d, v)| (d.as_str(), v));
    let _w = store.write_guard().await;
    let affected = dispatch!(store, p => sqlx::query(
        "DELETE FROM targets WHERE metric = $1 AND dimension = $2 AND value = $3",
    )
    .bind(metric)
    .bind(dimension)
    .bind(value)
    .execute(p)
    .await?
    .rows_affected());
    Ok(affected > 0)
}
