//! Order facts and their rollups. An upsert moves an order's rollup contribution
//! (−stored, +new) in the same transaction, so rollups always equal the facts.

use super::sql::{Bind, Sql};
use super::{Pool, Store, StoreError, Upserted};
use crate::store::BeginWrite;
use app::domain::order::{OrderAgg, OrderRecord};
use sqlx::QueryBuilder;
use std::collections::{BTreeMap, HashMap};

/// Rows per multi-row statement (15 binds each).
const CHUNK: usize = 200;

const COLUMNS: &str = "external_id, customer_id, partner_id, amount_cents, currency, ordered_at, \
     day, promised_at, delivered_at, accurate, returned, category, channel, cost_cents, ingested_at";

/// (dim, val, day, currency).
type RollupKey = (&'static str, String, i64, String);

fn rollup_dims(o: &OrderRecord) -> [(&'static str, &str); 4] {
    [
        ("", ""),
        ("channel", o.channel.as_str()),
        ("product_category", o.category.as_str()),
        ("partner", o.partner_id.as_str()),
    ]
}

fn apply(deltas: &mut BTreeMap<RollupKey, OrderAgg>, o: &OrderRecord, sign: i64) {
    let one = OrderAgg::one(o);
    for (dim, val) in rollup_dims(o) {
        deltas
            .entry((dim, val.to_string(), o.day().0, o.currency.clone()))
            .or_default()
            .add(&one, sign);
    }
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    external_id: String,
    customer_id: String,
    partner_id: String,
    amount_cents: i64,
    currency: String,
    ordered_at: i64,
    #[allow(dead_code)]
    day: i64,
    promised_at: Option<i64>,
    delivered_at: Option<i64>,
    accurate: Option<i64>,
    returned: i64,
    category: String,
    channel: String,
    cost_cents: Option<i64>,
    #[allow(dead_code)]
    ingested_at: i64,
}

impl From<OrderRow> for OrderRecord {
    fn from(r: OrderRow) -> OrderRecord {
        OrderRecord {
            external_id: r.external_id,
            customer_id: r.customer_id,
            partner_id: r.partner_id,
            amount_cents: r.amount_cents,
            currency: r.currency,
            ordered_at_ms: r.ordered_at,
            promised_at_ms: r.promised_at,
            delivered_at_ms: r.delivered_at,
            accurate: r.accurate.map(|a| a != 0),
            returned: r.returned != 0,
            category: r.category,
            channel: r.channel,
            cost_cents: r.cost_cents,
        }
    }
}

/// Upserts a validated batch in one transaction. An order equal to the stored one changes
/// nothing; a different one replaces it and moves its rollup contribution. Orders carry no
/// version, so arrival order decides, as in the source's own log.
pub async fn upsert_batch(
    store: &Store,
    records: Vec<OrderRecord>,
    now_ms: i64,
) -> Result<Upserted, StoreError> {
    let (records, repeated) = super::last_per_id(records, |r| r.external_id.as_str());
    let mut out = Upserted {
        unchanged: repeated,
        ..Upserted::default()
    };
    if records.is_empty() {
        return Ok(out);
    }
    let _w = store.write_guard().await;
    let postgres = matches!(store.pool(), Pool::Postgres(_));
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        if postgres {
            // Read-then-move needs the stored version to stay put until commit.
            sqlx::query("LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        let mut stored: HashMap<String, OrderRecord> = HashMap::new();
        for chunk in records.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("SELECT {COLUMNS} FROM orders WHERE external_id IN "));
            qb.push_tuples(chunk.iter(), |mut b, r| {
                b.push_bind(r.external_id.as_str());
            });
            for row in qb.build_query_as::<OrderRow>().fetch_all(&mut *tx).await? {
                let r = OrderRecord::from(row);
                stored.insert(r.external_id.clone(), r);
            }
        }
        let mut deltas: BTreeMap<RollupKey, OrderAgg> = BTreeMap::new();
        let mut changed: Vec<&OrderRecord> = Vec::new();
        for r in &records {
            match stored.get(&r.external_id) {
                Some(old) if old == r => out.unchanged += 1,
                Some(old) => {
                    apply(&mut deltas, old, -1);
                    apply(&mut deltas, r, 1);
                    out.updated += 1;
                    changed.push(r);
                }
                None => {
                    apply(&mut deltas, r, 1);
                    out.created += 1;
                    changed.push(r);
                }
            }
        }
        deltas.retain(|_, a| *a != OrderAgg::default());
        for chunk in changed.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(format!("INSERT INTO orders ({COLUMNS}) "));
            qb.push_values(chunk.iter(), |mut b, r| {
                b.push_bind(r.external_id.as_str())
                    .push_bind(r.customer_id.as_str())
                    .push_bind(r.partner_id.as_str())
                    .push_bind(r.amount_cents)
                    .push_bind(r.currency.as_str())
                    .push_bind(r.ordered_at_ms)
                    .push_bind(r.day().0)
                    .push_bind(r.promised_at_ms)
                    .push_bind(r.delivered_at_ms)
                    .push_bind(r.accurate.map(i64::from))
                    .push_bind(i64::from(r.returned))
                    .push_bind(r.category.as_str())
                    .push_bind(r.channel.as_str())
                    .push_bind(r.cost_cents)
                    .push_bind(now_ms);
            });
            qb.push(
                " ON CONFLICT (external_id) DO UPDATE SET customer_id = excluded.customer_id, \
                 partner_id = excluded.partner_id, amount_cents = excluded.amount_cents, \
                 currency = excluded.currency, ordered_at = excluded.ordered_at, day = excluded.day, \
                 promised_at = excluded.promised_at, delivered_at = excluded.delivered_at, \
                 accurate = excluded.accurate, returned = excluded.returned, \
                 category = excluded.category, channel = excluded.channel, \
                 cost_cents = excluded.cost_cents, ingested_at = excluded.ingested_at",
            );
            qb.build().execute(&mut *tx).await?;
        }
        let rollup: Vec<_> = deltas.iter().collect();
        for chunk in rollup.chunks(CHUNK) {
            let mut qb = QueryBuilder::new(
                "INSERT INTO order_rollup (dim, val, day, currency, orders, revenue_cents, returned, \
                 accuracy_known, accurate, delivered, lead_ms_sum, promise_known, on_time, costed, \
                 costed_revenue_cents, cost_cents) ",
            );
            qb.push_values(chunk.iter(), |mut b, ((dim, val, day, currency), a)| {
                b.push_bind(*dim)
                    .push_bind(val.as_str())
                    .push_bind(*day)
                    .push_bind(currency.as_str())
                    .push_bind(a.orders)
                    .push_bind(a.revenue_cents)
                    .push_bind(a.returned)
                    .push_bind(a.accuracy_known)
                    .push_bind(a.accurate)
                    .push_bind(a.delivered)
                    .push_bind(a.lead_ms_sum)
                    .push_bind(a.promise_known)
                    .push_bind(a.on_time)
                    .push_bind(a.costed)
                    .push_bind(a.costed_revenue_cents)
                    .push_bind(a.cost_cents);
            });
            qb.push(
                " ON CONFLICT (dim, val, day, currency) DO UPDATE SET \
                 orders = order_rollup.orders + excluded.orders, \
                 revenue_cents = order_rollup.revenue_cents + excluded.revenue_cents, \
                 returned = order_rollup.returned + excluded.returned, \
                 accuracy_known = order_rollup.accuracy_known + excluded.accuracy_known, \
                 accurate = order_rollup.accurate + excluded.accurate, \
                 delivered = order_rollup.delivered + excluded.delivered, \
                 lead_ms_sum = order_rollup.lead_ms_sum + excluded.lead_ms_sum, \
                 promise_known = order_rollup.promise_known + excluded.promise_known, \
                 on_time = order_rollup.on_time + excluded.on_time, \
                 costed = order_rollup.costed + excluded.costed, \
                 costed_revenue_cents = order_rollup.costed_revenue_cents + excluded.costed_revenue_cents, \
                 cost_cents = order_rollup.cost_cents + excluded.cost_cents",
            );
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        for r in &changed {
            out.touch(r.day().0, &r.partner_id);
        }
    });
    Ok(out)
}

/// The summed counters of a rollup selection, in [`OrderSums`] order.
const SUMS: &str = "CAST(SUM(orders) AS BIGINT) AS orders, \
     CAST(SUM(revenue_cents) AS BIGINT) AS revenue_cents, \
     CAST(SUM(returned) AS BIGINT) AS returned, \
     CAST(SUM(accuracy_known) AS BIGINT) AS accuracy_known, \
     CAST(SUM(accurate) AS BIGINT) AS accurate, CAST(SUM(delivered) AS BIGINT) AS delivered, \
     CAST(SUM(lead_ms_sum) AS BIGINT) AS lead_ms_sum, \
     CAST(SUM(promise_known) AS BIGINT) AS promise_known, \
     CAST(SUM(on_time) AS BIGINT) AS on_time, CAST(SUM(costed) AS BIGINT) AS costed, \
     CAST(SUM(costed_revenue_cents) AS BIGINT) AS costed_revenue_cents, \
     CAST(SUM(cost_cents) AS BIGINT) AS cost_cents";

/// One grouped rollup row: (dimension value, day or 0, currency, the counters of [`SUMS`]).
#[derive(sqlx::FromRow)]
struct OrderSums {
    val: String,
    day: i64,
    currency: String,
    orders: i64,
    revenue_cents: i64,
    returned: i64,
    accuracy_known: i64,
    accurate: i64,
    delivered: i64,
    lead_ms_sum: i64,
    promise_known: i64,
    on_time: i64,
    costed: i64,
    costed_revenue_cents: i64,
    cost_cents: i64,
}

impl OrderSums {
    fn agg(&self) -> OrderAgg {
        OrderAgg {
            orders: self.orders,
            revenue_cents: self.revenue_cents,
            returned: self.returned,
            accuracy_known: self.accuracy_known,
            accurate: self.accurate,
            delivered: self.delivered,
            lead_ms_sum: self.lead_ms_sum,
            promise_known: self.promise_known,
            on_time: self.on_time,
            costed: self.costed,
            costed_revenue_cents: self.costed_revenue_cents,
            cost_cents: self.cost_cents,
        }
    }
}

/// Rollup rows of `dim` over days `from..=to` (one value, or every value), summed per
/// value and currency, and per day too when `daily`.
async fn grouped(
    store: &Store,
    dim: &str,
    val: Option<&str>,
    from: i64,
    to: i64,
    daily: bool,
) -> Result<Vec<OrderSums>, StoreError> {
    let day = if daily { "day" } else { "CAST(0 AS BIGINT)" };
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT val, {day} AS day, currency, {SUMS} FROM order_rollup WHERE dim = "
    ))
    .bind(Bind::Text(dim.into()));
    if let Some(v) = val {
        sql.push(" AND val = ").bind(Bind::Text(v.into()));
    }
    sql.push(" AND day >= ")
        .bind(Bind::Int(from))
        .push(" AND day <= ")
        .bind(Bind::Int(to))
        .push(if daily {
            " GROUP BY val, day, currency HAVING SUM(orders) <> 0 ORDER BY val, day, currency"
        } else {
            " GROUP BY val, currency HAVING SUM(orders) <> 0 ORDER BY val, currency"
        });
    Ok(fetch_as!(store, OrderSums, sql))
}

/// Order counters per currency over days `from..=to`, from the rollup: all orders
/// (`dim = ""`) or one dimension value (`channel`, `product_category`, `partner`).
pub async fn totals(
    store: &Store,
    filter: Option<(&str, &str)>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, OrderAgg)>, StoreError> {
    let (dim, val) = filter.unwrap_or(("", ""));
    Ok(grouped(store, dim, Some(val), from, to, false)
        .await?
        .into_iter()
        .map(|r| (r.currency.clone(), r.agg()))
        .collect())
}

/// Order counters per value of `dim` (one value, or all) and currency over `from..=to`.
pub async fn per_value(
    store: &Store,
    dim: &str,
    val: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, OrderAgg)>, StoreError> {
    Ok(grouped(store, dim, val, from, to, false)
        .await?
        .into_iter()
        .map(|r| (r.val.clone(), r.currency.clone(), r.agg()))
        .collect())
}

/// Order counters per value of `dim` (one value, or all), day and currency over
/// `from..=to`: (value, day, currency, counters).
pub async fn daily_per_value(
    store: &Store,
    dim: &str,
    val: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, i64, String, OrderAgg)>, StoreError> {
    Ok(grouped(store, dim, val, from, to, true)
        .await?
        .into_iter()
        .map(|r| (r.val.clone(), r.day, r.currency.clone(), r.agg()))
        .collect())
}

/// Distinct customers with an order placed before `before_ms`, and of those, the ones
/// with an order on days `from..=to`.
pub async fn customers(
    store: &Store,
    before_ms: i64,
    from: i64,
    to: i64,
) -> Result<(i64, i64), StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(COALESCE(SUM(active), 0) AS BIGINT) FROM \
         (SELECT customer_id, MAX(CASE WHEN day >= ",
    )
    .bind(Bind::Int(from))
    .push(" AND day <= ")
    .bind(Bind::Int(to))
    .push(" THEN 1 ELSE 0 END) AS active FROM orders WHERE customer_id <> '' AND ordered_at < ")
    .bind(Bind::Int(before_ms))
    .push(" GROUP BY customer_id) c");
    Ok(fetch_as!(store, (i64, i64), sql)
        .into_iter()
        .next()
        .unwrap_or((0, 0)))
}

/// Every stored order placed on days `from..=to` (for checks against the rollup).
pub async fn facts(store: &Store, from: i64, to: i64) -> Result<Vec<OrderRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {COLUMNS} FROM orders WHERE day >= "))
        .bind(Bind::Int(from))
        .push(" AND day <= ")
        .bind(Bind::Int(to))
        .push(" ORDER BY external_id");
    Ok(fetch_as!(store, OrderRow, sql)
        .into_iter()
        .map(OrderRecord::from)
        .collect())
}

/// Every order with a customer placed before `before_ms`, lean, for the commerce figures
/// (first orders and lifetime counts need the history): (currency, fact).
pub async fn commerce_facts(
    store: &Store,
    before_ms: i64,
) -> Result<Vec<(String, app::domain::journey::commerce::OrderFact)>, StoreError> {
    let rows: Vec<(String, i64, i64, String, i64, String, String)> = dispatch!(store, p => sqlx::query_as(
        "SELECT customer_id, ordered_at, amount_cents, currency, returned, channel, category \
         FROM orders WHERE customer_id <> '' AND ordered_at < $1",
    )
    .bind(before_ms)
    .fetch_all(p)
    .await?);
    Ok(rows
        .into_iter()
        .map(
            |(customer, at, amount_cents, currency, returned, channel, category)| {
                (
                    currency,
                    app::domain::journey::commerce::OrderFact {
                        customer,
                        at,
                        amount_cents,
                        returned: returned != 0,
                        channel,
                        category,
                    },
                )
            },
        )
        .collect())
}
