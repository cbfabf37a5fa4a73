//! Commerce figures from orders and marketing spend (`domain/catalogue.rs`, family commerce), in one reporting currency.
//!
//! - AOV = revenue / orders in the range.
//! - Repeat purchase rate = of the customers who ordered in the range, those with two or more
//!   orders by the range's end (lifetime), %.
//! - Return rate = returned orders / orders in the range, %.
//! - New customers = customers whose first order ever falls in the range.
//! - CAC = marketing spend in the range / new customers. Spend of a period that only partly
//!   overlaps the range counts pro rata by days.
//! - CLV = AOV × purchase frequency × expected lifespan, all over the 365 days ending with the
//!   range: AOV of those orders, frequency = orders per ordering customer per year, and the
//!   lifespan in years (configured; default [`DEFAULT_LIFESPAN_YEARS`]).
//! - CLV:CAC = CLV / CAC.

use crate::domain::date::{Day, MS_PER_DAY};
use crate::domain::survey::{RecordError, MAX_DIMENSION_LEN};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// Expected customer lifespan used by CLV unless configured.
pub const DEFAULT_LIFESPAN_YEARS: f64 = 3.0;

/// One order as the commerce figures need it (money in minor units of one currency).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderFact {
    pub customer: String,
    pub at: i64,
    pub amount_cents: i64,
    pub returned: bool,
    pub channel: String,
    /// The order's product category (empty when the source does not say).
    pub category: String,
}

/// Marketing spend over whole days `from..to` (end exclusive), minor units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpendFact {
    pub from: Day,
    pub to: Day,
    pub channel: String,
    pub amount_cents: i64,
}

impl SpendFact {
    /// The part of the spend falling in `[from, to)` (epoch ms), pro rata by days.
    pub fn within(&self, from: i64, to: i64) -> f64 {
        let days = (self.to.0 - self.from.0).max(1);
        let a = self.from.0.max(Day::from_epoch_ms(from).0);
        // A range ending mid-day counts that day.
        let b = self.to.0.min(Day::from_epoch_ms(to - 1).0 + 1);
        if b <= a {
            return 0.0;
        }
        self.amount_cents as f64 * (b - a) as f64 / days as f64
    }
}

/// Sales of one channel over the range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChannelSales {
    pub channel: String,
    pub orders: i64,
    /// Major units.
    pub revenue: f64,
    pub aov: Option<f64>,
    /// Spend in the range, major units.
    pub spend: f64,
    /// Customers whose first order, in the range, came through this channel.
    pub new_customers: i64,
    pub cac: Option<f64>,
}

/// The order-side commerce figures of a range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OrderFigures {
    pub orders: i64,
    /// Major units.
    pub revenue: f64,
    pub aov: Option<f64>,
    /// Distinct customers who ordered in the range.
    pub customers: i64,
    pub new_customers: i64,
    pub repeat_purchase_pct: Option<f64>,
    pub return_rate_pct: Option<f64>,
    /// Orders per ordering customer over the trailing year.
    pub purchase_frequency: Option<f64>,
    pub lifespan_years: f64,
    /// Major units.
    pub clv: Option<f64>,
    /// Spend in the range, major units.
    pub spend: f64,
    pub cac: Option<f64>,
    pub clv_cac: Option<f64>,
    pub channels: Vec<ChannelSales>,
}

/// Computes the order figures for `[from, to)`. `orders` holds every order before `to` (for
/// first orders and lifetime counts); order does not matter.
pub fn order_figures(
    orders: &[OrderFact],
    spend: &[SpendFact],
    from: i64,
    to: i64,
    lifespan_years: f64,
) -> OrderFigures {
    order_figures_where(orders, spend, from, to, lifespan_years, |_| true)
}

/// [`order_figures`] over the orders `keep` admits (by position in `orders`): a drill-down by
/// channel, category, segment or region. Every order still decides who is new: a customer is
/// new in the range when their first order ever falls in it and is admitted (a first order
/// through the channel, as the per-channel CAC counts it). Repeat purchase counts admitted
/// orders.
pub fn order_figures_where(
    orders: &[OrderFact],
    spend: &[SpendFact],
    from: i64,
    to: i64,
    lifespan_years: f64,
    keep: impl Fn(usize) -> bool,
) -> OrderFigures {
    struct Customer {
        first_at: i64,
        first_channel: String,
        first_kept: bool,
        lifetime: i64,
        in_range: bool,
        in_year: bool,
    }
    let year_from = to - 365 * MS_PER_DAY;
    let mut customers: FxHashMap<&str, Customer> = FxHashMap::default();
    let mut f = OrderFigures {
        lifespan_years,
        ..Default::default()
    };
    let (mut revenue_cents, mut returned) = (0i64, 0i64);
    let (mut year_orders, mut year_cents) = (0i64, 0i64);
    let mut channels: FxHashMap<&str, (i64, i64)> = FxHashMap::default();
    for (i, o) in orders.iter().enumerate().filter(|(_, o)| o.at < to) {
        let kept = keep(i);
        let c = customers.entry(o.customer.as_str()).or_insert(Customer {
            first_at: o.at,
            first_channel: o.channel.clone(),
            first_kept: kept,
            lifetime: 0,
            in_range: false,
            in_year: false,
        });
        if o.at < c.first_at {
            c.first_at = o.at;
            c.first_channel = o.channel.clone();
            c.first_kept = kept;
        }
        if !kept {
            continue;
        }
        c.lifetime += 1;
        if o.at >= year_from {
            c.in_year = true;
            year_orders += 1;
            year_cents += o.amount_cents;
        }
        if o.at >= from {
            c.in_range = true;
            f.orders += 1;
            revenue_cents += o.amount_cents;
            returned += o.returned as i64;
            let ch = channels.entry(o.channel.as_str()).or_default();
            ch.0 += 1;
            ch.1 += o.amount_cents;
        }
    }
    let pct = |a: i64, b: i64| (b > 0).then(|| a as f64 * 100.0 / b as f64);
    f.revenue = revenue_cents as f64 / 100.0;
    f.aov = (f.orders > 0).then(|| f.revenue / f.orders as f64);
    f.return_rate_pct = pct(returned, f.orders);
    let mut repeat = 0;
    let mut year_customers = 0;
    let mut new_by_channel: FxHashMap<&str, i64> = FxHashMap::default();
    for c in customers.values() {
        if c.in_range {
            f.customers += 1;
            repeat += (c.lifetime >= 2) as i64;
        }
        if c.first_at >= from && c.first_kept {
            f.new_customers += 1;
            *new_by_channel.entry(c.first_channel.as_str()).or_default() += 1;
        }
        year_customers += c.in_year as i64;
    }
    f.repeat_purchase_pct = pct(repeat, f.customers);
    f.purchase_frequency = (year_customers > 0).then(|| year_orders as f64 / year_customers as f64);
    let year_aov = (year_orders > 0).then(|| year_cents as f64 / 100.0 / year_orders as f64);
    f.clv = match (year_aov, f.purchase_frequency) {
        (Some(a), Some(q)) => Some(a * q * lifespan_years),
        _ => None,
    };
    let mut spend_by_channel: FxHashMap<&str, f64> = FxHashMap::default();
    for s in spend {
        let v = s.within(from, to) / 100.0;
        f.spend += v;
        *spend_by_channel.entry(s.channel.as_str()).or_default() += v;
    }
    f.cac = (f.new_customers > 0 && f.spend > 0.0).then(|| f.spend / f.new_customers as f64);
    f.clv_cac = match (f.clv, f.cac) {
        (Some(l), Some(c)) if c > 0.0 => Some(l / c),
        _ => None,
    };
    let mut names: Vec<&str> = channels
        .keys()
        .chain(spend_by_channel.keys())
        .copied()
        .collect();
    names.sort_unstable();
    names.dedup();
    f.channels = names
        .into_iter()
        .map(|name| {
            let (orders, cents) = channels.get(name).copied().unwrap_or_default();
            let spend = spend_by_channel.get(name).copied().unwrap_or_default();
            let new_customers = new_by_channel.get(name).copied().unwrap_or_default();
            ChannelSales {
                channel: name.to_string(),
                orders,
                revenue: cents as f64 / 100.0,
                aov: (orders > 0).then(|| cents as f64 / 100.0 / orders as f64),
                spend,
                new_customers,
                cac: (new_customers > 0 && spend > 0.0).then(|| spend / new_customers as f64),
            }
        })
        .collect();
    f.channels.sort_by(|a, b| {
        b.revenue
            .total_cmp(&a.revenue)
            .then(a.channel.cmp(&b.channel))
    });
    f
}

/// One marketing spend record as sent to `POST /api/v1/marketing-spend`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendInput {
    /// `2026-11` (a month), `2026-11-02` (a day) or `2026-11-01/2026-11-15` (inclusive).
    pub period: Option<String>,
    pub channel: Option<String>,
    /// Major units.
    pub amount: Option<f64>,
    /// ISO 4217; USD when absent.
    pub currency: Option<String>,
}

/// One validated marketing spend record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpendRecord {
    /// As given, trimmed: the upsert key with `channel`.
    pub period: String,
    pub channel: String,
    pub from: Day,
    /// Exclusive.
    pub to: Day,
    pub currency: String,
    pub amount_cents: i64,
}

/// Parses a spend period into whole days `from..to` (end exclusive).
pub fn parse_period(s: &str) -> Option<(Day, Day)> {
    let s = s.trim();
    if let Some((a, b)) = s.split_once('/') {
        let (a, b) = (Day::parse(a.trim())?, Day::parse(b.trim())?);
        return (a <= b && b.0 - a.0 < 366).then(|| (a, b.plus_days(1)));
    }
    if s.len() == 7 {
        let start = Day::parse(&format!("{s}-01"))?;
        return Some((start, start.plus_days(32).month_start()));
    }
    let d = Day::parse(s)?;
    Some((d, d.plus_days(1)))
}

impl SpendRecord {
    /// Validates one input record.
    pub fn validate(i: SpendInput) -> Result<SpendRecord, RecordError> {
        let period = i.period.as_deref().map(str::trim).unwrap_or("");
        if period.is_empty() {
            return Err(RecordError::new("missing_period", "`period` is required"));
        }
        let (from, to) = parse_period(period).ok_or_else(|| {
            RecordError::new(
                "invalid_period",
                format!("`period` must be YYYY-MM, YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD (up to a year), got {period:?}"),
            )
        })?;
        let channel = i
            .channel
            .as_deref()
            .map(|c| c.trim().to_lowercase())
            .unwrap_or_default();
        if channel.is_empty() {
            return Err(RecordError::new("missing_channel", "`channel` is required"));
        }
        if channel.chars().count() > MAX_DIMENSION_LEN {
            return Err(RecordError::new(
                "invalid_channel",
                format!("`channel` is longer than {MAX_DIMENSION_LEN} characters"),
            ));
        }
        let amount = i
            .amount
            .ok_or_else(|| RecordError::new("missing_amount", "`amount` is required"))?;
        if !amount.is_finite() || !(0.0..1e13).contains(&amount) {
            return Err(RecordError::new(
                "invalid_amount",
                format!("`amount` must be a number from 0, got {amount}"),
            ));
        }
        Ok(SpendRecord {
            period: period.to_string(),
            channel,
            from,
            to,
            currency: crate::domain::order::currency(i.currency.as_deref())?,
            amount_cents: (amount * 100.0).round() as i64,
        })
    }
}

/// The commerce metrics with targets, by API id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommerceMetric {
    ConversionRate,
    Aov,
    CartAbandonment,
    RepeatPurchaseRate,
    ReturnRate,
    ChurnRate,
    Clv,
    Cac,
    ClvCacRatio,
}

impl CommerceMetric {
    /// Every metric, in page order.
    pub const ALL: [CommerceMetric; 9] = [
        Self::ConversionRate,
        Self::Aov,
        Self::CartAbandonment,
        Self::RepeatPurchaseRate,
        Self::ReturnRate,
        Self::ChurnRate,
        Self::Clv,
        Self::Cac,
        Self::ClvCacRatio,
    ];

    /// The API id.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConversionRate => "conversion_rate",
            Self::Aov => "aov",
            Self::CartAbandonment => "cart_abandonment",
            Self::RepeatPurchaseRate => "repeat_purchase_rate",
            Self::ReturnRate => "return_rate",
            Self::ChurnRate => "churn_rate",
            Self::Clv => "clv",
            Self::Cac => "cac",
            Self::ClvCacRatio => "clv_cac_ratio",
        }
    }

    /// Whether a larger value is better.
    pub fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Self::CartAbandonment | Self::ReturnRate | Self::ChurnRate | Self::Cac
        )
    }

    /// The default target, from the metric catalogue (`domain/catalogue.rs`).
    pub fn default_target(self) -> f64 {
        crate::domain::catalogue::default_target(self.as_str()).unwrap_or_default()
    }
}

/// Targets of the commerce metrics; money targets are in the reporting currency.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommerceTargets(pub Vec<(CommerceMetric, f64)>);

impl Default for CommerceTargets {
    fn default() -> Self {
        CommerceTargets(
            CommerceMetric::ALL
                .iter()
                .map(|m| (*m, m.default_target()))
                .collect(),
        )
    }
}

use crate::domain::target::Goal;

impl CommerceTargets {
    /// Parses `aov=80,cac=40` (`SIGNALROOM_COMMERCE_TARGETS`) over the defaults.
    pub fn parse(s: &str) -> Result<CommerceTargets, String> {
        let mut t = CommerceTargets::default();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("{part:?} is not metric=value"))?;
            let m = CommerceMetric::ALL
                .into_iter()
                .find(|m| m.as_str() == k.trim())
                .ok_or_else(|| format!("unknown commerce metric {k:?}"))?;
            let v: f64 = v
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| format!("target {v:?} of {k} is not a number ≥ 0"))?;
            if let Some(slot) = t.0.iter_mut().find(|(x, _)| *x == m) {
                slot.1 = v;
            }
        }
        Ok(t)
    }

    /// The target of one metric.
    pub fn get(&self, m: CommerceMetric) -> f64 {
        self.0
            .iter()
            .find(|(x, _)| *x == m)
            .map_or(m.default_target(), |(_, v)| *v)
    }

    /// The goal of `m`: the one people set (`targets`), else this configuration's threshold.
    pub fn goal(&self, m: CommerceMetric, people: &crate::domain::target::Targets) -> Goal {
        people
            .goal(m.as_str(), &Default::default())
            .unwrap_or(Goal::Threshold(self.get(m)))
    }

    /// Whether `value` meets the target of `m`.
    pub fn meets(&self, m: CommerceMetric, value: f64) -> bool {
        if m.higher_is_better() {
            value >= self.get(m)
        } else {
            value <= self.get(m)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: i64) -> i64 {
        Day(20_000 + d).start_ms() + 1_000
    }

    fn o(customer: &str, d: i64, dollars: i64, returned: bool, channel: &str) -> OrderFact {
        OrderFact {
            customer: customer.into(),
            at: at(d),
            amount_cents: dollars * 100,
            returned,
            channel: channel.into(),
            category: String::new(),
        }
    }

    #[test]
    fn order_figures_by_hand() {
        // Range: days 0..30.
        let orders = vec![
            o("a", -100, 50, false, "web"), // a: earlier customer
            o("a", 3, 100, false, "web"),
            o("b", 5, 40, true, "app"), // b: new in range, via app
            o("b", 6, 60, false, "web"),
            o("c", 10, 200, false, "web"),  // c: new, via web
            o("d", -400, 80, false, "web"), // d: older than a year, out of the CLV year
            o("e", 30, 999, false, "web"),  // at `to`: out
        ];
        let spend = vec![
            // A 60-day campaign, half of it in the range: 300 of 600.
            SpendFact {
                from: Day(20_000 - 30),
                to: Day(20_030),
                channel: "web".into(),
                amount_cents: 60_000,
            },
            SpendFact {
                from: Day(20_000),
                to: Day(20_030),
                channel: "app".into(),
                amount_cents: 10_000,
            },
            // After the range.
            SpendFact {
                from: Day(20_030),
                to: Day(20_031),
                channel: "app".into(),
                amount_cents: 5_000,
            },
        ];
        let f = order_figures(&orders, &spend, at(0) - 1_000, at(30) - 1_000, 3.0);
        assert_eq!((f.orders, f.customers, f.new_customers), (4, 3, 2));
        assert_eq!(f.revenue, 400.0);
        assert_eq!(f.aov, Some(100.0));
        assert_eq!(f.return_rate_pct, Some(25.0));
        // a (2 lifetime) and b (2) of a, b, c.
        assert_eq!(f.repeat_purchase_pct.map(|v| v.round()), Some(67.0));
        // Year: a×2, b×2, c×1 = 5 orders of 3 customers, 450 → AOV 90, freq 5/3.
        assert_eq!(
            f.purchase_frequency.map(|v| (v * 1000.0).round()),
            Some(1667.0)
        );
        assert_eq!(f.clv.map(|v| v.round()), Some(450.0));
        assert_eq!(f.spend, 400.0);
        assert_eq!(f.cac, Some(200.0));
        assert_eq!(f.clv_cac.map(|v| (v * 100.0).round()), Some(225.0));
        let web = f.channels.iter().find(|c| c.channel == "web").expect("web");
        assert_eq!((web.orders, web.revenue, web.new_customers), (3, 360.0, 1));
        assert_eq!((web.spend, web.cac), (300.0, Some(300.0)));
        let app = f.channels.iter().find(|c| c.channel == "app").expect("app");
        assert_eq!(
            (app.orders, app.new_customers, app.cac),
            (1, 1, Some(100.0))
        );
        assert_eq!(f.channels[0].channel, "web");
    }

    #[test]
    fn a_drill_down_keeps_its_orders_and_first_orders_decide_who_is_new() {
        let orders = vec![
            o("a", -100, 50, false, "web"),
            o("a", 3, 100, false, "web"),
            o("b", 5, 40, true, "app"), // b's first order, via app
            o("b", 6, 60, false, "web"),
            o("c", 10, 200, false, "web"),
        ];
        let spend = vec![SpendFact {
            from: Day(20_000),
            to: Day(20_030),
            channel: "web".into(),
            amount_cents: 30_000,
        }];
        let web = |i: usize| orders[i].channel == "web";
        let f = order_figures_where(&orders, &spend, at(0) - 1_000, at(30) - 1_000, 3.0, web);
        // a, b and c ordered through the web in range; only c's first order ever was one.
        assert_eq!((f.orders, f.customers, f.new_customers), (3, 3, 1));
        assert_eq!(f.revenue, 360.0);
        assert_eq!(f.return_rate_pct, Some(0.0));
        // a has two web orders in a lifetime, b and c one.
        assert_eq!(f.repeat_purchase_pct.map(|v| v.round()), Some(33.0));
        assert_eq!(f.cac, Some(300.0));
        let all = order_figures(&orders, &spend, at(0) - 1_000, at(30) - 1_000, 3.0);
        assert_eq!(all.new_customers, 2);
    }

    #[test]
    fn empty_ranges_have_no_ratios() {
        let f = order_figures(&[], &[], 0, 1_000, 3.0);
        assert_eq!(
            (f.aov, f.cac, f.clv, f.clv_cac, f.repeat_purchase_pct),
            (None, None, None, None, None)
        );
    }

    #[test]
    fn spend_records_validate() {
        let ok = |period: &str| {
            SpendRecord::validate(SpendInput {
                period: Some(period.into()),
                channel: Some(" Search ".into()),
                amount: Some(12.345),
                currency: None,
            })
        };
        let r = ok("2026-02").expect("month");
        assert_eq!(
            (r.from, r.to),
            (
                Day::from_ymd(2026, 2, 1).expect("d"),
                Day::from_ymd(2026, 3, 1).expect("d")
            )
        );
        assert_eq!(
            (r.channel.as_str(), r.currency.as_str(), r.amount_cents),
            ("search", "USD", 1235)
        );
        let r = ok("2026-02-03/2026-02-04").expect("range");
        assert_eq!(r.to.0 - r.from.0, 2);
        assert_eq!(
            ok("2026-02-03").expect("day").to.0 - ok("2026-02-03").expect("day").from.0,
            1
        );
        assert_eq!(ok("2026-13").expect_err("bad").code, "invalid_period");
        assert_eq!(
            ok("2026-02-05/2026-02-01").expect_err("bad").code,
            "invalid_period"
        );
        let code = |i: SpendInput| SpendRecord::validate(i).expect_err("bad").code;
        let base = SpendInput {
            period: Some("2026-01".into()),
            channel: Some("x".into()),
            amount: Some(1.0),
            currency: None,
        };
        assert_eq!(
            code(SpendInput {
                period: None,
                ..base.clone()
            }),
            "missing_period"
        );
        assert_eq!(
            code(SpendInput {
                channel: Some(" ".into()),
                ..base.clone()
            }),
            "missing_channel"
        );
        assert_eq!(
            code(SpendInput {
                amount: None,
                ..base.clone()
            }),
            "missing_amount"
        );
        assert_eq!(
            code(SpendInput {
                amount: Some(-1.0),
                ..base.clone()
            }),
            "invalid_amount"
        );
        assert_eq!(
            code(SpendInput {
                currency: Some("dollars".into()),
                ..base
            }),
            "invalid_currency"
        );
    }

    #[test]
    fn targets_parse_over_defaults() {
        let t = CommerceTargets::parse("aov=80, cac=40").expect("parse");
        assert_eq!(t.get(CommerceMetric::Aov), 80.0);
        assert_eq!(t.get(CommerceMetric::ConversionRate), 3.0);
        assert!(t.meets(CommerceMetric::Cac, 39.0));
        assert!(!t.meets(CommerceMetric::Aov, 79.0));
        assert!(CommerceTargets::parse("speed=1").is_err());
        assert!(CommerceTargets::parse("aov=-1").is_err());
        assert!(CommerceTargets::parse("aov").is_err());
    }
}
