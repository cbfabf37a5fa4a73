//! Support tickets: upserts that keep the rollups exact, and the reads behind the support
//! metrics. A ticket's contribution to the rollups (counts, sums, histogram buckets per
//! dimension value and created day) is taken back and re-added on every accepted update, so an
//! update moves the ticket, never double-counts it.

use super::sql::{Bind, Sql};
use super::{Pool, Store, StoreError, Upserted};
use crate::store::BeginWrite;
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::histogram::{bucket_of, Histogram};
use app::domain::query::Bucket;
use app::domain::support_trend::{weekday_hour, TrendBuilder};
use app::domain::ticket::{Priority, SupportAgg, TicketRecord, TicketStatus};
use app::domain::ticket_list::{StatusFilter, TicketListParams, TicketSort, PAGE_SIZE};
use app::model::support::{TicketListRow, WeekHourHeatmap};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};

const COLUMNS: &str = "external_id, created_at, updated_at, first_response_at, resolved_at, day, \
     status, priority, channel, customer_contacts, agent_replies, reopened, satisfaction, category, \
     customer_id, partner_id, segment, region, vip, ingested_at";
/// Rows per multi-row statement (20 binds each).
const CHUNK: usize = 200;

/// The dimensions a ticket is rolled up by, with their columns. `product_category` filters
/// map to the ticket's `category`.
pub const TICKET_DIMENSIONS: [(Dimension, &str); 5] = [
    (Dimension::Channel, "channel"),
    (Dimension::Segment, "segment"),
    (Dimension::ProductCategory, "category"),
    (Dimension::Region, "region"),
    (Dimension::Partner, "partner_id"),
];

/// What one upsert committed: the counts (days are created days; replays and
/// out-of-order older versions are `unchanged`) and the versions now stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpsertOutcome {
    pub counts: Upserted,
    /// (id, updated_at) of this batch's versions that are now the stored ones: those it
    /// stored and replays of the stored version.
    pub current: Vec<(String, i64)>,
}

/// Additive counters of one rollup row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub tickets: i64,
    pub resolved: i64,
    pub fcr: i64,
    pub csat_n: i64,
    pub csat_good: i64,
    pub frt_sum: i64,
    pub res_sum: i64,
}

impl Counters {
    fn add(&mut self, o: &Counters, sign: i64) {
        self.tickets += sign * o.tickets;
        self.resolved += sign * o.resolved;
        self.fcr += sign * o.fcr;
        self.csat_n += sign * o.csat_n;
        self.csat_good += sign * o.csat_good;
        self.frt_sum += sign * o.frt_sum;
        self.res_sum += sign * o.res_sum;
    }

    fn is_zero(&self) -> bool {
        *self == Counters::default()
    }
}

/// Rollup key: (dim, val, day).
type Key = (String, String, i64);
/// Histogram key: (dim, val, day, metric, bucket).
type HistKey = (String, String, i64, &'static str, i64);

/// Net changes to the rollups from a set of ticket moves.
#[derive(Debug, Default, PartialEq)]
pub struct Deltas {
    pub rollup: BTreeMap<Key, Counters>,
    pub hist: BTreeMap<HistKey, i64>,
    /// Done tickets by the day they left the backlog.
    pub done: BTreeMap<Key, i64>,
    /// Created tickets by (dim, val, day, UTC hour), for the weekday × hour heatmap.
    pub hour: BTreeMap<(String, String, i64, i64), i64>,
    /// The histogram buckets again by ISO week (keyed by its Monday), so long ranges read
    /// a seventh of the rows.
    pub hist_week: BTreeMap<HistKey, i64>,
}

impl Deltas {
    /// Adds (`sign = 1`) or takes back (`sign = -1`) one ticket's contribution.
    pub fn apply(&mut self, t: &TicketRecord, sign: i64) {
        let frt = t.first_response_secs();
        let res = t.resolution_secs();
        let fcr = t.first_contact_resolution();
        let c = Counters {
            tickets: 1,
            resolved: i64::from(fcr.is_some()),
            fcr: i64::from(fcr == Some(true)),
            csat_n: i64::from(t.satisfaction.is_some()),
            csat_good: i64::from(t.satisfaction.is_some_and(|s| s >= 4)),
            frt_sum: frt.unwrap_or(0).max(0),
            res_sum: res.unwrap_or(0).max(0),
        };
        let day = t.day().0;
        let values = [
            ("", ""),
            ("channel", t.channel.as_str()),
            ("segment", t.segment.as_str()),
            ("product_category", t.category.as_str()),
            ("region", t.region.as_str()),
            ("partner", t.partner_id.as_str()),
        ];
        let done_day = t
            .done_at_ms()
            .map(|ms| app::domain::date::Day::from_epoch_ms(ms).0);
        let hour = weekday_hour(t.created_at_ms).1 as i64;
        let week = Day(day).week_start().0;
        for (dim, val) in values {
            *self
                .hour
                .entry((dim.to_string(), val.to_string(), day, hour))
                .or_default() += sign;
            if let Some(d) = done_day {
                *self
                    .done
                    .entry((dim.to_string(), val.to_string(), d))
                    .or_default() += sign;
            }
            self.rollup
                .entry((dim.to_string(), val.to_string(), day))
                .or_default()
                .add(&c, sign);
            for (metric, secs) in [("frt", frt), ("res", res)] {
                if let Some(s) = secs {
                    let bucket = i64::from(bucket_of(s));
                    *self
                        .hist
                        .entry((dim.to_string(), val.to_string(), day, metric, bucket))
                        .or_default() += sign;
                    *self
                        .hist_week
                        .entry((dim.to_string(), val.to_string(), week, metric, bucket))
                        .or_default() += sign;
                }
            }
        }
    }

    /// Drops entries that cancelled out (an update that moved nothing).
    pub fn compact(&mut self) {
        self.rollup.retain(|_, c| !c.is_zero());
        self.hist.retain(|_, n| *n != 0);
        self.done.retain(|_, n| *n != 0);
        self.hour.retain(|_, n| *n != 0);
        self.hist_week.retain(|_, n| *n != 0);
    }
}

/// A stored ticket row.
#[derive(Debug, sqlx::FromRow)]
struct TicketRow {
    external_id: String,
    created_at: i64,
    updated_at: i64,
    first_response_at: Option<i64>,
    resolved_at: Option<i64>,
    status: String,
    priority: String,
    channel: String,
    customer_contacts: i64,
    agent_replies: i64,
    reopened: i64,
    satisfaction: Option<i64>,
    category: String,
    customer_id: Option<String>,
    partner_id: String,
    segment: String,
    region: String,
    vip: i64,
}

impl From<TicketRow> for TicketRecord {
    fn from(r: TicketRow) -> TicketRecord {
        TicketRecord {
            external_id: r.external_id,
            created_at_ms: r.created_at,
            updated_at_ms: r.updated_at,
            first_response_at_ms: r.first_response_at,
            resolved_at_ms: r.resolved_at,
            status: TicketStatus::parse(&r.status).unwrap_or(TicketStatus::Open),
            priority: Priority::parse(&r.priority).unwrap_or(Priority::Normal),
            channel: r.channel,
            customer_contacts: r.customer_contacts,
            agent_replies: r.agent_replies,
            reopened: r.reopened,
            satisfaction: r.satisfaction,
            category: r.category,
            customer_id: r.customer_id,
            partner_id: r.partner_id,
            segment: r.segment,
            region: r.region,
            vip: r.vip != 0,
        }
    }
}

/// Keeps the newest version of each id in a batch (the first of equal versions).
pub fn newest_per_id(records: Vec<TicketRecord>) -> (Vec<TicketRecord>, i64) {
    let total = records.len();
    let mut best: HashMap<String, TicketRecord> = HashMap::with_capacity(total);
    let mut order = Vec::with_capacity(total);
    for r in records {
        match best.get(&r.external_id) {
            Some(b) if !r.supersedes(b.updated_at_ms) => {}
            Some(_) => {
                best.insert(r.external_id.clone(), r);
            }
            None => {
                order.push(r.external_id.clone());
                best.insert(r.external_id.clone(), r);
            }
        }
    }
    let kept: Vec<TicketRecord> = order.iter().filter_map(|id| best.remove(id)).collect();
    let dropped = (total - kept.len()) as i64;
    (kept, dropped)
}

/// Upserts a validated batch in one transaction: newer versions replace stored tickets and
/// move their rollup contribution; older or equal versions change nothing.
pub async fn upsert_batch(
    store: &Store,
    records: Vec<TicketRecord>,
    now_ms: i64,
) -> Result<UpsertOutcome, StoreError> {
    let (records, repeated) = newest_per_id(records);
    let mut out = UpsertOutcome::default();
    out.counts.unchanged = repeated;
    if records.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    let postgres = matches!(store.pool(), Pool::Postgres(_));
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        if postgres {
            // Read-then-move needs the stored version to stay put until commit; ticket
            // upserts are rare next to reads, so one writer at a time is the simple, exact way.
            sqlx::query("LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let mut stored: HashMap<String, TicketRecord> = HashMap::new();
        for chunk in records.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM tickets WHERE external_id IN "));
            qb.push_tuples(chunk.iter(), |mut b, r| {
                b.push_bind(r.external_id.as_str());
            });
            for row in qb.build_query_as::<TicketRow>().fetch_all(&mut *tx).await? {
                let r = TicketRecord::from(row);
                stored.insert(r.external_id.clone(), r);
            }
        }
        let mut deltas = Deltas::default();
        let mut changed: Vec<&TicketRecord> = Vec::new();
        for r in &records {
            match stored.get(&r.external_id) {
                Some(old) if !r.supersedes(old.updated_at_ms) => {
                    out.counts.unchanged += 1;
                    // A replay of the stored version is still the current one.
                    if r.updated_at_ms == old.updated_at_ms {
                        out.current.push((r.external_id.clone(), r.updated_at_ms));
                    }
                }
                Some(old) => {
                    deltas.apply(old, -1);
                    deltas.apply(r, 1);
                    out.counts.updated += 1;
                    changed.push(r);
                }
                None => {
                    deltas.apply(r, 1);
                    out.counts.created += 1;
                    changed.push(r);
                }
            }
        }
        deltas.compact();
        for chunk in changed.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("INSERT INTO tickets ({COLUMNS}) "));
            qb.push_values(chunk.iter(), |mut b, r| {
                b.push_bind(r.external_id.as_str())
                    .push_bind(r.created_at_ms)
                    .push_bind(r.updated_at_ms)
                    .push_bind(r.first_response_at_ms)
                    .push_bind(r.resolved_at_ms)
                    .push_bind(r.day().0)
                    .push_bind(r.status.as_str())
                    .push_bind(r.priority.as_str())
                    .push_bind(r.channel.as_str())
                    .push_bind(r.customer_contacts)
                    .push_bind(r.agent_replies)
                    .push_bind(r.reopened)
                    .push_bind(r.satisfaction)
                    .push_bind(r.category.as_str())
                    .push_bind(r.customer_id.as_deref())
                    .push_bind(r.partner_id.as_str())
                    .push_bind(r.segment.as_str())
                    .push_bind(r.region.as_str())
                    .push_bind(i64::from(r.vip))
                    .push_bind(now_ms);
            });
            qb.push(
                " ON CONFLICT (external_id) DO UPDATE SET created_at = excluded.created_at, \
                 updated_at = excluded.updated_at, first_response_at = excluded.first_response_at, \
                 resolved_at = excluded.resolved_at, day = excluded.day, status = excluded.status, \
                 priority = excluded.priority, channel = excluded.channel, \
                 customer_contacts = excluded.customer_contacts, agent_replies = excluded.agent_replies, \
                 reopened = excluded.reopened, satisfaction = excluded.satisfaction, \
                 category = excluded.category, customer_id = excluded.customer_id, \
                 partner_id = excluded.partner_id, segment = excluded.segment, region = excluded.region, \
                 vip = excluded.vip, ingested_at = excluded.ingested_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        let rollup: Vec<_> = deltas.rollup.iter().collect();
        for chunk in rollup.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO ticket_rollup (dim, val, day, tickets, resolved, fcr, csat_n, csat_good, frt_sum, res_sum) ",
            );
            qb.push_values(chunk.iter(), |mut b, ((dim, val, day), c)| {
                b.push_bind(dim.as_str())
                    .push_bind(val.as_str())
                    .push_bind(*day)
                    .push_bind(c.tickets)
                    .push_bind(c.resolved)
                    .push_bind(c.fcr)
                    .push_bind(c.csat_n)
                    .push_bind(c.csat_good)
                    .push_bind(c.frt_sum)
                    .push_bind(c.res_sum);
            });
            qb.push(
                " ON CONFLICT (dim, val, day) DO UPDATE SET \
                 tickets = ticket_rollup.tickets + excluded.tickets, \
                 resolved = ticket_rollup.resolved + excluded.resolved, \
                 fcr = ticket_rollup.fcr + excluded.fcr, \
                 csat_n = ticket_rollup.csat_n + excluded.csat_n, \
                 csat_good = ticket_rollup.csat_good + excluded.csat_good, \
                 frt_sum = ticket_rollup.frt_sum + excluded.frt_sum, \
                 res_sum = ticket_rollup.res_sum + excluded.res_sum",
            );
            qb.build().execute(&mut *tx).await?;
        }
        for (table, period, rows) in [
            ("ticket_hist", "day", &deltas.hist),
            ("ticket_hist_week", "week", &deltas.hist_week),
        ] {
            let rows: Vec<_> = rows.iter().collect();
            for chunk in rows.chunks(CHUNK) {
                let mut qb = QueryBuilder::new(format!(
                    "INSERT INTO {table} (dim, val, {period}, metric, bucket, n) "
                ));
                qb.push_values(chunk.iter(), |mut b, ((dim, val, at, metric, bucket), n)| {
                    b.push_bind(dim.as_str())
                        .push_bind(val.as_str())
                        .push_bind(*at)
                        .push_bind(*metric)
                        .push_bind(*bucket)
                        .push_bind(**n);
                });
                qb.push(format!(
                    " ON CONFLICT (dim, val, {period}, metric, bucket) DO UPDATE SET n = {table}.n + excluded.n"
                ));
                qb.build().execute(&mut *tx).await?;
            }
        }
        let done: Vec<_> = deltas.done.iter().collect();
        for chunk in done.chunks(CHUNK) {
            let mut qb = QueryBuilder::new("INSERT INTO ticket_done (dim, val, day, n) ");
            qb.push_values(chunk.iter(), |mut b, ((dim, val, day), n)| {
                b.push_bind(dim.as_str())
                    .push_bind(val.as_str())
                    .push_bind(*day)
                    .push_bind(**n);
            });
            qb.push(" ON CONFLICT (dim, val, day) DO UPDATE SET n = ticket_done.n + excluded.n");
            qb.build().execute(&mut *tx).await?;
        }
        let hours: Vec<_> = deltas.hour.iter().collect();
        for chunk in hours.chunks(CHUNK) {
            let mut qb = QueryBuilder::new("INSERT INTO ticket_hour (dim, val, day, hour, n) ");
            qb.push_values(chunk.iter(), |mut b, ((dim, val, day, hour), n)| {
                b.push_bind(dim.as_str())
                    .push_bind(val.as_str())
                    .push_bind(*day)
                    .push_bind(*hour)
                    .push_bind(**n);
            });
            qb.push(" ON CONFLICT (dim, val, day, hour) DO UPDATE SET n = ticket_hour.n + excluded.n");
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for r in &changed {
            out.counts.touch(r.day().0, &r.partner_id);
            out.current.push((r.external_id.clone(), r.updated_at_ms));
        }
    });
    Ok(out)
}

/// The Mondays of the first and last ISO weeks lying wholly inside `from..=to`; an empty
/// span (`first > last`) when there is none.
pub fn full_weeks(from: i64, to: i64) -> (i64, i64) {
    let first = Day(from).plus_days(6).week_start().0;
    let last = Day(to).plus_days(1).week_start().0 - 7;
    if first > last {
        no_weeks(to)
    } else {
        (first, last)
    }
}

/// An empty span of weeks for a range ending `to`: every day then comes from the day table.
fn no_weeks(to: i64) -> (i64, i64) {
    (to + 1, to - 6)
}

/// A statement over [`hist_source`] with its six binds: dimension and value, the day range
/// and the whole-week span.
fn hist_sql(
    text: &str,
    (dim, val): (&str, &str),
    (from, to): (i64, i64),
    (wf, wl): (i64, i64),
) -> Sql {
    Sql {
        text: text.to_string(),
        binds: vec![
            Bind::Text(dim.to_string()),
            Bind::Text(val.to_string()),
            Bind::Int(from),
            Bind::Int(to),
            Bind::Int(wf),
            Bind::Int(wl),
        ],
    }
}

/// Histogram rows of `$1`/`$2` over days `$3..=$4`: whole weeks `$5..=$6` (Mondays) from the
/// week table selecting `week_cols`, the remaining days from the day table selecting
/// `day_cols` (both SQL text of ours, never input).
fn hist_source(week_cols: &str, day_cols: &str, extra: &str) -> String {
    format!(
        "SELECT {week_cols} FROM ticket_hist_week WHERE dim = $1 AND val = $2{extra} \
           AND week >= $5 AND week <= $6 \
         UNION ALL \
         SELECT {day_cols} FROM ticket_hist WHERE dim = $1 AND val = $2{extra} \
           AND day >= $3 AND day <= $4 AND (day < $5 OR day > $6 + 6)"
    )
}

/// The support aggregate over `from..=to` (created days) under at most one filter, read from
/// the rollups; `None` when more than one filter is set (the caller aggregates facts).
pub async fn support_from_rollups(
    store: &Store,
    filter: Option<(Dimension, &str)>,
    from: i64,
    to: i64,
) -> Result<SupportAgg, StoreError> {
    let (dim, val) = match filter {
        None => ("", ""),
        Some((d, v)) => (d.as_str(), v),
    };
    let sums: Option<(i64, i64, i64, i64, i64, i64, i64)> = dispatch!(store, p => sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(tickets), 0) AS BIGINT), CAST(COALESCE(SUM(resolved), 0) AS BIGINT), \
         CAST(COALESCE(SUM(fcr), 0) AS BIGINT), CAST(COALESCE(SUM(csat_n), 0) AS BIGINT), \
         CAST(COALESCE(SUM(csat_good), 0) AS BIGINT), CAST(COALESCE(SUM(frt_sum), 0) AS BIGINT), \
         CAST(COALESCE(SUM(res_sum), 0) AS BIGINT) \
         FROM ticket_rollup WHERE dim = $1 AND val = $2 AND day >= $3 AND day <= $4",
    )
    .bind(dim)
    .bind(val)
    .bind(from)
    .bind(to)
    .fetch_optional(p)
    .await?);
    let (tickets, resolved, fcr, csat_n, csat_good, frt_sum, res_sum) = sums.unwrap_or_default();
    let sql = hist_sql(
        &format!(
            "SELECT metric, bucket, CAST(SUM(n) AS BIGINT) FROM ({}) AS h GROUP BY metric, bucket",
            hist_source("metric, bucket, n", "metric, bucket, n", "")
        ),
        (dim, val),
        (from, to),
        full_weeks(from, to),
    );
    let buckets: Vec<(String, i64, i64)> = fetch_as!(store, (String, i64, i64), sql);
    let pick = |m: &str| {
        buckets
            .iter()
            .filter(|(metric, _, _)| metric == m)
            .map(|(_, b, n)| (i32::try_from(*b).unwrap_or(0), *n))
            .collect::<Vec<_>>()
    };
    Ok(SupportAgg {
        tickets,
        first_response: Histogram::from_parts(pick("frt"), frt_sum),
        resolution: Histogram::from_parts(pick("res"), res_sum),
        resolved,
        fcr,
        csat_n,
        csat_good,
    })
}

/// ` AND col = $n` for each ticket dimension filter (columns from a closed list).
fn push_filters(sql: &mut Sql, filters: &BTreeMap<Dimension, String>) {
    for (d, v) in filters {
        if let Some((_, col)) = TICKET_DIMENSIONS.iter().find(|(dim, _)| dim == d) {
            sql.push(&format!(" AND {col} = "))
                .bind(Bind::Text(v.clone()));
        }
    }
}

/// The tickets created on `from..=to` under any filters (the path for views the rollups
/// do not cover).
pub async fn facts(
    store: &Store,
    filters: &BTreeMap<Dimension, String>,
    from: i64,
    to: i64,
) -> Result<Vec<TicketRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {} FROM tickets WHERE 1 = 1",
        COLUMNS.replace(", ingested_at", "")
    ))
    .days(Day(from), Day(to));
    push_filters(&mut sql, filters);
    let rows: Vec<TicketRow> = fetch_as!(store, TicketRow, sql);
    Ok(rows.into_iter().map(TicketRecord::from).collect())
}

/// Fills a trend from the rollups under at most one filter: volume by channel per day, CSAT
/// per day, and the first-response histogram per trend bucket.
pub async fn trend_from_rollups(
    store: &Store,
    filter: Option<(Dimension, &str)>,
    trend: &mut TrendBuilder,
    from: i64,
    to: i64,
) -> Result<(), StoreError> {
    let (dim, val) = filter.map_or(("", ""), |(d, v)| (d.as_str(), v));
    let csat: Vec<(i64, i64, i64)> = dispatch!(store, p => sqlx::query_as(
        "SELECT day, csat_n, csat_good FROM ticket_rollup \
         WHERE dim = $1 AND val = $2 AND day >= $3 AND day <= $4",
    )
    .bind(dim)
    .bind(val)
    .bind(from)
    .bind(to)
    .fetch_all(p)
    .await?);
    for (day, n, good) in csat {
        trend.add_csat(Day(day), n, good);
    }
    let mut sql = Sql::default();
    match filter {
        Some((d, v)) if d != Dimension::Channel => {
            sql.push("SELECT day, channel, CAST(COUNT(*) AS BIGINT) FROM tickets WHERE 1 = 1")
                .days(Day(from), Day(to));
            push_filters(&mut sql, &BTreeMap::from([(d, v.to_string())]));
            sql.push(" GROUP BY day, channel");
        }
        _ => {
            sql.push("SELECT day, val, tickets FROM ticket_rollup WHERE dim = 'channel'")
                .days(Day(from), Day(to));
            if let Some((_, v)) = filter {
                sql.push(" AND val = ").bind(Bind::Text(v.to_string()));
            }
        }
    }
    for (day, channel, n) in fetch_as!(store, (i64, String, i64), sql) {
        if n != 0 {
            trend.add_channel(Day(day), &channel, n);
        }
    }
    // Bucket of a day: the day itself, or the latest bucket start not after it (starts are
    // computed here, never input).
    let starts = trend.starts().to_vec();
    let group = if starts.len() as i64 == to - from + 1 {
        "day".to_string()
    } else {
        let mut case = String::from("CASE");
        for s in starts.iter().rev() {
            case.push_str(&format!(" WHEN day >= {} THEN {}", s.0, s.0));
        }
        case.push_str(&format!(
            " ELSE {} END",
            starts.first().map_or(from, |d| d.0)
        ));
        case
    };
    // Weekly trends read whole weeks from the week table (a week is one bucket); other
    // buckets read days only.
    let weeks = if trend.bucket() == Bucket::Week {
        full_weeks(from, to)
    } else {
        no_weeks(to)
    };
    let source = hist_source(
        "week AS g, bucket, n",
        &format!("{group} AS g, bucket, n"),
        " AND metric = 'frt'",
    );
    // Counts per (trend bucket, histogram bucket): the median is taken in Rust, by the same
    // rule as the period's (a window function in SQL was several times slower).
    let sql = hist_sql(
        &format!(
            "SELECT g, bucket, CAST(SUM(n) AS BIGINT) FROM ({source}) AS s GROUP BY g, bucket"
        ),
        (dim, val),
        (from, to),
        weeks,
    );
    let counts: Vec<(i64, i64, i64)> = fetch_as!(store, (i64, i64, i64), sql);
    for (g, bucket, n) in counts {
        trend.add_frt_count(Day(g), i32::try_from(bucket).unwrap_or(0), n);
    }
    Ok(())
}

/// Tickets created on `from..=to` by UTC weekday × hour, from the hour rollup under at most
/// one filter.
pub async fn heatmap_from_rollups(
    store: &Store,
    filter: Option<(Dimension, &str)>,
    from: i64,
    to: i64,
) -> Result<WeekHourHeatmap, StoreError> {
    let (dim, val) = filter.map_or(("", ""), |(d, v)| (d.as_str(), v));
    let cells: Vec<(i64, i64, i64)> = dispatch!(store, p => sqlx::query_as(
        "SELECT CAST((day + 3) % 7 AS BIGINT), hour, CAST(SUM(n) AS BIGINT) FROM ticket_hour \
         WHERE dim = $1 AND val = $2 AND day >= $3 AND day <= $4 GROUP BY 1, 2",
    )
    .bind(dim)
    .bind(val)
    .bind(from)
    .bind(to)
    .fetch_all(p)
    .await?);
    let mut h = WeekHourHeatmap::empty();
    for (w, hour, n) in cells {
        if let (Ok(w), Ok(hour)) = (usize::try_from(w), usize::try_from(hour)) {
            h.add(w, hour, n);
        }
    }
    Ok(h)
}

/// The list's rows: created on `from..=to` (a creation-time range equals the day range and
/// lets one index serve both the filter and the default order, so a page stops after fifty
/// rows), under the filters and the list's own narrowing.
fn push_list_where(
    sql: &mut Sql,
    filters: &BTreeMap<Dimension, String>,
    from: i64,
    to: i64,
    params: &TicketListParams,
) {
    sql.push(" AND created_at >= ")
        .bind(Bind::Int(Day(from).start_ms()))
        .push(" AND created_at < ")
        .bind(Bind::Int(Day(to).plus_days(1).start_ms()));
    push_filters(sql, filters);
    match params.status {
        Some(StatusFilter::Is(s)) => {
            sql.push(" AND status = ")
                .bind(Bind::Text(s.as_str().into()));
        }
        Some(StatusFilter::Unresolved) => {
            sql.push(" AND status NOT IN ('solved', 'closed')");
        }
        Some(StatusFilter::Resolved) => {
            sql.push(" AND status IN ('solved', 'closed')");
        }
        None => {}
    }
    if !params.priorities.is_empty() {
        sql.push(" AND priority IN (");
        for (i, p) in params.priorities.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Bind::Text(p.as_str().into()));
        }
        sql.push(")");
    }
    if let Some(w) = params.weekday {
        sql.push(" AND (created_at / 86400000 + 3) % 7 = ")
            .bind(Bind::Int(w));
    }
    if let Some(h) = params.hour {
        sql.push(" AND (created_at / 3600000) % 24 = ")
            .bind(Bind::Int(h));
    }
}

/// How many tickets the list under these parameters holds in all (its total).
pub async fn list_count(
    store: &Store,
    filters: &BTreeMap<Dimension, String>,
    from: i64,
    to: i64,
    params: &TicketListParams,
) -> Result<i64, StoreError> {
    let mut count = Sql::default();
    count.push("SELECT CAST(COUNT(*) AS BIGINT) FROM tickets WHERE 1 = 1");
    push_list_where(&mut count, filters, from, to, params);
    Ok(fetch_as!(store, (i64,), count).first().map_or(0, |r| r.0))
}

/// One page of the tickets created on `from..=to` under the filters and the list's own
/// narrowing, sorted with empty values last and the id as tie-break; with the total.
pub async fn list(
    store: &Store,
    filters: &BTreeMap<Dimension, String>,
    from: i64,
    to: i64,
    params: &TicketListParams,
) -> Result<(i64, Vec<TicketListRow>), StoreError> {
    let (expr, nullable) = match params.sort {
        TicketSort::Created => ("created_at", false),
        TicketSort::Updated => ("updated_at", false),
        TicketSort::FirstResponse => ("(first_response_at - created_at)", true),
        TicketSort::Resolution => ("(resolved_at - created_at)", true),
        TicketSort::Priority => (
            "CASE priority WHEN 'urgent' THEN 4 WHEN 'high' THEN 3 WHEN 'normal' THEN 2 ELSE 1 END",
            false,
        ),
        TicketSort::Status => (
            "CASE status WHEN 'new' THEN 1 WHEN 'open' THEN 2 WHEN 'pending' THEN 3 WHEN 'solved' THEN 4 ELSE 5 END",
            false,
        ),
        TicketSort::Channel => ("channel", false),
        TicketSort::Satisfaction => ("satisfaction", true),
    };
    let dir = if params.desc { "DESC" } else { "ASC" };
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {} FROM tickets WHERE 1 = 1",
        COLUMNS.replace(", ingested_at", "")
    ));
    push_list_where(&mut sql, filters, from, to, params);
    let nulls_last = if nullable {
        format!("CASE WHEN {expr} IS NULL THEN 1 ELSE 0 END, ")
    } else {
        String::new()
    };
    sql.push(&format!(
        " ORDER BY {nulls_last}{expr} {dir}, external_id {dir} LIMIT "
    ))
    .bind(Bind::Int(PAGE_SIZE))
    .push(" OFFSET ")
    .bind(Bind::Int(params.offset()));
    // The count and the page are independent reads: side by side.
    let (total, rows) = tokio::try_join!(list_count(store, filters, from, to, params), async {
        Ok::<_, StoreError>(fetch_as!(store, TicketRow, sql))
    },)?;
    let rows = rows
        .into_iter()
        .map(|r| {
            let t = TicketRecord::from(r);
            TicketListRow {
                first_response_secs: t.first_response_secs(),
                resolution_secs: t.resolution_secs(),
                id: t.external_id,
                created_at: t.created_at_ms,
                updated_at: t.updated_at_ms,
                status: t.status.as_str().into(),
                priority: t.priority.as_str().into(),
                channel: t.channel,
                satisfaction: t.satisfaction,
                category: t.category,
                customer_id: t.customer_id,
                partner_id: t.partner_id,
                segment: t.segment,
                region: t.region,
                vip: t.vip,
            }
        })
        .collect();
    Ok((total, rows))
}

/// Tickets open at the end of `day` (created by then, not solved/closed by then) under
/// filters: Σ created − Σ done from the rollups with at most one filter, else from facts.
pub async fn backlog_at(
    store: &Store,
    filters: &BTreeMap<Dimension, String>,
    day: i64,
) -> Result<i64, StoreError> {
    if filters.len() <= 1 {
        let (dim, val) = filters
            .iter()
            .next()
            .map_or(("", ""), |(d, v)| (d.as_str(), v.as_str()));
        let n: (i64,) = dispatch!(store, p => sqlx::query_as(
            "SELECT CAST(COALESCE((SELECT SUM(tickets) FROM ticket_rollup WHERE dim = $1 AND val = $2 AND day <= $3), 0)              - COALESCE((SELECT SUM(n) FROM ticket_done WHERE dim = $1 AND val = $2 AND day <= $3), 0) AS BIGINT)",
        )
        .bind(dim)
        .bind(val)
        .bind(day)
        .fetch_one(p)
        .await?);
        return Ok(n.0);
    }
    let end_ms = Day(day).plus_days(1).start_ms();
    let mut sql = Sql::default();
    sql.push("SELECT CAST(COUNT(*) AS BIGINT) FROM tickets WHERE created_at < ")
        .bind(Bind::Int(end_ms))
        .push(" AND NOT (status IN ('solved', 'closed') AND COALESCE(resolved_at, updated_at) < ")
        .bind(Bind::Int(end_ms))
        .push(")");
    push_filters(&mut sql, filters);
    let rows: Vec<(i64,)> = fetch_as!(store, (i64,), sql);
    Ok(rows.first().map_or(0, |r| r.0))
}

/// Number of stored tickets.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    let n: (i64,) =
        dispatch!(store, p => sqlx::query_as("SELECT COUNT(*) FROM tickets").fetch_one(p).await?);
    Ok(n.0)
}

/// Daily counter rows `(day, [tickets, resolved, fcr, csat_n, csat_good, frt_sum, res_sum])`
/// of one dimension value (`None`: totals) over `from..=to`, and, when `hist`, its daily
/// histogram buckets `(day, metric, bucket, n)`: the alert engine reads a span once and sums
/// its many windows in memory.
pub async fn daily_rollups(
    store: &Store,
    filter: Option<(Dimension, &str)>,
    from: i64,
    to: i64,
    hist: bool,
) -> Result<DailyRollups, StoreError> {
    let (dim, val) = match filter {
        None => ("", ""),
        Some((d, v)) => (d.as_str(), v),
    };
    let counters: Vec<CounterRow> = dispatch!(store, p => sqlx::query_as(
        "SELECT day, tickets, resolved, fcr, csat_n, csat_good, frt_sum, res_sum FROM ticket_rollup \
         WHERE dim = $1 AND val = $2 AND day >= $3 AND day <= $4",
    )
    .bind(dim)
    .bind(val)
    .bind(from)
    .bind(to)
    .fetch_all(p)
    .await?);
    let buckets: Vec<(i64, String, i64, i64)> = if hist {
        dispatch!(store, p => sqlx::query_as(
            "SELECT day, metric, bucket, n FROM ticket_hist \
             WHERE dim = $1 AND val = $2 AND day >= $3 AND day <= $4",
        )
        .bind(dim)
        .bind(val)
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await?)
    } else {
        Vec::new()
    };
    Ok(DailyRollups {
        counters: counters
            .into_iter()
            .map(|(d, a, b, c, e, f, g, h)| (d, [a, b, c, e, f, g, h]))
            .collect(),
        buckets,
    })
}

/// `(day, tickets, resolved, fcr, csat_n, csat_good, frt_sum, res_sum)`.
type CounterRow = (i64, i64, i64, i64, i64, i64, i64, i64);

/// What [`daily_rollups`] reads.
#[derive(Clone, Debug, Default)]
pub struct DailyRollups {
    /// `(day, [tickets, resolved, fcr, csat_n, csat_good, frt_sum, res_sum])`.
    pub counters: Vec<(i64, [i64; 7])>,
    /// `(day, metric, bucket, n)`, metric `frt` or `res`.
    pub buckets: Vec<(i64, String, i64, i64)>,
}

impl DailyRollups {
    /// The support aggregate of the days `from..=to`.
    pub fn sum(&self, from: i64, to: i64) -> SupportAgg {
        let mut c = [0i64; 7];
        for (_, row) in self.counters.iter().filter(|(d, _)| *d >= from && *d <= to) {
            for (acc, v) in c.iter_mut().zip(row) {
                *acc += v;
            }
        }
        let mut frt: BTreeMap<i32, i64> = BTreeMap::new();
        let mut res: BTreeMap<i32, i64> = BTreeMap::new();
        for (_, metric, bucket, n) in self.buckets.iter().filter(|(d, ..)| *d >= from && *d <= to) {
            let b = i32::try_from(*bucket).unwrap_or(0);
            match metric.as_str() {
                "frt" => *frt.entry(b).or_default() += n,
                "res" => *res.entry(b).or_default() += n,
                _ => {}
            }
        }
        SupportAgg {
            tickets: c[0],
            resolved: c[1],
            fcr: c[2],
            csat_n: c[3],
            csat_good: c[4],
            first_response: Histogram::from_parts(frt, c[5]),
            resolution: Histogram::from_parts(res, c[6]),
        }
    }
}

/// Values of `by` with tickets created on `from..=to` (from the rollups).
pub async fn rollup_values(
    store: &Store,
    by: Dimension,
    from: i64,
    to: i64,
) -> Result<Vec<String>, StoreError> {
    Ok(dispatch!(store, p => sqlx::query_scalar(
        "SELECT DISTINCT val FROM ticket_rollup WHERE dim = $1 AND day >= $2 AND day <= $3 \
         AND tickets > 0 ORDER BY val LIMIT 200",
    )
    .bind(by.as_str())
    .bind(from)
    .bind(to)
    .fetch_all(p)
    .await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::ticket::TicketInput;

    fn t(id: &str, updated: &str, resolved: Option<&str>, channel: &str) -> TicketRecord {
        TicketRecord::validate(
            TicketInput {
                id: Some(id.into()),
                created_at: Some("2026-11-01T10:00:00Z".into()),
                updated_at: Some(updated.into()),
                first_response_at: Some("2026-11-01T10:10:00Z".into()),
                resolved_at: resolved.map(Into::into),
                channel: Some(channel.into()),
                ..TicketInput::default()
            },
            1_795_000_000_000,
        )
        .unwrap()
    }

    #[test]
    fn an_update_moves_the_contribution_and_a_no_op_update_moves_nothing() {
        let open = t("a", "2026-11-01T10:10:00Z", None, "email");
        let solved = t(
            "a",
            "2026-11-01T12:00:00Z",
            Some("2026-11-01T12:00:00Z"),
            "chat",
        );
        let mut d = Deltas::default();
        d.apply(&open, -1);
        d.apply(&solved, 1);
        d.compact();
        let total = d.rollup[&(String::new(), String::new(), open.day().0)];
        assert_eq!(total.tickets, 0, "still one ticket");
        assert_eq!((total.resolved, total.fcr, total.res_sum), (1, 1, 7_200));
        assert_eq!(
            d.rollup[&("channel".into(), "email".into(), open.day().0)].tickets,
            -1
        );
        assert_eq!(
            d.rollup[&("channel".into(), "chat".into(), open.day().0)].tickets,
            1
        );
        let mut same = Deltas::default();
        same.apply(&open, -1);
        same.apply(&open, 1);
        same.compact();
        assert_eq!(same, Deltas::default());
    }

    #[test]
    fn whole_weeks_inside_a_range() {
        let d = |s: &str| Day::parse(s).unwrap().0;
        // Wed 2026-11-04 .. Tue 2026-11-24: whole weeks start Mon 11-09 and Mon 11-16.
        assert_eq!(
            full_weeks(d("2026-11-04"), d("2026-11-24")),
            (d("2026-11-09"), d("2026-11-16"))
        );
        // Mon 11-02 .. Sun 11-08 is exactly one week.
        assert_eq!(
            full_weeks(d("2026-11-02"), d("2026-11-08")),
            (d("2026-11-02"), d("2026-11-02"))
        );
        // No whole week: an empty span past the range.
        let (a, b) = full_weeks(d("2026-11-03"), d("2026-11-08"));
        assert!(a > b && a > d("2026-11-08"));
    }

    #[test]
    fn a_batch_keeps_the_newest_version_of_each_ticket() {
        let old = t("a", "2026-11-01T10:10:00Z", None, "email");
        let new = t("a", "2026-11-01T12:00:00Z", None, "chat");
        let other = t("b", "2026-11-01T10:10:00Z", None, "email");
        let (kept, dropped) = newest_per_id(vec![new.clone(), other.clone(), old]);
        assert_eq!(kept, vec![new, other]);
        assert_eq!(dropped, 1);
    }
}
