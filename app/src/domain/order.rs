//! Orders, shared by the partner and the commerce views: validation of one record of
//! `POST /api/v1/orders`, and the additive counters its rollups keep. Pure.

use super::survey::{channel, dimension, external_id, string_or_number, timestamp, RecordError};
use serde::{Deserialize, Serialize};

/// Largest accepted amount or cost, in major units: a bound against unit mistakes, and low
/// enough (10¹¹ cents) that revenue sums over 90 million orders at the bound still fit in an
/// `i64`; past that the rollups saturate rather than wrap.
pub const MAX_AMOUNT: f64 = 1e9;

/// One order as it arrives, before validation. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct OrderInput {
    /// The source's order id (upsert key).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub ordered_at: Option<String>,
    pub promised_at: Option<String>,
    pub delivered_at: Option<String>,
    pub accurate: Option<bool>,
    pub returned: Option<bool>,
    pub category: Option<String>,
    pub channel: Option<String>,
    /// Cost of goods, when known (profit margin).
    pub cost: Option<f64>,
}

/// A validated order. Money is in minor units (cents) of `currency`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    pub external_id: String,
    pub customer_id: String,
    pub partner_id: String,
    pub amount_cents: i64,
    /// ISO 4217 code, upper case.
    pub currency: String,
    pub ordered_at_ms: i64,
    pub promised_at_ms: Option<i64>,
    pub delivered_at_ms: Option<i64>,
    /// `None` when the source does not say.
    pub accurate: Option<bool>,
    pub returned: bool,
    pub category: String,
    pub channel: String,
    pub cost_cents: Option<i64>,
}

fn money(field: &str, v: Option<f64>) -> Result<Option<i64>, RecordError> {
    match v {
        None => Ok(None),
        Some(x) if x.is_finite() && (0.0..=MAX_AMOUNT).contains(&x) => {
            Ok(Some((x * 100.0).round() as i64))
        }
        Some(_) => Err(RecordError::new(
            "invalid_amount",
            format!("`{field}` must be a number from 0 to {MAX_AMOUNT}"),
        )),
    }
}

/// A 3-letter ISO 4217 code, upper case; USD when absent.
pub(crate) fn currency(v: Option<&str>) -> Result<String, RecordError> {
    match v.map(str::trim) {
        None | Some("") => Ok("USD".to_string()),
        Some(c) if c.len() == 3 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
            Ok(c.to_ascii_uppercase())
        }
        Some(c) => Err(RecordError::new(
            "invalid_currency",
            format!("`currency` must be a 3-letter ISO 4217 code, got {c:?}"),
        )),
    }
}

impl OrderRecord {
    /// The UTC day the order was placed.
    pub fn day(&self) -> super::date::Day {
        super::date::Day::from_epoch_ms(self.ordered_at_ms)
    }

    /// Validates one input record. `now_ms` bounds timestamps from the future.
    pub fn validate(input: OrderInput, now_ms: i64) -> Result<OrderRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let amount_cents = money("amount", input.amount)?
            .ok_or_else(|| RecordError::new("missing_amount", "`amount` is required"))?;
        let currency = currency(input.currency.as_deref())?;
        let ordered_at_ms = timestamp("ordered_at", input.ordered_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`ordered_at` is required"))?;
        // A delivery date may be promised into the future; it still must parse and follow
        // the order.
        let promised_at_ms = timestamp("promised_at", input.promised_at.as_deref(), i64::MAX / 4)?;
        let delivered_at_ms = timestamp("delivered_at", input.delivered_at.as_deref(), now_ms)?;
        for (field, t) in [
            ("promised_at", promised_at_ms),
            ("delivered_at", delivered_at_ms),
        ] {
            if t.is_some_and(|t| t < ordered_at_ms) {
                return Err(RecordError::new(
                    "timestamp_order",
                    format!("`{field}` is before `ordered_at`"),
                ));
            }
        }
        Ok(OrderRecord {
            external_id,
            customer_id: dimension("customer_id", input.customer_id)?,
            partner_id: dimension("partner_id", input.partner_id)?,
            amount_cents,
            currency,
            ordered_at_ms,
            promised_at_ms,
            delivered_at_ms,
            accurate: input.accurate,
            returned: input.returned.unwrap_or(false),
            category: dimension("category", input.category)?,
            channel: channel(input.channel.as_deref())?,
            cost_cents: money("cost", input.cost)?,
        })
    }
}

/// Additive counters of a set of orders (one rollup row).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderAgg {
    pub orders: i64,
    pub revenue_cents: i64,
    pub returned: i64,
    /// Orders whose accuracy is known, and of those the accurate ones.
    pub accuracy_known: i64,
    pub accurate: i64,
    /// Delivered orders, and their summed lead time (order → delivery).
    pub delivered: i64,
    pub lead_ms_sum: i64,
    /// Delivered orders that had a promise, and of those the ones delivered by it.
    pub promise_known: i64,
    pub on_time: i64,
    /// Orders with a cost, and the revenue and cost of those (margin over like for like).
    pub costed: i64,
    pub costed_revenue_cents: i64,
    pub cost_cents: i64,
}

impl OrderAgg {
    /// The counters of one order.
    pub fn one(o: &OrderRecord) -> OrderAgg {
        let delivered = o.delivered_at_ms.is_some();
        let promise_known = delivered && o.promised_at_ms.is_some();
        OrderAgg {
            orders: 1,
            revenue_cents: o.amount_cents,
            returned: o.returned as i64,
            accuracy_known: o.accurate.is_some() as i64,
            accurate: (o.accurate == Some(true)) as i64,
            delivered: delivered as i64,
            lead_ms_sum: o.delivered_at_ms.map_or(0, |d| d - o.ordered_at_ms),
            promise_known: promise_known as i64,
            on_time: match (o.delivered_at_ms, o.promised_at_ms) {
                (Some(d), Some(p)) => (d <= p) as i64,
                _ => 0,
            },
            costed: o.cost_cents.is_some() as i64,
            costed_revenue_cents: o.cost_cents.map_or(0, |_| o.amount_cents),
            cost_cents: o.cost_cents.unwrap_or(0),
        }
    }

    /// Adds `o` times `sign` (−1 takes an order's contribution back).
    pub fn add(&mut self, o: &OrderAgg, sign: i64) {
        // Saturating: an overflowing sum pins at the bound, it never wraps to a negative.
        let add = |a: &mut i64, b: i64| *a = a.saturating_add(b.saturating_mul(sign));
        add(&mut self.orders, o.orders);
        add(&mut self.revenue_cents, o.revenue_cents);
        add(&mut self.returned, o.returned);
        add(&mut self.accuracy_known, o.accuracy_known);
        add(&mut self.accurate, o.accurate);
        add(&mut self.delivered, o.delivered);
        add(&mut self.lead_ms_sum, o.lead_ms_sum);
        add(&mut self.promise_known, o.promise_known);
        add(&mut self.on_time, o.on_time);
        add(&mut self.costed, o.costed);
        add(&mut self.costed_revenue_cents, o.costed_revenue_cents);
        add(&mut self.cost_cents, o.cost_cents);
    }

    fn pct(num: i64, den: i64) -> Option<f64> {
        (den > 0).then(|| 100.0 * num as f64 / den as f64)
    }

    /// Delivered by the promise, of delivered orders that had one (orders not yet delivered
    /// are not late yet, so they are left out).
    pub fn on_time_pct(&self) -> Option<f64> {
        Self::pct(self.on_time, self.promise_known)
    }

    /// Accurate orders, of those whose accuracy is known.
    pub fn accuracy_pct(&self) -> Option<f64> {
        Self::pct(self.accurate, self.accuracy_known)
    }

    /// Returned orders, of all orders.
    pub fn return_pct(&self) -> Option<f64> {
        Self::pct(self.returned, self.orders)
    }

    /// Mean order → delivery time of delivered orders, in seconds.
    pub fn lead_time_secs(&self) -> Option<f64> {
        (self.delivered > 0).then(|| self.lead_ms_sum as f64 / 1000.0 / self.delivered as f64)
    }

    /// Average order value, in major units.
    pub fn aov(&self) -> Option<f64> {
        (self.orders > 0).then(|| self.revenue_cents as f64 / 100.0 / self.orders as f64)
    }

    /// (revenue − cost) / revenue over the orders with a cost, in percent.
    pub fn margin_pct(&self) -> Option<f64> {
        (self.costed_revenue_cents > 0).then(|| {
            100.0 * (self.costed_revenue_cents - self.cost_cents) as f64
                / self.costed_revenue_cents as f64
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn input() -> OrderInput {
        OrderInput {
            id: Some("o1".into()),
            amount: Some(120.5),
            ordered_at: Some("2026-11-01T10:00:00Z".into()),
            ..OrderInput::default()
        }
    }

    fn order(f: impl FnOnce(&mut OrderInput)) -> OrderRecord {
        let mut i = input();
        f(&mut i);
        OrderRecord::validate(i, NOW).unwrap()
    }

    #[test]
    fn a_valid_order_is_normalised() {
        let o = order(|i| i.currency = Some("eur".into()));
        assert_eq!(o.amount_cents, 12_050);
        assert_eq!(o.currency, "EUR");
        assert!(!o.returned);
        assert_eq!(order(|_| {}).currency, "USD");
    }

    #[test]
    fn rollup_sums_saturate_instead_of_wrapping() {
        let big = OrderAgg {
            revenue_cents: i64::MAX - 5,
            ..Default::default()
        };
        let mut total = big;
        total.add(&big, 1);
        assert_eq!(total.revenue_cents, i64::MAX);
        total.add(&big, -1);
        assert!(total.revenue_cents >= 0);
    }

    #[test]
    fn bad_orders_get_stable_codes() {
        let code = |f: fn(&mut OrderInput)| {
            let mut i = input();
            f(&mut i);
            OrderRecord::validate(i, NOW).unwrap_err().code
        };
        assert_eq!(code(|i| i.amount = None), "missing_amount");
        assert_eq!(code(|i| i.amount = Some(-1.0)), "invalid_amount");
        assert_eq!(code(|i| i.amount = Some(f64::NAN)), "invalid_amount");
        assert_eq!(code(|i| i.cost = Some(-3.0)), "invalid_amount");
        assert_eq!(code(|i| i.amount = Some(1e10)), "invalid_amount");
        assert_eq!(code(|i| i.amount = Some(9.2e16)), "invalid_amount");
        assert_eq!(
            code(|i| i.currency = Some("euro".into())),
            "invalid_currency"
        );
        assert_eq!(code(|i| i.ordered_at = None), "missing_timestamp");
        assert_eq!(
            code(|i| i.delivered_at = Some("2026-10-01T00:00:00Z".into())),
            "timestamp_order"
        );
        assert_eq!(code(|i| i.channel = Some("fax".into())), "invalid_channel");
        assert_eq!(code(|i| i.id = None), "missing_id");
    }

    #[test]
    fn operations_metrics_match_hand_computed_values() {
        // On time: delivered by the promise; one late; one delivered without a promise;
        // one not delivered yet (neither on time nor late).
        let a = order(|i| {
            i.promised_at = Some("2026-11-05T00:00:00Z".into());
            i.delivered_at = Some("2026-11-03T10:00:00Z".into());
            i.accurate = Some(true);
            i.cost = Some(60.25);
        });
        let b = order(|i| {
            i.id = Some("o2".into());
            i.promised_at = Some("2026-11-02T00:00:00Z".into());
            i.delivered_at = Some("2026-11-04T10:00:00Z".into());
            i.accurate = Some(false);
            i.returned = Some(true);
        });
        let c = order(|i| {
            i.id = Some("o3".into());
            i.delivered_at = Some("2026-11-02T10:00:00Z".into());
        });
        let d = order(|i| {
            i.id = Some("o4".into());
            i.promised_at = Some("2026-12-24T00:00:00Z".into());
        });
        let mut agg = OrderAgg::default();
        for o in [&a, &b, &c, &d] {
            agg.add(&OrderAgg::one(o), 1);
        }
        assert_eq!(agg.on_time_pct(), Some(50.0));
        assert_eq!(agg.accuracy_pct(), Some(50.0));
        assert_eq!(agg.return_pct(), Some(25.0));
        // Lead times 2 d, 3 d, 1 d → mean 2 days.
        assert_eq!(agg.lead_time_secs(), Some(2.0 * 86_400.0));
        assert_eq!(agg.aov(), Some(120.5));
        // Margin over the costed order only: (120.50 − 60.25) / 120.50.
        assert_eq!(agg.margin_pct(), Some(50.0));
        // Taking an order back restores the rest exactly.
        agg.add(&OrderAgg::one(&b), -1);
        assert_eq!(agg.on_time_pct(), Some(100.0));
        assert_eq!(agg.orders, 3);
    }
}
