//! The journey and commerce service: keeps the in-memory event index in step with the
//! events table and computes the Customer Journey and Sales & Conversion views from it,
//! the orders and the marketing spend.

pub mod index;

use crate::store::events;
use crate::store::{orders, Store, StoreError};
use app::domain::alert::evaluate::Sample;
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::journey::commerce::{
    order_figures_where, CommerceMetric, CommerceTargets, OrderFact, OrderFigures, SpendFact,
    SpendRecord, DEFAULT_LIFESPAN_YEARS,
};
use app::domain::journey::config::{
    default_stages, JourneyParams, Stage, CHECKOUT_WINDOW_MS, DEFAULT_CHECKOUT,
};
use app::domain::journey::engagement::EngagementTally;
use app::domain::journey::funnel::{person_funnel_in, FunnelScratch, FunnelSteps, FunnelTally};
use app::domain::journey::retention::{ChurnTally, CohortTable};
use app::domain::journey::timeline::{active_in, dimension_index, TimelineEvent};
use app::domain::query::{DashboardQuery, QueryError};
use app::model::journey::{
    BreakdownRow, CommerceView, JourneyView, MonthPoint, TargetFigure, MAX_BREAKDOWN_ROWS,
};
use index::EventIndex;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, RwLock};

/// Rows applied to the index per read of the events table.
const TAIL_CHUNK: i64 = 50_000;

/// Journey settings (see `Config`).
#[derive(Clone, Debug, PartialEq)]
pub struct JourneyConfig {
    /// The default journey's stages (`SIGNALROOM_JOURNEY_STAGES`).
    pub stages: Vec<Stage>,
    /// Checkout start and completion events (`SIGNALROOM_CHECKOUT_EVENTS`).
    pub checkout: (String, String),
    /// Commerce targets (`SIGNALROOM_COMMERCE_TARGETS`).
    pub targets: CommerceTargets,
    /// Expected customer lifespan for CLV (`SIGNALROOM_CUSTOMER_LIFESPAN_YEARS`).
    pub lifespan_years: f64,
}

impl Default for JourneyConfig {
    fn default() -> Self {
        JourneyConfig {
            stages: default_stages(),
            checkout: (DEFAULT_CHECKOUT.0.into(), DEFAULT_CHECKOUT.1.into()),
            targets: CommerceTargets::default(),
            lifespan_years: DEFAULT_LIFESPAN_YEARS,
        }
    }
}

/// Why a journey read failed.
#[derive(Debug, thiserror::Error)]
pub enum JourneyError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{}: {}", .0.code, .0.message)]
    Query(QueryError),
}

impl From<QueryError> for JourneyError {
    fn from(e: QueryError) -> Self {
        JourneyError::Query(e)
    }
}

/// The service. Cheap to clone.
#[derive(Clone)]
pub struct Journey {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<Store>,
    index: RwLock<EventIndex>,
    tail: tokio::sync::Mutex<()>,
    config: JourneyConfig,
}

/// Events of a person that pass the view's filters.
struct EventFilter {
    dims: Vec<(usize, u16)>,
    /// A filter value never seen: nothing passes.
    nothing: bool,
}

impl EventFilter {
    fn new(ix: &EventIndex, filters: &[(usize, String)]) -> EventFilter {
        let mut f = EventFilter {
            dims: Vec::new(),
            nothing: false,
        };
        for (d, v) in filters {
            match ix.values(*d).get(&v.to_lowercase()) {
                Some(id) => f.dims.push((*d, id as u16)),
                None => f.nothing = true,
            }
        }
        f
    }

    fn apply<'a>(
        &self,
        t: &'a [TimelineEvent],
        buf: &'a mut Vec<TimelineEvent>,
    ) -> &'a [TimelineEvent] {
        if self.nothing {
            return &[];
        }
        if self.dims.is_empty() {
            return t;
        }
        buf.clear();
        buf.extend(
            t.iter()
                .filter(|e| self.dims.iter().all(|(d, v)| e.dims[*d] == *v)),
        );
        buf
    }
}

/// Runs CPU-heavy work off the async workers when the runtime allows it.
fn compute<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// The event dimension a dashboard filter maps to.
fn event_dimension(d: Dimension) -> Option<usize> {
    match d {
        Dimension::Channel => dimension_index("channel"),
        Dimension::Segment => dimension_index("segment"),
        Dimension::ProductCategory => dimension_index("product_category"),
        Dimension::Region => dimension_index("region"),
        Dimension::Partner | Dimension::Touchpoint => None,
    }
}

fn pct(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 * 100.0 / b as f64)
}

/// One pass of the commerce figures that need people: active, converted, checkouts and
/// abandoned, churn.
#[derive(Default)]
struct PeoplePass {
    active: i64,
    converted: i64,
    checkouts: i64,
    abandoned: i64,
    churn: ChurnTally,
}

/// Orders and marketing spend in the reporting currency, read once for many windows.
pub struct CommerceFacts {
    pub currency: Option<String>,
    pub other_currencies: Vec<String>,
    orders: Vec<OrderFact>,
    spend: Vec<SpendFact>,
}

impl CommerceFacts {
    /// People of the index who placed an admitted order in `[a, b)`.
    fn purchasers(&self, ix: &EventIndex, scope: &CommerceScope, a: i64, b: i64) -> FxHashSet<u32> {
        self.orders
            .iter()
            .enumerate()
            .filter(|(i, o)| o.at >= a && o.at < b && scope.keeps(*i))
            .filter_map(|(_, o)| ix.person_of_user(&o.customer))
            .collect()
    }
}

/// What a commerce read covers under dashboard filters (channel, product category, segment,
/// region): orders of that channel and category whose customer's events last said that
/// segment and region; the people whose events match (conversion, abandonment, churn);
/// marketing spend of that channel. Spend is booked per channel only, so under any other
/// filter there is none to attribute and CAC is "no data".
struct CommerceScope {
    people: EventFilter,
    /// Per order of the facts, whether it is admitted; empty when every order is.
    orders: Vec<bool>,
    spend: Vec<SpendFact>,
}

impl CommerceScope {
    fn new(ix: &EventIndex, facts: &CommerceFacts, filters: &[(usize, String)]) -> CommerceScope {
        let people = EventFilter::new(ix, filters);
        if filters.is_empty() {
            return CommerceScope {
                people,
                orders: Vec::new(),
                spend: facts.spend.clone(),
            };
        }
        let dim = |name: &str| dimension_index(name).unwrap_or(usize::MAX);
        let (channel, category) = (dim("channel"), dim("product_category"));
        let value = |d: usize| {
            filters
                .iter()
                .find(|(i, _)| *i == d)
                .map(|(_, v)| v.to_lowercase())
        };
        let (want_channel, want_category) = (value(channel), value(category));
        // Segment and region describe the customer: the latest value their events carry.
        let traits: Vec<(usize, Option<u16>)> = filters
            .iter()
            .filter(|(d, _)| *d != channel && *d != category)
            .map(|(d, v)| (*d, ix.values(*d).get(&v.to_lowercase()).map(|id| id as u16)))
            .collect();
        let mut customers: FxHashMap<&str, bool> = FxHashMap::default();
        let orders = facts
            .orders
            .iter()
            .map(|o| {
                want_channel
                    .as_deref()
                    .is_none_or(|c| o.channel.to_lowercase() == c)
                    && want_category
                        .as_deref()
                        .is_none_or(|c| o.category.to_lowercase() == c)
                    && (traits.is_empty()
                        || *customers
                            .entry(o.customer.as_str())
                            .or_insert_with(|| customer_matches(ix, &o.customer, &traits)))
            })
            .collect();
        let spend = if traits.is_empty() && want_category.is_none() {
            facts
                .spend
                .iter()
                .filter(|s| {
                    want_channel
                        .as_deref()
                        .is_none_or(|c| s.channel.to_lowercase() == c)
                })
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        CommerceScope {
            people,
            orders,
            spend,
        }
    }

    fn keeps(&self, i: usize) -> bool {
        self.orders
            .get(i)
            .copied()
            .unwrap_or(self.orders.is_empty())
    }
}

/// Whether the latest value of each trait dimension a customer's events carry is the wanted
/// one (`None`: a value no event carries, which no customer has).
fn customer_matches(ix: &EventIndex, customer: &str, traits: &[(usize, Option<u16>)]) -> bool {
    let Some(person) = ix.person_of_user(customer) else {
        return false;
    };
    let t = ix.timeline_of(person);
    traits.iter().all(|(d, want)| {
        let last = t.iter().rev().map(|e| e.dims[*d]).find(|v| *v != 0);
        want.is_some() && last == *want
    })
}

/// The commerce figures of one window with the count each rests on (the catalogue's `n`).
fn commerce_samples(f: &OrderFigures, pp: &PeoplePass) -> Vec<(CommerceMetric, Sample)> {
    let s = |value: Option<f64>, n: i64| Sample { value, n };
    vec![
        (
            CommerceMetric::ConversionRate,
            s(pct(pp.converted, pp.active), pp.active),
        ),
        (CommerceMetric::Aov, s(f.aov, f.orders)),
        (
            CommerceMetric::CartAbandonment,
            s(pct(pp.abandoned, pp.checkouts), pp.checkouts),
        ),
        (
            CommerceMetric::RepeatPurchaseRate,
            s(f.repeat_purchase_pct, f.customers),
        ),
        (CommerceMetric::ReturnRate, s(f.return_rate_pct, f.orders)),
        (
            CommerceMetric::ChurnRate,
            s(pp.churn.churn_pct(), pp.churn.base),
        ),
        (CommerceMetric::Clv, s(f.clv, f.customers)),
        (CommerceMetric::Cac, s(f.cac, f.new_customers)),
        (CommerceMetric::ClvCacRatio, s(f.clv_cac, f.new_customers)),
    ]
}

impl Journey {
    /// A service over `store`; call [`Journey::refresh`] (every read does) to load events.
    pub fn new(store: Arc<Store>, config: JourneyConfig) -> Journey {
        Journey {
            inner: Arc::new(Inner {
                store,
                index: RwLock::new(EventIndex::new()),
                tail: tokio::sync::Mutex::new(()),
                config,
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &JourneyConfig {
        &self.inner.config
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, EventIndex> {
        // A panic while applying rows leaves a consistent prefix: keep serving it.
        self.inner.index.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Applies events committed since the last call (the whole table the first time).
    pub async fn refresh(&self) -> Result<(), StoreError> {
        let _tail = self.inner.tail.lock().await;
        loop {
            let seq = self.read().last_seq();
            let rows = events::since(&self.inner.store, seq, TAIL_CHUNK).await?;
            if rows.is_empty() {
                return Ok(());
            }
            compute(|| {
                let mut ix = self.inner.index.write().unwrap_or_else(|e| e.into_inner());
                for r in &rows {
                    ix.apply(r);
                }
                ix.maybe_compact();
            });
            if (rows.len() as i64) < TAIL_CHUNK {
                return Ok(());
            }
        }
    }

    /// Of the people tracked by the end of `[from, to)`, the share active in it, %; `None`
    /// when nobody is tracked.
    pub async fn engagement_rate(&self, from: i64, to: i64) -> Result<Option<f64>, StoreError> {
        self.refresh().await?;
        Ok(compute(|| {
            let ix = self.read();
            let (mut known, mut active) = (0i64, 0i64);
            for (_, t) in ix.timelines() {
                if t[0].at < to {
                    known += 1;
                    active += active_in(t, from, to) as i64;
                }
            }
            pct(active, known)
        }))
    }

    /// (activity events, people) in the index.
    pub fn size(&self) -> (usize, usize) {
        let ix = self.read();
        (ix.events(), ix.people())
    }

    fn filters(q: &DashboardQuery) -> Result<Vec<(usize, String)>, QueryError> {
        Self::event_filters(&q.filters)
    }

    /// Dashboard filters as event dimensions; a dimension events lack is `unsupported_filter`.
    fn event_filters(
        filters: &std::collections::BTreeMap<Dimension, String>,
    ) -> Result<Vec<(usize, String)>, QueryError> {
        filters
            .iter()
            .map(|(d, v)| {
                event_dimension(*d).map(|i| (i, v.clone())).ok_or_else(|| {
                    QueryError::new(
                        "unsupported_filter",
                        format!(
                            "journey views filter by channel, segment, product_category or region, not {}",
                            d.as_str()
                        ),
                    )
                })
            })
            .collect()
    }

    /// The funnel of `stages` with event names resolved in `ix` (unknown names never match).
    pub fn steps(ix: &EventIndex, stages: &[Stage], window_ms: i64) -> FunnelSteps {
        let steps: Vec<Vec<u32>> = stages
            .iter()
            .map(|s| s.events.iter().filter_map(|e| ix.names().get(e)).collect())
            .collect();
        FunnelSteps::new(&steps, window_ms)
    }

    /// The Customer Journey view: funnel (and its breakdown), engagement, cohorts and churn.
    pub async fn view(
        &self,
        q: &DashboardQuery,
        p: &JourneyParams,
    ) -> Result<JourneyView, JourneyError> {
        let filters = Self::filters(q)?;
        self.refresh().await?;
        Ok(compute(|| view_of(&self.read(), q, p, &filters)))
    }

    fn people_pass(
        ix: &EventIndex,
        from: i64,
        to: i64,
        purchasers: &FxHashSet<u32>,
        checkout: &FunnelSteps,
        filter: &EventFilter,
    ) -> PeoplePass {
        let prev_from = from - (to - from);
        let mut out = PeoplePass::default();
        let mut scratch = FunnelScratch::default();
        let mut buf = Vec::new();
        for (person, t) in ix.timelines() {
            let t = filter.apply(t, &mut buf);
            if t.is_empty() {
                continue;
            }
            if active_in(t, from, to) {
                out.active += 1;
                out.converted += purchasers.contains(&person) as i64;
            }
            if let Some(pf) = person_funnel_in(&mut scratch, t, checkout, from, to) {
                out.checkouts += 1;
                out.abandoned += (pf.reached < 2) as i64;
            }
            out.churn.add(t, prev_from, from, to);
        }
        out
    }

    /// The journey family's catalogue figures over days `from..=to` under dashboard filters:
    /// the configured journey's view of that window (the page's own computation) as samples.
    pub async fn window_samples(
        &self,
        filters: &std::collections::BTreeMap<Dimension, String>,
        from: Day,
        to: Day,
    ) -> Result<Vec<(&'static str, Sample)>, JourneyError> {
        let mut q = DashboardQuery::parse(&[], to)?;
        q.from = from;
        q.to = to;
        q.filters = filters.clone();
        let mut p = JourneyParams::parse(&[], &self.inner.config.stages)?;
        // Cohorts are not a catalogue figure: keep their table small.
        p.periods = 2;
        let v = self.view(&q, &p).await?;
        let e = &v.engagement;
        let s = |value: Option<f64>, n: i64| Sample { value, n };
        Ok(vec![
            ("dau", s(e.dau_mean, e.active)),
            ("wau", s(e.wau_mean, e.active)),
            ("mau", s(e.mau_mean, e.active)),
            ("stickiness", s(e.stickiness_pct, e.active)),
            ("sessions_per_user", s(e.sessions_per_user, e.active)),
            (
                "customer_engagement_rate",
                s(e.engagement_rate_pct, e.known),
            ),
            ("churn_rate", s(v.churn_pct, v.churn_base)),
            (
                "funnel_conversion",
                s(v.steps.last().and_then(|x| x.conversion_pct), v.entered),
            ),
        ])
    }

    /// The values events carry for dashboard dimension `d` (none for a dimension events lack).
    pub async fn dimension_values(&self, d: Dimension) -> Result<Vec<String>, StoreError> {
        self.refresh().await?;
        let Some(i) = event_dimension(d) else {
            return Ok(Vec::new());
        };
        let ix = self.read();
        let names = ix.values(i);
        let mut out: Vec<String> = (0..names.len() as u32)
            .map(|v| names.name(v).to_string())
            .filter(|v| !v.is_empty())
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// The Sales & Conversion view; targets people set (`targets`) beat the configured ones.
    pub async fn commerce(
        &self,
        q: &DashboardQuery,
        targets: &app::domain::target::Targets,
    ) -> Result<CommerceView, JourneyError> {
        let filters = Self::filters(q)?;
        let from = q.from.start_ms();
        let to = q.to.plus_days(1).start_ms();
        let prev = q
            .previous()
            .map(|(a, b)| (a.start_ms(), b.plus_days(1).start_ms()));
        let months: Vec<(Day, i64, i64)> = {
            let mut m = vec![q.to.month_start()];
            while m.len() < 12 {
                let before = m[m.len() - 1].plus_days(-1).month_start();
                m.push(before);
            }
            m.reverse();
            m.into_iter()
                .map(|s| (s, s.start_ms(), s.plus_days(32).month_start().start_ms()))
                .collect()
        };
        let until = months.last().map_or(to, |m| m.2).max(to);
        let earliest = months[0].1.min(prev.map_or(from, |p| p.0));
        let facts = self.load_commerce((from, to), earliest, until).await?;
        let cfg = &self.inner.config;
        let options = [
            Dimension::Channel,
            Dimension::Segment,
            Dimension::ProductCategory,
            Dimension::Region,
        ]
        .into_iter()
        .map(|d| app::model::DimensionValues {
            dimension: d,
            values: self.commerce_values(&facts, d),
        })
        .collect();
        Ok(compute(|| {
            let ix = self.read();
            let checkout = self.checkout_steps(&ix);
            let scope = CommerceScope::new(&ix, &facts, &filters);
            let values = |a: i64, b: i64| -> Vec<(CommerceMetric, Sample)> {
                let (f, pp) =
                    Self::window_of(&ix, &facts, &scope, &checkout, a, b, cfg.lifespan_years);
                commerce_samples(&f, &pp)
            };
            let (figures, pp) =
                Self::window_of(&ix, &facts, &scope, &checkout, from, to, cfg.lifespan_years);
            let now = commerce_samples(&figures, &pp);
            let before = prev.map(|(a, b)| values(a, b));
            let metrics = now
                .iter()
                .enumerate()
                .map(|(i, (m, s))| {
                    let goal = cfg.targets.goal(*m, targets);
                    let direction = if m.higher_is_better() {
                        app::domain::metric::Direction::HigherIsBetter
                    } else {
                        app::domain::metric::Direction::LowerIsBetter
                    };
                    TargetFigure {
                        metric: *m,
                        value: s.value,
                        previous: before
                            .as_ref()
                            .and_then(|b| b.get(i))
                            .and_then(|x| x.1.value),
                        target: goal.line(direction),
                        meets: s.value.map(|v| goal.miss(v, direction) <= 0.0),
                    }
                })
                .collect();
            let trend = months
                .iter()
                .map(|&(month, a, b)| MonthPoint {
                    month,
                    values: values(a, b)
                        .into_iter()
                        .filter_map(|(m, s)| s.value.map(|v| (m, v)))
                        .collect(),
                })
                .collect();
            CommerceView {
                from: q.from,
                to: q.to,
                currency: facts.currency.clone(),
                other_currencies: facts.other_currencies.clone(),
                active_people: pp.active,
                converted_people: pp.converted,
                checkouts: pp.checkouts,
                abandoned: pp.abandoned,
                figures,
                metrics,
                trend,
                query: Some(q.clone()),
                options,
                shared_view: false,
            }
        }))
    }

    /// Orders before `until` and spend from `earliest` (epoch ms) in the reporting currency:
    /// the one with the most revenue in `pick` (`[from, to)`), else over every order read.
    /// The event index is brought up to date too, so windows computed from the facts agree.
    pub async fn load_commerce(
        &self,
        pick: (i64, i64),
        earliest: i64,
        until: i64,
    ) -> Result<CommerceFacts, StoreError> {
        self.refresh().await?;
        let store = &self.inner.store;
        let (all_orders, all_spend) = tokio::try_join!(
            orders::commerce_facts(store, until),
            events::spend(
                store,
                Day::from_epoch_ms(earliest).0,
                Day::from_epoch_ms(until).0 + 1
            ),
        )?;
        let (from, to) = pick;
        let mut revenue: FxHashMap<&str, (i64, i64)> = FxHashMap::default();
        for (c, o) in &all_orders {
            let r = revenue.entry(c.as_str()).or_default();
            if o.at >= from && o.at < to {
                r.0 = r.0.saturating_add(o.amount_cents);
            }
            r.1 = r.1.saturating_add(o.amount_cents);
        }
        let currency = revenue
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(c, _)| c.to_string());
        let mut other_currencies: Vec<String> = revenue
            .iter()
            .filter(|(c, r)| Some(**c) != currency.as_deref() && r.0 > 0)
            .map(|(c, _)| c.to_string())
            .collect();
        other_currencies.sort();
        let cur = currency.as_deref().unwrap_or("USD");
        let orders: Vec<OrderFact> = all_orders
            .into_iter()
            .filter(|(c, _)| c == cur)
            .map(|(_, o)| o)
            .collect();
        let spend: Vec<SpendFact> = all_spend
            .into_iter()
            .filter(|(c, _)| c == cur)
            .map(|(_, s)| s)
            .collect();
        Ok(CommerceFacts {
            currency,
            other_currencies,
            orders,
            spend,
        })
    }

    /// The commerce figures of `[a, b)` (epoch ms) from loaded facts, as catalogue samples.
    pub fn commerce_window(
        &self,
        facts: &CommerceFacts,
        filters: &std::collections::BTreeMap<Dimension, String>,
        a: i64,
        b: i64,
    ) -> Result<Vec<(CommerceMetric, Sample)>, QueryError> {
        let filters = Self::event_filters(filters)?;
        Ok(compute(|| {
            let ix = self.read();
            let checkout = self.checkout_steps(&ix);
            let scope = CommerceScope::new(&ix, facts, &filters);
            let (f, pp) = Self::window_of(
                &ix,
                facts,
                &scope,
                &checkout,
                a,
                b,
                self.inner.config.lifespan_years,
            );
            commerce_samples(&f, &pp)
        }))
    }

    /// The values orders and events carry for dimension `d`, for a commerce breakdown.
    pub fn commerce_values(&self, facts: &CommerceFacts, d: Dimension) -> Vec<String> {
        let mut out: Vec<String> = match d {
            Dimension::Channel => facts
                .orders
                .iter()
                .map(|o| o.channel.to_lowercase())
                .collect(),
            Dimension::ProductCategory => facts
                .orders
                .iter()
                .map(|o| o.category.to_lowercase())
                .collect(),
            _ => Vec::new(),
        };
        if let Some(i) = event_dimension(d) {
            let ix = self.read();
            let names = ix.values(i);
            out.extend((0..names.len() as u32).map(|v| names.name(v).to_string()));
        }
        out.retain(|v| !v.is_empty());
        out.sort();
        out.dedup();
        out
    }

    /// The checkout funnel: the configured start event, then the completion event.
    fn checkout_steps(&self, ix: &EventIndex) -> FunnelSteps {
        let cfg = &self.inner.config;
        Self::steps(
            ix,
            &[
                Stage {
                    label: String::new(),
                    events: vec![cfg.checkout.0.clone()],
                },
                Stage {
                    label: String::new(),
                    events: vec![cfg.checkout.1.clone()],
                },
            ],
            CHECKOUT_WINDOW_MS,
        )
    }

    fn window_of(
        ix: &EventIndex,
        facts: &CommerceFacts,
        scope: &CommerceScope,
        checkout: &FunnelSteps,
        a: i64,
        b: i64,
        lifespan: f64,
    ) -> (OrderFigures, PeoplePass) {
        let f = order_figures_where(&facts.orders, &scope.spend, a, b, lifespan, |i| {
            scope.keeps(i)
        });
        let purchasers = facts.purchasers(ix, scope, a, b);
        let pp = Self::people_pass(ix, a, b, &purchasers, checkout, &scope.people);
        (f, pp)
    }

    /// Stores marketing spend (see [`events::upsert_spend`]).
    pub async fn upsert_spend(
        &self,
        records: &[SpendRecord],
        now_ms: i64,
    ) -> Result<(i64, i64, i64), StoreError> {
        events::upsert_spend(&self.inner.store, records, now_ms).await
    }
}

/// The funnel alone over every person of `ix`, split across threads.
pub fn funnel_of(ix: &EventIndex, steps: &FunnelSteps, from: i64, to: i64) -> FunnelTally {
    let shares: Vec<FunnelTally> = std::thread::scope(|scope| {
        let handles: Vec<_> = ix
            .split(threads())
            .into_iter()
            .map(|slots| {
                scope.spawn(move || {
                    let mut t = FunnelTally::new(steps.len());
                    let mut scratch = FunnelScratch::default();
                    // An entrant has a first step at or after `from`.
                    for (_, tl) in ix.active_since_in(slots, from) {
                        if let Some(p) = person_funnel_in(&mut scratch, tl, steps, from, to) {
                            t.add(&p);
                        }
                    }
                    t
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut all = FunnelTally::new(steps.len());
    for s in shares {
        all.merge(s);
    }
    all
}

/// One thread's share of a journey view.
struct Partial {
    tally: FunnelTally,
    by_value: FxHashMap<u16, FunnelTally>,
    engagement: EngagementTally,
    cohorts: CohortTable,
    churn: ChurnTally,
}

/// Threads for one read: the machine's cores, at most 8.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// The journey view over an index (the filters are event dimensions, already checked).
pub fn view_of(
    ix: &EventIndex,
    q: &DashboardQuery,
    p: &JourneyParams,
    filters: &[(usize, String)],
) -> JourneyView {
    let from = q.from.start_ms();
    let to = q.to.plus_days(1).start_ms();
    let prev_from = from - (to - from);
    let filter = EventFilter::new(ix, filters);
    let steps = Journey::steps(ix, &p.stages, p.window_days * 86_400_000);
    let n = steps.len();
    let breakdown = p.breakdown.as_deref().and_then(dimension_index);
    // People are independent: each thread tallies a share of them, then the tallies add up.
    let new_part = || Partial {
        tally: FunnelTally::new(n),
        by_value: FxHashMap::default(),
        engagement: EngagementTally::new(q.from, q.to.plus_days(1)),
        cohorts: CohortTable::new(p.period, p.periods, to - 1),
        churn: ChurnTally::default(),
    };
    let parts = ix.split(threads());
    let partials: Vec<Partial> = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|slots| {
                let (filter, steps, new_part) = (&filter, &steps, &new_part);
                scope.spawn(move || {
                    let mut part = new_part();
                    let mut buf = Vec::new();
                    let mut scratch = FunnelScratch::default();
                    for (_, t) in ix.timelines_in(slots) {
                        let t = filter.apply(t, &mut buf);
                        if t.is_empty() {
                            continue;
                        }
                        if let Some(pf) = person_funnel_in(&mut scratch, t, steps, from, to) {
                            part.tally.add(&pf);
                            if let Some(b) = breakdown {
                                part.by_value
                                    .entry(t[pf.start].dims[b])
                                    .or_insert_with(|| FunnelTally::new(n))
                                    .add(&pf);
                            }
                        }
                        part.engagement.add(t);
                        part.cohorts.add(t);
                        part.churn.add(t, prev_from, from, to);
                    }
                    part
                })
            })
            .collect();
        // A panic in a share is a bug: re-raise it rather than answer with a partial count.
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut parts = partials.into_iter();
    let mut all = parts.next().unwrap_or_else(new_part);
    for part in parts {
        all.tally.merge(part.tally);
        for (v, t) in part.by_value {
            match all.by_value.get_mut(&v) {
                Some(x) => x.merge(t),
                None => {
                    all.by_value.insert(v, t);
                }
            }
        }
        all.engagement.merge(part.engagement);
        all.cohorts.merge(part.cohorts);
        all.churn.merge(part.churn);
    }
    let Partial {
        tally,
        by_value,
        engagement,
        cohorts,
        churn,
    } = all;
    let labels: Vec<String> = p.stages.iter().map(|s| s.label.clone()).collect();
    let breakdown_rows = breakdown
        .map(|b| breakdown_rows(ix, b, by_value, &labels))
        .unwrap_or_default();
    JourneyView {
        from: q.from,
        to: q.to,
        stages: p.stages.clone(),
        custom: p.custom,
        window_days: p.window_days,
        entered: tally.entered(),
        steps: tally.figures(&labels),
        breakdown: p.breakdown.clone(),
        breakdown_rows,
        engagement: engagement.finish(),
        period: p.period,
        cohorts: cohorts.rows(),
        churn_pct: churn.churn_pct(),
        churn_base: churn.base,
        events: ix.events() as i64,
        people: ix.people() as i64,
        shared_view: false,
    }
}

fn breakdown_rows(
    ix: &EventIndex,
    dim: usize,
    by_value: FxHashMap<u16, FunnelTally>,
    labels: &[String],
) -> Vec<BreakdownRow> {
    let mut rows: Vec<(u16, FunnelTally)> = by_value.into_iter().collect();
    rows.sort_by(|a, b| {
        b.1.entered().cmp(&a.1.entered()).then_with(|| {
            ix.values(dim)
                .name(a.0 as u32)
                .cmp(ix.values(dim).name(b.0 as u32))
        })
    });
    let keep = if rows.len() > MAX_BREAKDOWN_ROWS {
        MAX_BREAKDOWN_ROWS - 1
    } else {
        rows.len()
    };
    let mut rest = rows.split_off(keep).into_iter();
    let mut out: Vec<BreakdownRow> = rows
        .into_iter()
        .map(|(v, t)| BreakdownRow {
            value: ix.values(dim).name(v as u32).to_string(),
            entered: t.entered(),
            steps: t.figures(labels),
        })
        .collect();
    if let Some((_, mut other)) = rest.next() {
        for (_, t) in rest {
            other.merge(t);
        }
        out.push(BreakdownRow {
            value: "other".into(),
            entered: other.entered(),
            steps: other.figures(labels),
        });
    }
    out
}
