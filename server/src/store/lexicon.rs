//! The stored entries of the domain lexicon (`lexicon_terms`): admins' terms and their changes
//! to the shipped defaults.

use super::{Store, StoreError};
use app::domain::sentiment::domain::StoredTerm;

/// Every stored entry, in term order.
pub async fn list(store: &Store) -> Result<Vec<StoredTerm>, StoreError> {
    let rows: Vec<(String, f64, String, i64, String)> = dispatch!(store, p => sqlx::query_as(
        "SELECT term, valence, note, updated_at, updated_by FROM lexicon_terms ORDER BY term",
    )
    .fetch_all(p)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(term, valence, note, updated_at, updated_by)| StoredTerm {
            term,
            valence,
            note,
            updated_at,
            updated_by,
        })
        .collect())
}

/// Stores an entry, replacing the term's earlier one.
pub async fn put(store: &Store, t: &StoredTerm) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO lexicon_terms (term, valence, note, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (term) DO UPDATE SET \
             valence = excluded.valence, note = excluded.note, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(&t.term)
        .bind(t.valence)
        .bind(&t.note)
        .bind(t.updated_at)
        .bind(&t.updated_by)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// Removes a term's entry; whether there was one.
pub async fn delete(store: &Store, term: &str) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    let affected = dispatch!(store, p => sqlx::query("DELETE FROM lexicon_terms WHERE term = $1")
        .bind(term)
        .execute(p)
        .await?
        .rows_affected());
    Ok(affected > 0)
}
