//! The partner registry, partner activity, deals and inventory snapshots: upserts and the
//! reads the partner views and alert rules need. Partner-side volumes are small next to
//! surveys and tickets (tens of partners, a few records per partner and day), so reads
//! aggregate the facts under their `(day, partner)` indexes instead of keeping rollups.

use super::sql::{Bind, Sql};
use super::{Store, StoreError, Upserted};
use crate::store::BeginWrite;
use app::domain::date::Day;
use app::domain::partner::activity::{ActivityCounts, TrainingEvent};
use app::domain::partner::{
    ActivityKind, ActivityRecord, DealRecord, DealStage, InventorySnapshot, PartnerRecord,
    PartnerStatus,
};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};

/// Rows per multi-row statement.
const CHUNK: usize = 200;

const PARTNER_COLUMNS: &str =
    "id, name, tier, region, signed_at, live_at, status, churned_at, updated_at";

#[derive(sqlx::FromRow)]
struct PartnerRow {
    id: String,
    name: String,
    tier: String,
    region: String,
    signed_at: i64,
    live_at: Option<i64>,
    status: String,
    churned_at: Option<i64>,
    #[allow(dead_code)]
    updated_at: i64,
}

impl From<PartnerRow> for PartnerRecord {
    fn from(r: PartnerRow) -> PartnerRecord {
        PartnerRecord {
            id: r.id,
            name: r.name,
            tier: r.tier,
            region: r.region,
            signed_at_ms: r.signed_at,
            live_at_ms: r.live_at,
            status: PartnerStatus::parse(&r.status).unwrap_or(PartnerStatus::Active),
            churned_at_ms: r.churned_at,
        }
    }
}

/// Reads the stored rows whose key is among `keys`, in chunks, inside `tx`.
macro_rules! stored_by_key {
    ($tx:expr, $row:ty, $select:expr, $keys:expr) => {{
        let mut rows: Vec<$row> = Vec::new();
        for chunk in $keys.chunks(CHUNK) {
            let mut qb = QueryBuilder::new($select);
            qb.push_tuples(chunk.iter(), |mut b, k| {
                b.push_bind(k.as_str());
            });
            rows.extend(qb.build_query_as::<$row>().fetch_all(&mut *$tx).await?);
        }
        rows
    }};
}

/// Upserts partners by id: a partner equal to the stored one changes nothing; a different
/// one replaces it (the registry has no versions: the latest write is the truth).
pub async fn upsert_partners(
    store: &Store,
    records: Vec<PartnerRecord>,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let (records, repeated) = super::last_per_id(records, |r| r.id.as_str());
    let mut out = Upserted {
        unchanged: repeated,
        ..Upserted::default()
    };
    if records.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    let today = Day::from_epoch_ms(now_ms).0;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let stored: HashMap<String, PartnerRecord> = stored_by_key!(
            tx,
            PartnerRow,
            format!("SELECT {PARTNER_COLUMNS} FROM partners WHERE id IN "),
            ids
        )
        .into_iter()
        .map(|r| (r.id.clone(), PartnerRecord::from(r)))
        .collect();
        let mut changed = Vec::new();
        for r in &records {
            match stored.get(&r.id) {
                Some(old) if old == r => out.unchanged += 1,
                Some(_) => {
                    out.updated += 1;
                    changed.push(r);
                }
                None => {
                    out.created += 1;
                    changed.push(r);
                }
            }
        }
        for chunk in changed.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("INSERT INTO partners ({PARTNER_COLUMNS}) "));
            qb.push_values(chunk.iter(), |mut b, r| {
                b.push_bind(r.id.as_str())
                    .push_bind(r.name.as_str())
                    .push_bind(r.tier.as_str())
                    .push_bind(r.region.as_str())
                    .push_bind(r.signed_at_ms)
                    .push_bind(r.live_at_ms)
                    .push_bind(r.status.as_str())
                    .push_bind(r.churned_at_ms)
                    .push_bind(now_ms);
            });
            qb.push(
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, tier = excluded.tier, \
                 region = excluded.region, signed_at = excluded.signed_at, \
                 live_at = excluded.live_at, status = excluded.status, \
                 churned_at = excluded.churned_at, updated_at = excluded.updated_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for r in changed {
            out.touch(today, &r.id);
        }
    });
    Ok(out)
}

/// Every partner, by id.
pub async fn list_partners(store: &Store) -> Result<Vec<PartnerRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {PARTNER_COLUMNS} FROM partners ORDER BY id"
    ));
    Ok(fetch_as!(store, PartnerRow, sql)
        .into_iter()
        .map(PartnerRecord::from)
        .collect())
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    external_id: String,
    partner_id: String,
    kind: String,
    at: i64,
    n: i64,
    detail: String,
    person: String,
}

impl ActivityRow {
    fn record(self) -> Option<ActivityRecord> {
        Some(ActivityRecord {
            kind: ActivityKind::parse(&self.kind)?,
            external_id: self.external_id,
            partner_id: self.partner_id,
            at_ms: self.at,
            count: self.n,
            detail: self.detail,
            person: self.person,
        })
    }
}

#[derive(sqlx::FromRow)]
struct DealRow {
    deal_id: String,
    partner_id: String,
    value_cents: i64,
    currency: String,
    stage: String,
    at: i64,
}

impl DealRow {
    fn record(self) -> Option<DealRecord> {
        Some(DealRecord {
            stage: DealStage::parse(&self.stage)?,
            deal_id: self.deal_id,
            partner_id: self.partner_id,
            value_cents: self.value_cents,
            currency: self.currency,
            at_ms: self.at,
        })
    }
}

/// The newest version of each deal in a batch (by [`DealRecord::supersedes`]); the others
/// count as unchanged.
fn newest_deals(deals: Vec<DealRecord>) -> (Vec<DealRecord>, i64) {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<DealRecord> = Vec::new();
    let mut dropped = 0;
    for d in deals {
        match index.get(&d.deal_id) {
            Some(&i) => {
                dropped += 1;
                if d.supersedes(&kept[i]) {
                    kept[i] = d;
                }
            }
            None => {
                index.insert(d.deal_id.clone(), kept.len());
                kept.push(d);
            }
        }
    }
    (kept, dropped)
}

/// Upserts activity records by id and deals by deal id in one transaction. An activity
/// record equal to the stored one changes nothing; a deal replaces the stored one only
/// when it [supersedes](DealRecord::supersedes) it, so deliveries out of order cannot move
/// a deal back a stage.
pub async fn upsert_activity(
    store: &Store,
    events: Vec<ActivityRecord>,
    deals: Vec<DealRecord>,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let (events, repeated) = super::last_per_id(events, |r| r.external_id.as_str());
    let (deals, older) = newest_deals(deals);
    let mut out = Upserted {
        unchanged: repeated + older,
        ..Upserted::default()
    };
    if events.is_empty() && deals.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    let event_ids: Vec<String> = events.iter().map(|e| e.external_id.clone()).collect();
    let deal_ids: Vec<String> = deals.iter().map(|d| d.deal_id.clone()).collect();
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let stored: HashMap<String, ActivityRecord> = stored_by_key!(
            tx,
            ActivityRow,
            "SELECT external_id, partner_id, kind, at, n, detail, person FROM partner_activity \
             WHERE external_id IN ",
            event_ids
        )
        .into_iter()
        .filter_map(ActivityRow::record)
        .map(|r| (r.external_id.clone(), r))
        .collect();
        let mut changed_events = Vec::new();
        for e in &events {
            match stored.get(&e.external_id) {
                Some(old) if old == e => out.unchanged += 1,
                Some(_) => {
                    out.updated += 1;
                    changed_events.push(e);
                }
                None => {
                    out.created += 1;
                    changed_events.push(e);
                }
            }
        }
        let stored_deals: HashMap<String, DealRecord> = stored_by_key!(
            tx,
            DealRow,
            "SELECT deal_id, partner_id, value_cents, currency, stage, at FROM partner_deals \
             WHERE deal_id IN ",
            deal_ids
        )
        .into_iter()
        .filter_map(DealRow::record)
        .map(|d| (d.deal_id.clone(), d))
        .collect();
        let mut changed_deals = Vec::new();
        for d in &deals {
            match stored_deals.get(&d.deal_id) {
                Some(old) if !d.supersedes(old) => out.unchanged += 1,
                Some(_) => {
                    out.updated += 1;
                    changed_deals.push(d);
                }
                None => {
                    out.created += 1;
                    changed_deals.push(d);
                }
            }
        }
        for chunk in changed_events.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO partner_activity (external_id, partner_id, kind, at, day, n, detail, \
                 person, ingested_at) ",
            );
            qb.push_values(chunk.iter(), |mut b, e| {
                b.push_bind(e.external_id.as_str())
                    .push_bind(e.partner_id.as_str())
                    .push_bind(e.kind.as_str())
                    .push_bind(e.at_ms)
                    .push_bind(Day::from_epoch_ms(e.at_ms).0)
                    .push_bind(e.count)
                    .push_bind(e.detail.as_str())
                    .push_bind(e.person.as_str())
                    .push_bind(now_ms);
            });
            qb.push(
                " ON CONFLICT (external_id) DO UPDATE SET partner_id = excluded.partner_id, \
                 kind = excluded.kind, at = excluded.at, day = excluded.day, n = excluded.n, \
                 detail = excluded.detail, person = excluded.person, \
                 ingested_at = excluded.ingested_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        for chunk in changed_deals.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO partner_deals (deal_id, partner_id, value_cents, currency, stage, at, \
                 ingested_at) ",
            );
            qb.push_values(chunk.iter(), |mut b, d| {
                b.push_bind(d.deal_id.as_str())
                    .push_bind(d.partner_id.as_str())
                    .push_bind(d.value_cents)
                    .push_bind(d.currency.as_str())
                    .push_bind(d.stage.as_str())
                    .push_bind(d.at_ms)
                    .push_bind(now_ms);
            });
            // The guard repeats the version check against a row written since the read.
            qb.push(
                " ON CONFLICT (deal_id) DO UPDATE SET partner_id = excluded.partner_id, \
                 value_cents = excluded.value_cents, currency = excluded.currency, \
                 stage = excluded.stage, at = excluded.at, ingested_at = excluded.ingested_at \
                 WHERE excluded.at >= partner_deals.at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for e in changed_events {
            out.touch(Day::from_epoch_ms(e.at_ms).0, &e.partner_id);
        }
        for d in changed_deals {
            out.touch(Day::from_epoch_ms(d.at_ms).0, &d.partner_id);
        }
    });
    Ok(out)
}

/// Upserts inventory snapshots by (partner, SKU, instant).
pub async fn upsert_inventory(
    store: &Store,
    snapshots: Vec<InventorySnapshot>,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let key = |s: &InventorySnapshot| format!("{}\u{1f}{}\u{1f}{}", s.partner_id, s.sku, s.at_ms);
    let keyed: Vec<(String, InventorySnapshot)> =
        snapshots.into_iter().map(|s| (key(&s), s)).collect();
    let (keyed, repeated) = super::last_per_id(keyed, |(k, _)| k.as_str());
    let mut out = Upserted {
        unchanged: repeated,
        ..Upserted::default()
    };
    if keyed.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let mut stored: HashMap<String, InventorySnapshot> = HashMap::new();
        for chunk in keyed.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "SELECT partner_id, sku, on_hand, reorder_level, at FROM inventory_snapshots \
                 WHERE (partner_id, sku, at) IN ",
            );
            qb.push_tuples(chunk.iter(), |mut b, (_, s)| {
                b.push_bind(s.partner_id.as_str())
                    .push_bind(s.sku.as_str())
                    .push_bind(s.at_ms);
            });
            for r in qb.build_query_as::<SnapshotRow>().fetch_all(&mut *tx).await? {
                let s = InventorySnapshot::from(r);
                stored.insert(key(&s), s);
            }
        }
        let mut changed = Vec::new();
        for (k, s) in &keyed {
            match stored.get(k) {
                Some(old) if old == s => out.unchanged += 1,
                Some(_) => {
                    out.updated += 1;
                    changed.push(s);
                }
                None => {
                    out.created += 1;
                    changed.push(s);
                }
            }
        }
        for chunk in changed.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO inventory_snapshots (partner_id, sku, at, on_hand, reorder_level, \
                 ingested_at) ",
            );
            qb.push_values(chunk.iter(), |mut b, s| {
                b.push_bind(s.partner_id.as_str())
                    .push_bind(s.sku.as_str())
                    .push_bind(s.at_ms)
                    .push_bind(s.on_hand)
                    .push_bind(s.reorder_level)
                    .push_bind(now_ms);
            });
            qb.push(
                " ON CONFLICT (partner_id, sku, at) DO UPDATE SET on_hand = excluded.on_hand, \
                 reorder_level = excluded.reorder_level, ingested_at = excluded.ingested_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for s in changed {
            out.touch(Day::from_epoch_ms(s.at_ms).0, &s.partner_id);
        }
    });
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct SnapshotRow {
    partner_id: String,
    sku: String,
    on_hand: i64,
    reorder_level: i64,
    at: i64,
}

impl From<SnapshotRow> for InventorySnapshot {
    fn from(r: SnapshotRow) -> InventorySnapshot {
        InventorySnapshot {
            partner_id: r.partner_id,
            sku: r.sku,
            on_hand: r.on_hand,
            reorder_level: r.reorder_level,
            at_ms: r.at,
        }
    }
}

fn partner_clause(sql: &mut Sql, column: &str, partner: Option<&str>) {
    if let Some(p) = partner {
        sql.push(&format!(" AND {column} = "))
            .bind(Bind::Text(p.to_string()));
    }
}

/// Activity per partner over days `from..=to` (one partner, or all).
pub async fn activity_counts(
    store: &Store,
    partner: Option<&str>,
    from: Day,
    to: Day,
) -> Result<BTreeMap<String, ActivityCounts>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT partner_id, kind, detail, CAST(SUM(n) AS BIGINT) FROM partner_activity WHERE 1 = 1",
    )
    .days(from, to);
    partner_clause(&mut sql, "partner_id", partner);
    sql.push(" GROUP BY partner_id, kind, detail");
    let mut out: BTreeMap<String, ActivityCounts> = BTreeMap::new();
    for (p, kind, detail, n) in fetch_as!(store, (String, String, String, i64), sql) {
        let Some(kind) = ActivityKind::parse(&kind) else {
            continue;
        };
        let c = out.entry(p).or_default();
        if kind == ActivityKind::Program {
            c.programs += 1;
        } else {
            c.add(kind, &detail, n);
        }
    }
    Ok(out)
}

/// Portal logins and interactions per partner and week (weeks starting Monday) over days
/// `from..=to`.
pub async fn weekly_engagement(
    store: &Store,
    partner: Option<&str>,
    from: Day,
    to: Day,
) -> Result<Vec<(String, Day, i64)>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT partner_id, day, CAST(SUM(n) AS BIGINT) FROM partner_activity \
         WHERE kind IN ('login', 'interaction')",
    )
    .days(from, to);
    partner_clause(&mut sql, "partner_id", partner);
    sql.push(" GROUP BY partner_id, day");
    let mut per: BTreeMap<(String, Day), i64> = BTreeMap::new();
    for (p, day, n) in fetch_as!(store, (String, i64, i64), sql) {
        *per.entry((p, Day(day).week_start())).or_default() += n;
    }
    Ok(per.into_iter().map(|((p, d), n)| (p, d, n)).collect())
}

/// Training starts in `[from_ms, to_ms)` and every completion since `from_ms` (what the
/// completion rate pairs).
pub async fn training_events(
    store: &Store,
    partner: Option<&str>,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<TrainingEvent>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT partner_id, kind, detail, person, at FROM partner_activity WHERE day >= ")
        .bind(Bind::Int(Day::from_epoch_ms(from_ms).0))
        .push(" AND ((kind = 'training_started' AND at < ")
        .bind(Bind::Int(to_ms))
        .push(") OR kind = 'training_completed') AND at >= ")
        .bind(Bind::Int(from_ms));
    partner_clause(&mut sql, "partner_id", partner);
    Ok(fetch_as!(store, (String, String, String, String, i64), sql)
        .into_iter()
        .map(|(partner_id, kind, course, person, at_ms)| TrainingEvent {
            partner_id,
            course,
            person,
            completed: kind == "training_completed",
            at_ms,
        })
        .collect())
}

/// The current version of every deal (one partner, or all).
pub async fn deals(store: &Store, partner: Option<&str>) -> Result<Vec<DealRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT deal_id, partner_id, value_cents, currency, stage, at FROM partner_deals WHERE 1 = 1",
    );
    partner_clause(&mut sql, "partner_id", partner);
    sql.push(" ORDER BY deal_id");
    Ok(fetch_as!(store, DealRow, sql)
        .into_iter()
        .filter_map(DealRow::record)
        .collect())
}

/// The latest snapshot at or before `as_of_ms` of every (partner, SKU).
pub async fn inventory_latest(
    store: &Store,
    partner: Option<&str>,
    as_of_ms: i64,
) -> Result<Vec<InventorySnapshot>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT s.partner_id, s.sku, s.on_hand, s.reorder_level, s.at FROM inventory_snapshots s \
         JOIN (SELECT partner_id, sku, MAX(at) AS at FROM inventory_snapshots WHERE at <= ",
    )
    .bind(Bind::Int(as_of_ms));
    partner_clause(&mut sql, "partner_id", partner);
    sql.push(
        " GROUP BY partner_id, sku) m ON s.partner_id = m.partner_id AND s.sku = m.sku \
         AND s.at = m.at ORDER BY s.partner_id, s.sku",
    );
    Ok(fetch_as!(store, SnapshotRow, sql)
        .into_iter()
        .map(InventorySnapshot::from)
        .collect())
}

/// Every snapshot in `[from_ms, to_ms)`, by partner, SKU and time (for turnover).
pub async fn inventory_range(
    store: &Store,
    partner: Option<&str>,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<InventorySnapshot>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT partner_id, sku, on_hand, reorder_level, at FROM inventory_snapshots WHERE at >= ",
    )
    .bind(Bind::Int(from_ms))
    .push(" AND at < ")
    .bind(Bind::Int(to_ms));
    partner_clause(&mut sql, "partner_id", partner);
    sql.push(" ORDER BY partner_id, sku, at");
    Ok(fetch_as!(store, SnapshotRow, sql)
        .into_iter()
        .map(InventorySnapshot::from)
        .collect())
}

/// Partner tickets open at instant `at_ms` (created before it, not resolved by then), per
/// partner: those created before it less those resolved before it (a resolution never
/// precedes its ticket's creation), two counts over partial indexes.
pub async fn open_partner_tickets(
    store: &Store,
    partner: Option<&str>,
    at_ms: i64,
) -> Result<BTreeMap<String, i64>, StoreError> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    // The conditions match the partial indexes' own, so both planners use them.
    for (cond, sign) in [
        ("created_at < ", 1),
        ("resolved_at IS NOT NULL AND resolved_at < ", -1),
    ] {
        let mut sql = Sql::default();
        sql.push(&format!(
            "SELECT partner_id, COUNT(*) FROM tickets WHERE partner_id <> '' AND {cond}"
        ))
        .bind(Bind::Int(at_ms));
        partner_clause(&mut sql, "partner_id", partner);
        sql.push(" GROUP BY partner_id");
        for (p, n) in fetch_as!(store, (String, i64), sql) {
            *out.entry(p).or_default() += sign * n;
        }
    }
    out.retain(|_, n| *n > 0);
    Ok(out)
}
