//! Segment events: insert deduplicated by `messageId`, and read back in commit order (`seq`)
//! for the in-memory journey index. Marketing spend: upsert by period and channel.

use super::{Pool, Store, StoreError};
use crate::store::BeginWrite;
use app::domain::date::Day;
use app::domain::journey::commerce::{SpendFact, SpendRecord};
use app::domain::journey::message::EventRecord;
use sqlx::{QueryBuilder, Row};
use std::collections::HashSet;

/// Rows per multi-row INSERT (17 parameters each, well under SQLite's limit).
const CHUNK: usize = 500;

const COLUMNS: &str = "message_id, kind, event, user_id, anonymous_id, previous_id, group_id, \
    at, day, received_at, channel, source, region, segment, product_category, payload";

/// What storing a batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inserted {
    pub accepted: i64,
    /// Replays of a stored `messageId`, and repeats within the batch.
    pub duplicates: i64,
    /// First and last day of the new events.
    pub days: Option<(i64, i64)>,
}

/// Stores new events in one transaction; a `messageId` already stored (or repeated in the
/// batch) changes nothing and counts as a duplicate.
pub async fn insert_batch(
    store: &Store,
    records: &[EventRecord],
    now_ms: i64,
) -> Result<Inserted, StoreError> {
    let mut seen = HashSet::with_capacity(records.len());
    let unique: Vec<&EventRecord> = records
        .iter()
        .filter(|r| seen.insert(r.message_id.as_str()))
        .collect();
    let mut out = Inserted {
        duplicates: (records.len() - unique.len()) as i64,
        ..Inserted::default()
    };
    if unique.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    let sqlite = matches!(store.pool(), Pool::Sqlite(_));
    let mut inserted: Vec<&EventRecord> = Vec::with_capacity(unique.len());
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        if !sqlite {
            // One event writer at a time, so `seq` order is commit order: the journey index
            // tails `seq` and must never see a later number commit before an earlier one.
            sqlx::query("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        for chunk in unique.chunks(CHUNK) {
            // Writers are serialised on both dialects here, so ids absent now are inserted.
            let mut qb = QueryBuilder::new("SELECT message_id FROM events WHERE message_id IN ");
            qb.push_tuples(chunk.iter(), |mut b, r| {
                b.push_bind(r.message_id.as_str());
            });
            let existing: HashSet<String> = qb
                .build()
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get::<String, _>(0))
                .collect::<Result<_, _>>()?;
            let fresh: Vec<&EventRecord> = chunk
                .iter()
                .copied()
                .filter(|r| !existing.contains(&r.message_id))
                .collect();
            if fresh.is_empty() {
                continue;
            }
            let mut qb = QueryBuilder::new(format!("INSERT INTO events ({COLUMNS}) "));
            qb.push_values(fresh.iter(), |mut b, r| {
                b.push_bind(r.message_id.as_str())
                    .push_bind(r.kind.as_str())
                    .push_bind(r.event.as_str())
                    .push_bind(r.user_id.as_deref())
                    .push_bind(r.anonymous_id.as_deref())
                    .push_bind(r.previous_id.as_deref())
                    .push_bind(r.group_id.as_deref())
                    .push_bind(r.at_ms)
                    .push_bind(r.day().0)
                    .push_bind(now_ms)
                    .push_bind(r.dims.channel.as_str())
                    .push_bind(r.dims.source.as_str())
                    .push_bind(r.dims.region.as_str())
                    .push_bind(r.dims.segment.as_str())
                    .push_bind(r.dims.product_category.as_str())
                    .push_bind(r.payload.as_deref());
            });
            qb.build().execute(&mut *tx).await?;
            inserted.extend(fresh);
        }
        tx.commit().await?;
    });
    out.accepted = inserted.len() as i64;
    out.duplicates += (unique.len() - inserted.len()) as i64;
    for r in inserted {
        let d = r.day().0;
        out.days = Some(out.days.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
    }
    Ok(out)
}

/// One stored event as the journey index reads it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct EventRow {
    pub seq: i64,
    pub kind: String,
    pub event: String,
    pub user_id: Option<String>,
    pub anonymous_id: Option<String>,
    pub previous_id: Option<String>,
    pub at: i64,
    pub channel: String,
    pub source: String,
    pub region: String,
    pub segment: String,
    pub product_category: String,
}

/// Up to `limit` events after `seq`, in `seq` order. Groups carry no person data the index
/// uses, so they are skipped.
pub async fn since(store: &Store, seq: i64, limit: i64) -> Result<Vec<EventRow>, StoreError> {
    let sql = "SELECT seq, kind, event, user_id, anonymous_id, previous_id, at, channel, source, \
               region, segment, product_category FROM events \
               WHERE seq > $1 AND kind <> 'group' ORDER BY seq LIMIT $2";
    Ok(
        dispatch!(store, p => sqlx::query_as::<_, EventRow>(sql).bind(seq).bind(limit).fetch_all(p).await?),
    )
}

/// Stored events (all kinds).
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(
        dispatch!(store, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM events").fetch_one(p).await?),
    )
}

/// Upserts spend by (period, channel); returns (created, updated, unchanged).
pub async fn upsert_spend(
    store: &Store,
    records: &[SpendRecord],
    now_ms: i64,
) -> Result<(i64, i64, i64), StoreError> {
    // The last record of each (period, channel) in the batch wins; earlier ones are unchanged.
    let total = records.len() as i64;
    let mut last: std::collections::HashMap<(&str, &str), &SpendRecord> = Default::default();
    for r in records {
        last.insert((r.period.as_str(), r.channel.as_str()), r);
    }
    let records: Vec<&SpendRecord> = records
        .iter()
        .filter(|r| {
            last.get(&(r.period.as_str(), r.channel.as_str()))
                .is_some_and(|l| std::ptr::eq(*l, *r))
        })
        .collect();
    let _w = store.write_guard().await;
    let (mut created, mut updated) = (0, 0);
    let mut unchanged = total - records.len() as i64;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        for r in records {
            let old: Option<(i64, i64, String, i64)> = sqlx::query_as(
                "SELECT from_day, to_day, currency, amount_cents FROM marketing_spend \
                 WHERE period = $1 AND channel = $2",
            )
            .bind(&r.period)
            .bind(&r.channel)
            .fetch_optional(&mut *tx)
            .await?;
            match old {
                Some(o) if o == (r.from.0, r.to.0, r.currency.clone(), r.amount_cents) => {
                    unchanged += 1;
                    continue;
                }
                Some(_) => updated += 1,
                None => created += 1,
            }
            sqlx::query(
                "INSERT INTO marketing_spend (period, channel, from_day, to_day, currency, amount_cents, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (period, channel) DO UPDATE SET \
                 from_day = excluded.from_day, to_day = excluded.to_day, currency = excluded.currency, \
                 amount_cents = excluded.amount_cents, updated_at = excluded.updated_at",
            )
            .bind(&r.period)
            .bind(&r.channel)
            .bind(r.from.0)
            .bind(r.to.0)
            .bind(&r.currency)
            .bind(r.amount_cents)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok((created, updated, unchanged))
}

/// Spend overlapping `[from_day, to_day)` in `currency`, and the other currencies seen.
pub async fn spend(
    store: &Store,
    from_day: i64,
    to_day: i64,
) -> Result<Vec<(String, SpendFact)>, StoreError> {
    let rows: Vec<(String, i64, i64, String, i64)> = dispatch!(store, p => sqlx::query_as(
        "SELECT channel, from_day, to_day, currency, amount_cents FROM marketing_spend \
         WHERE from_day < $2 AND to_day > $1",
    )
    .bind(from_day)
    .bind(to_day)
    .fetch_all(p)
    .await?);
    Ok(rows
        .into_iter()
        .map(|(channel, from, to, currency, amount_cents)| {
            (
                currency,
                SpendFact {
                    from: Day(from),
                    to: Day(to),
                    channel,
                    amount_cents,
                },
            )
        })
        .collect())
}
