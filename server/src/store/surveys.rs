//! Survey facts and their rollups. Ingest writes facts and rollup deltas in one transaction;
//! reads come from rollups when at most one filter is set, else from facts.

use super::sql::{Bind, Sql};
use super::{Pool, Store, StoreError};
use crate::store::BeginWrite;
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::metric::SurveyAgg;
use app::domain::summary::{DailyAgg, KeyedAgg};
use app::domain::survey::{SurveyKind, SurveyRecord};
use app::model::DimensionValues;
use sqlx::{QueryBuilder, Row};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot, Mutex};

/// Rows per multi-row `INSERT` (17 binds each: well under both dialects' limits).
const FACT_CHUNK: usize = 200;
/// Rollup rows per multi-row upsert.
const ROLLUP_CHUNK: usize = 300;
/// Most values listed per dimension in filter menus.
const MAX_MENU_VALUES: usize = 200;

const FACT_COLUMNS: &str =
    "external_id, kind, score, scale, responded_at, day, good, bad, comment, channel, \
     segment, product_category, region, touchpoint, customer_id, partner_id, ingested_at";
/// Every kind, as an SQL list of constants (lets `(kind, day)` index serve day-range scans).
const ALL_KINDS_SQL: &str = "('nps', 'csat', 'ces', 'pss', 'pnps')";

/// What one ingest committed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InsertOutcome {
    /// Records newly stored.
    pub accepted: i64,
    /// Records already stored (or repeated within the batch): not counted again.
    pub duplicates: i64,
    /// Kinds of the newly stored records.
    pub kinds: BTreeSet<SurveyKind>,
    /// Day range of the newly stored records.
    pub days: Option<(Day, Day)>,
    /// Ids of the newly stored records that carry a comment (they become feedback).
    pub commented: Vec<String>,
}

/// Key of one rollup row: (dim, val, day, kind, scale).
type RollupKey<'a> = (&'a str, &'a str, i64, &'static str, i64);

/// The dimension values of a record, in rollup order, with the unfiltered total first.
fn rollup_dims(r: &SurveyRecord) -> [(&'static str, &str); 7] {
    [
        ("", ""),
        ("channel", r.channel.as_str()),
        ("segment", r.segment.as_str()),
        ("product_category", r.product_category.as_str()),
        ("region", r.region.as_str()),
        ("partner", r.partner_id.as_str()),
        ("touchpoint", r.touchpoint.as_str()),
    ]
}

/// Sums records into rollup deltas, ordered by key so concurrent writers lock rows in the
/// same order (no deadlocks on PostgreSQL).
pub fn rollup_deltas<'a>(records: &[&'a SurveyRecord]) -> BTreeMap<RollupKey<'a>, SurveyAgg> {
    let mut out: BTreeMap<RollupKey<'a>, SurveyAgg> = BTreeMap::new();
    for r in records {
        let delta = SurveyAgg {
            n: 1,
            sum: r.score.value,
            good: r.score.is_good() as i64,
            bad: r.score.is_bad() as i64,
        };
        for (dim, val) in rollup_dims(r) {
            out.entry((dim, val, r.day().0, r.score.kind.as_str(), r.score.scale))
                .or_default()
                .merge(&delta);
        }
    }
    out
}

/// Most records the SQLite writer commits in one transaction.
const MAX_GROUP_RECORDS: usize = 20_000;

/// A batch waiting for the SQLite writer task.
pub struct WriteJob {
    records: Vec<SurveyRecord>,
    now_ms: i64,
    reply: oneshot::Sender<Result<InsertOutcome, StoreError>>,
}

/// Stores a batch durably: new facts, their rollup deltas and menu values. Records whose id is
/// already stored count as duplicates and change nothing. On SQLite the batch goes through the
/// single writer task, which commits batches that arrive together in one transaction.
pub async fn insert_batch(
    store: &Store,
    records: Vec<SurveyRecord>,
    now_ms: i64,
) -> Result<InsertOutcome, StoreError> {
    match store.survey_writer() {
        Some(writer) => {
            let (reply, answer) = oneshot::channel();
            writer
                .send(WriteJob {
                    records,
                    now_ms,
                    reply,
                })
                .await
                .map_err(|_| StoreError::Closed)?;
            answer.await.map_err(|_| StoreError::Closed)?
        }
        None => {
            let _w = store.write_guard().await;
            let outcomes = write_group(store.pool(), &[(&records, now_ms)]).await?;
            Ok(outcomes.into_iter().next().unwrap_or_default())
        }
    }
}

/// The SQLite writer: takes a batch, gathers the batches already waiting (group commit: one
/// fsync and merged rollup upserts for all), and commits them together. A failed group is
/// retried batch by batch, so one bad batch fails alone.
pub async fn run_writer(pool: Pool, lock: Arc<Mutex<()>>, mut jobs: mpsc::Receiver<WriteJob>) {
    while let Some(first) = jobs.recv().await {
        let mut total = first.records.len();
        let mut group = vec![first];
        while total < MAX_GROUP_RECORDS {
            match jobs.try_recv() {
                Ok(job) => {
                    total += job.records.len();
                    group.push(job);
                }
                Err(_) => break,
            }
        }
        let _w = lock.lock().await;
        let batches: Vec<(&[SurveyRecord], i64)> = group
            .iter()
            .map(|j| (j.records.as_slice(), j.now_ms))
            .collect();
        match write_group(&pool, &batches).await {
            Ok(outcomes) => {
                for (job, outcome) in group.into_iter().zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) if group.len() == 1 => {
                if let Some(job) = group.into_iter().next() {
                    let _ = job.reply.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, batches = group.len(), "group commit failed; retrying batch by batch");
                for job in group {
                    let r = write_group(&pool, &[(&job.records, job.now_ms)]).await;
                    let _ = job
                        .reply
                        .send(r.map(|o| o.into_iter().next().unwrap_or_default()));
                }
            }
        }
    }
}

/// Writes several batches in one transaction; one outcome per batch, in order.
async fn write_group(
    pool: &Pool,
    batches: &[(&[SurveyRecord], i64)],
) -> Result<Vec<InsertOutcome>, StoreError> {
    let sqlite = matches!(pool, Pool::Sqlite(_));
    let updated_at = batches.iter().map(|(_, now)| *now).max().unwrap_or(0);
    dispatch!(pool, p => {
        let mut tx = p.begin_write().await?;
        let mut outcomes = Vec::with_capacity(batches.len());
        let mut fresh_all: Vec<&SurveyRecord> = Vec::new();
        for (records, now_ms) in batches {
            let mut seen = HashSet::with_capacity(records.len());
            let unique: Vec<&SurveyRecord> = records.iter().filter(|r| seen.insert(r.external_id.as_str())).collect();
            let mut inserted: HashSet<&str> = HashSet::with_capacity(unique.len());
            for chunk in unique.chunks(FACT_CHUNK) {
                // SQLite: writers are serialised, so ids absent now are inserted below; a
                // pre-check plus a plain INSERT beats RETURNING there. PostgreSQL: concurrent
                // writers may race, so RETURNING says what was really inserted.
                let fresh: Vec<&SurveyRecord> = if sqlite {
                    let mut qb = QueryBuilder::new("SELECT external_id FROM survey_responses WHERE external_id IN ");
                    qb.push_tuples(chunk.iter(), |mut b, r| {
                        b.push_bind(r.external_id.as_str());
                    });
                    let existing: HashSet<String> = qb
                        .build()
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(|row| row.try_get::<String, _>(0))
                        .collect::<Result<_, _>>()?;
                    chunk.iter().copied().filter(|r| !existing.contains(&r.external_id)).collect()
                } else {
                    chunk.to_vec()
                };
                if fresh.is_empty() {
                    continue;
                }
                let mut qb = QueryBuilder::new(format!("INSERT INTO survey_responses ({FACT_COLUMNS}) "));
                qb.push_values(fresh.iter(), |mut b, r| {
                    b.push_bind(r.external_id.as_str())
                        .push_bind(r.score.kind.as_str())
                        .push_bind(r.score.value)
                        .push_bind(r.score.scale)
                        .push_bind(r.responded_at_ms)
                        .push_bind(r.day().0)
                        .push_bind(r.score.is_good() as i64)
                        .push_bind(r.score.is_bad() as i64)
                        .push_bind(r.comment.as_deref())
                        .push_bind(r.channel.as_str())
                        .push_bind(r.segment.as_str())
                        .push_bind(r.product_category.as_str())
                        .push_bind(r.region.as_str())
                        .push_bind(r.touchpoint.as_str())
                        .push_bind(r.customer_id.as_deref())
                        .push_bind(r.partner_id.as_str())
                        .push_bind(*now_ms);
                });
                if sqlite {
                    qb.build().execute(&mut *tx).await?;
                    inserted.extend(fresh.iter().map(|r| r.external_id.as_str()));
                } else {
                    qb.push(" ON CONFLICT (external_id) DO NOTHING RETURNING external_id");
                    let rows = qb.build().fetch_all(&mut *tx).await?;
                    let ids: HashSet<String> =
                        rows.iter().map(|row| row.try_get::<String, _>(0)).collect::<Result<_, _>>()?;
                    inserted.extend(fresh.iter().map(|r| r.external_id.as_str()).filter(|id| ids.contains(*id)));
                }
            }
            let mut outcome = InsertOutcome {
                accepted: inserted.len() as i64,
                duplicates: (records.len() - inserted.len()) as i64,
                ..Default::default()
            };
            for r in unique.iter().filter(|r| inserted.contains(r.external_id.as_str())) {
                outcome.kinds.insert(r.score.kind);
                if r.comment.is_some() {
                    outcome.commented.push(r.external_id.clone());
                }
                let d = r.day();
                outcome.days = Some(outcome.days.map_or((d, d), |(a, b)| (a.min(d), b.max(d))));
                fresh_all.push(r);
            }
            outcomes.push(outcome);
        }
        let deltas: Vec<_> = rollup_deltas(&fresh_all).into_iter().collect();
        for chunk in deltas.chunks(ROLLUP_CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO survey_rollup (dim, val, day, kind, scale, n, score_sum, good, bad, updated_at) ",
            );
            qb.push_values(chunk, |mut b, ((dim, val, day, kind, scale), a)| {
                b.push_bind(*dim)
                    .push_bind(*val)
                    .push_bind(*day)
                    .push_bind(*kind)
                    .push_bind(*scale)
                    .push_bind(a.n)
                    .push_bind(a.sum)
                    .push_bind(a.good)
                    .push_bind(a.bad)
                    .push_bind(updated_at);
            });
            qb.push(
                " ON CONFLICT (dim, val, day, kind, scale) DO UPDATE SET \
                 n = survey_rollup.n + excluded.n, \
                 score_sum = survey_rollup.score_sum + excluded.score_sum, \
                 good = survey_rollup.good + excluded.good, \
                 bad = survey_rollup.bad + excluded.bad, \
                 updated_at = excluded.updated_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        let menu: BTreeSet<(&str, &str)> = fresh_all
            .iter()
            .flat_map(|r| rollup_dims(r).into_iter().skip(1))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        let menu: Vec<_> = menu.into_iter().collect();
        for chunk in menu.chunks(ROLLUP_CHUNK) {
            let mut qb = QueryBuilder::new("INSERT INTO dimension_values (dim, val) ");
            qb.push_values(chunk, |mut b, (d, v)| {
                b.push_bind(*d).push_bind(*v);
            });
            qb.push(" ON CONFLICT (dim, val) DO NOTHING");
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    })
}

/// One aggregate row as both dialects decode it: (day, kind, scale, n, sum, good, bad, updated_at).
type DailyRow = (i64, String, i64, i64, i64, i64, i64, i64);
/// (key, scale, n, sum, good, bad).
type KeyedRow = (String, i64, i64, i64, i64, i64);

/// Daily aggregates of every kind over `from..=to` under `filters`: from the rollup when at
/// most one filter is set, else from facts (rollups of single dimensions cannot be intersected).
pub async fn daily_aggs(
    store: &Store,
    filters: &BTreeMap<Dimension, String>,
    from: Day,
    to: Day,
) -> Result<Vec<DailyAgg>, StoreError> {
    let mut sql = Sql::default();
    if filters.len() <= 1 {
        let (dim, val) = filters
            .iter()
            .next()
            .map_or(("", ""), |(d, v)| (d.as_str(), v.as_str()));
        sql.push("SELECT day, kind, scale, n, score_sum, good, bad, updated_at FROM survey_rollup WHERE dim = ")
            .bind(Bind::Text(dim.into()))
            .push(" AND val = ")
            .bind(Bind::Text(val.into()))
            .days(from, to);
    } else {
        sql.push(&format!(
            "SELECT day, kind, scale, COUNT(*), CAST(SUM(score) AS BIGINT), CAST(SUM(good) AS BIGINT), \
             CAST(SUM(bad) AS BIGINT), MAX(ingested_at) FROM survey_responses WHERE kind IN {ALL_KINDS_SQL}"
        ))
        .filters(filters)
        .days(from, to)
        .push(" GROUP BY day, kind, scale");
    }
    let rows: Vec<DailyRow> = fetch_as!(store, DailyRow, sql);
    Ok(rows
        .into_iter()
        .filter_map(|(day, kind, scale, n, sum, good, bad, updated_at)| {
            Some(DailyAgg {
                day: Day(day),
                kind: SurveyKind::parse(&kind)?,
                scale,
                agg: SurveyAgg { n, sum, good, bad },
                updated_at,
            })
        })
        .collect())
}

/// The selected kind over `from..=to` broken down by `by`, under `filters` (which must not
/// include `by` itself): from the rollup without filters, else from facts.
pub async fn breakdown(
    store: &Store,
    by: Dimension,
    filters: &BTreeMap<Dimension, String>,
    kind: SurveyKind,
    from: Day,
    to: Day,
) -> Result<Vec<KeyedAgg>, StoreError> {
    let mut sql = Sql::default();
    if filters.is_empty() {
        sql.push(
            "SELECT val, scale, CAST(SUM(n) AS BIGINT), CAST(SUM(score_sum) AS BIGINT), CAST(SUM(good) AS BIGINT), \
             CAST(SUM(bad) AS BIGINT) FROM survey_rollup WHERE dim = ",
        )
        .bind(Bind::Text(by.as_str().into()))
        .push(" AND kind = ")
        .bind(Bind::Text(kind.as_str().into()))
        .days(from, to)
        .push(" GROUP BY val, scale");
    } else {
        let col = by.column();
        sql.push(&format!(
            "SELECT {col}, scale, COUNT(*), CAST(SUM(score) AS BIGINT), CAST(SUM(good) AS BIGINT), \
             CAST(SUM(bad) AS BIGINT) FROM survey_responses WHERE kind = "
        ))
        .bind(Bind::Text(kind.as_str().into()))
        .filters(filters)
        .days(from, to)
        .push(&format!(" GROUP BY {col}, scale"));
    }
    let rows: Vec<KeyedRow> = fetch_as!(store, KeyedRow, sql);
    Ok(rows
        .into_iter()
        .map(|(key, scale, n, sum, good, bad)| KeyedAgg {
            key,
            scale,
            agg: SurveyAgg { n, sum, good, bad },
        })
        .collect())
}

/// Up to `limit` comments of `kind` answers on `from..=to` under `filters`: unhappy answers
/// first (they explain a drop), newest first.
pub async fn comments(
    store: &Store,
    kind: SurveyKind,
    filters: &BTreeMap<Dimension, String>,
    from: Day,
    to: Day,
    limit: i64,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT comment, responded_at, score FROM survey_responses WHERE kind = ")
        .bind(Bind::Text(kind.as_str().into()))
        .push(" AND comment IS NOT NULL AND comment <> ''")
        .filters(filters)
        .days(from, to)
        .push(" ORDER BY bad DESC, responded_at DESC LIMIT ")
        .bind(Bind::Int(limit.clamp(1, 50)));
    Ok(fetch_as!(store, (String, i64, i64), sql))
}

/// Known values per dimension, for the filter menus. With a partner `scope`, only the values
/// that occur in that partner's own responses (the menu must not list other partners'
/// segments, regions or names).
pub async fn dimension_values(
    store: &Store,
    scope: Option<&str>,
) -> Result<Vec<DimensionValues>, StoreError> {
    let rows: Vec<(String, String)> = match scope {
        None => dispatch!(store, p => {
            sqlx::query_as("SELECT dim, val FROM dimension_values ORDER BY dim, val").fetch_all(p).await?
        }),
        Some(partner) => {
            let pcol = Dimension::Partner.column();
            let mut rows = Vec::new();
            for d in Dimension::ALL {
                let (name, col) = (d.as_str(), d.column());
                let sql = format!(
                    "SELECT DISTINCT '{name}', {col} FROM survey_responses \
                     WHERE {pcol} = $1 AND {col} <> '' ORDER BY 2 LIMIT {MAX_MENU_VALUES}"
                );
                let part: Vec<(String, String)> = dispatch!(store, p => {
                    sqlx::query_as(&sql).bind(partner).fetch_all(p).await?
                });
                rows.extend(part);
            }
            rows
        }
    };
    let mut out: Vec<DimensionValues> = Dimension::ALL
        .into_iter()
        .map(|d| DimensionValues {
            dimension: d,
            values: Vec::new(),
        })
        .collect();
    for (dim, val) in rows {
        if let Some(d) =
            Dimension::parse(&dim).and_then(|d| out.iter_mut().find(|o| o.dimension == d))
        {
            if d.values.len() < MAX_MENU_VALUES {
                d.values.push(val);
            }
        }
    }
    Ok(out)
}

/// Whether any survey response is stored.
pub async fn has_any(store: &Store) -> Result<bool, StoreError> {
    let n: i64 = dispatch!(store, p => sqlx::query("SELECT COUNT(*) FROM (SELECT 1 FROM survey_rollup LIMIT 1) t")
        .fetch_one(p)
        .await?
        .try_get(0)?);
    Ok(n > 0)
}

/// Number of stored responses.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    Ok(
        dispatch!(store, p => sqlx::query("SELECT COUNT(*) FROM survey_responses").fetch_one(p).await?.try_get(0)?),
    )
}

/// Recomputes every rollup and menu value from the facts, in one transaction.
pub async fn rebuild_rollups(store: &Store) -> Result<(), StoreError> {
    let mut statements = vec![
        "DELETE FROM survey_rollup".to_string(),
        "DELETE FROM dimension_values".to_string(),
        "INSERT INTO survey_rollup (dim, val, day, kind, scale, n, score_sum, good, bad, updated_at) \
         SELECT '', '', day, kind, scale, COUNT(*), SUM(score), SUM(good), SUM(bad), MAX(ingested_at) \
         FROM survey_responses GROUP BY day, kind, scale"
            .to_string(),
    ];
    for d in Dimension::ALL {
        let (name, col) = (d.as_str(), d.column());
        statements.push(format!(
            "INSERT INTO survey_rollup (dim, val, day, kind, scale, n, score_sum, good, bad, updated_at) \
             SELECT '{name}', {col}, day, kind, scale, COUNT(*), SUM(score), SUM(good), SUM(bad), MAX(ingested_at) \
             FROM survey_responses GROUP BY {col}, day, kind, scale"
        ));
        statements.push(format!(
            "INSERT INTO dimension_values (dim, val) SELECT DISTINCT '{name}', {col} FROM survey_responses WHERE {col} <> ''"
        ));
    }
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        for s in &statements {
            sqlx::query(s).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::survey::Score;

    fn rec(id: &str, kind: SurveyKind, v: i64, channel: &str) -> SurveyRecord {
        SurveyRecord {
            external_id: id.into(),
            score: Score {
                kind,
                value: v,
                scale: if kind == SurveyKind::Nps { 10 } else { 5 },
            },
            responded_at_ms: 86_400_000 * 3 + 5,
            comment: None,
            channel: channel.into(),
            segment: "smb".into(),
            product_category: String::new(),
            region: "emea".into(),
            touchpoint: String::new(),
            customer_id: None,
            partner_id: String::new(),
        }
    }

    #[test]
    fn parameter_markers_are_numbered_in_bind_order() {
        let mut filters = BTreeMap::new();
        filters.insert(Dimension::Region, "emea".to_string());
        filters.insert(Dimension::Channel, "chat".to_string());
        let mut sql = Sql::default();
        sql.push("SELECT 1 WHERE kind = ")
            .bind(Bind::Text("nps".into()))
            .filters(&filters)
            .days(Day(1), Day(9));
        assert_eq!(
            sql.text,
            "SELECT 1 WHERE kind = $1 AND channel = $2 AND region = $3 AND day >= $4 AND day <= $5"
        );
        let values: Vec<String> = sql
            .binds
            .iter()
            .map(|b| match b {
                Bind::Text(s) => s.clone(),
                Bind::Int(i) => i.to_string(),
            })
            .collect();
        assert_eq!(values, ["nps", "chat", "emea", "1", "9"]);
    }

    #[test]
    fn deltas_count_each_record_once_per_dimension() {
        let a = rec("a", SurveyKind::Nps, 10, "email");
        let b = rec("b", SurveyKind::Nps, 3, "chat");
        let d = rollup_deltas(&[&a, &b]);
        assert_eq!(
            d[&("", "", 3, "nps", 10)],
            SurveyAgg {
                n: 2,
                sum: 13,
                good: 1,
                bad: 1
            }
        );
        assert_eq!(
            d[&("channel", "email", 3, "nps", 10)],
            SurveyAgg {
                n: 1,
                sum: 10,
                good: 1,
                bad: 0
            }
        );
        assert_eq!(d[&("segment", "smb", 3, "nps", 10)].n, 2);
        // Missing values still roll up (as ''), so every dimension sums to the total.
        assert_eq!(d[&("touchpoint", "", 3, "nps", 10)].n, 2);
        assert_eq!(d.len(), 1 + 2 + 1 + 1 + 1 + 1 + 1);
    }
}
