//! Partner experience: assembles the partner dashboards and a partner's own page from the
//! registry, orders, partner surveys, activity, deals, inventory and partner tickets.
//!
//! Every partner's row is computed over all partners (percentiles and revenue shares need
//! the whole programme), then the rows and the headline are narrowed to the view's scope (a
//! partner filter, or a partner account's own partner).

use crate::store::partners as store;
use crate::store::{orders, surveys, Store, StoreError};
use app::domain::alert::evaluate::Sample;
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::metric::{figure, MetricId, SurveyAgg};
use app::domain::order::OrderAgg;
use app::domain::partner::activity::{
    pipeline, training_completion, win_rate, ActivityCounts, StageFigure, TrainingEvent,
};
use app::domain::partner::index::{growth_pct, percentile_ranks, performance_index};
use app::domain::partner::inventory::{drawdown, turnover};
use app::domain::partner::registry::{onboarding, retention};
use app::domain::partner::{
    DealRecord, IndexInputs, IndexWeights, InventorySnapshot, PartnerRecord,
};
use app::domain::query::{decode_pairs, param, DashboardQuery, QueryError};
use app::domain::survey::SurveyKind;
use app::model::partners::{
    DealView, PartnerDetail, PartnerHeadline, PartnerRow, PartnersPage, RevenuePoint, WeekPoint,
};
use std::collections::{BTreeMap, HashMap};

/// Sort keys of the performance table.
pub const SORTS: &[&str] = &[
    "index",
    "name",
    "tier",
    "revenue",
    "growth",
    "orders",
    "pss",
    "on_time",
    "engagement",
    "training",
    "tickets",
];
/// Weeks in the sparklines and weekly trends.
const WEEKS: i64 = 12;
/// Fewest survey answers (satisfaction) or promised deliveries (on-time) for the figure to
/// enter a partner's performance index.
pub const MIN_COMPONENT_N: i64 = 3;
/// Deals listed on a partner's page.
const DEALS_LISTED: usize = 20;
/// SKUs listed as due for reorder.
const REORDER_LISTED: usize = 50;

/// Why a partner view could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PartnerError {
    #[error("{}", .0.message)]
    Query(QueryError),
    #[error("no partner {0:?}")]
    NotFound(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<QueryError> for PartnerError {
    fn from(e: QueryError) -> PartnerError {
        PartnerError::Query(e)
    }
}

/// Partner views filter by partner only (the other dimensions describe customers).
fn check_filters(q: &DashboardQuery) -> Result<Option<String>, QueryError> {
    if q.filters.keys().any(|d| *d != Dimension::Partner) {
        return Err(QueryError::new(
            "unsupported_filter",
            "partner views filter by partner only",
        ));
    }
    Ok(q.filters.get(&Dimension::Partner).cloned())
}

/// The table's sort (`sort`, `dir`): index, highest first, by default.
fn parse_sort(raw: &str) -> Result<(String, bool), QueryError> {
    let pairs = decode_pairs(raw);
    let get = |k: &str| param(&pairs, k).map(str::to_string);
    let sort = get("sort").unwrap_or_else(|| "index".into());
    if !SORTS.contains(&sort.as_str()) {
        return Err(QueryError::new(
            "invalid_sort",
            format!("`sort` must be one of {}", SORTS.join(", ")),
        ));
    }
    let desc = match get("dir").as_deref() {
        None => sort != "name" && sort != "tier" && sort != "tickets",
        Some("desc") => true,
        Some("asc") => false,
        Some(_) => return Err(QueryError::new("invalid_sort", "`dir` must be asc or desc")),
    };
    Ok((sort, desc))
}

fn sort_rows(rows: &mut [PartnerRow], sort: &str, desc: bool) {
    let num = |r: &PartnerRow| -> Option<f64> {
        match sort {
            "index" => r.index,
            "revenue" => Some(r.revenue),
            "growth" => r.yoy_growth_pct,
            "orders" => Some(r.orders as f64),
            "pss" => r.pss,
            "on_time" => r.on_time_pct,
            "engagement" => r.engagement_pctile,
            "training" => r.training_pct,
            "tickets" => Some(r.open_tickets as f64),
            _ => None,
        }
    };
    rows.sort_by(|a, b| {
        let ord = match sort {
            "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            "tier" => a.tier.cmp(&b.tier),
            // Rows without a value go last whichever the direction.
            _ => match (num(a), num(b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                (Some(_), None) => return std::cmp::Ordering::Less,
                (None, Some(_)) => return std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            },
        };
        let ord = if desc { ord.reverse() } else { ord };
        ord.then_with(|| a.id.cmp(&b.id))
    });
}

fn cents(c: i64) -> f64 {
    c as f64 / 100.0
}

/// Everything one period needs, read once over all partners.
struct Inputs {
    partners: Vec<PartnerRecord>,
    currency: String,
    others: Vec<String>,
    /// Per partner id: orders in the reporting currency (money) and in every currency
    /// (operations), and last year's money.
    money: HashMap<String, OrderAgg>,
    ops: HashMap<String, OrderAgg>,
    money_year_ago: HashMap<String, OrderAgg>,
    total_money: OrderAgg,
    pss: BTreeMap<String, SurveyAgg>,
    pnps: BTreeMap<String, SurveyAgg>,
    activity: BTreeMap<String, ActivityCounts>,
    trainings: Vec<TrainingEvent>,
    deals: Vec<DealRecord>,
    latest_stock: Vec<InventorySnapshot>,
    stock_range: Vec<InventorySnapshot>,
    open_tickets: BTreeMap<String, i64>,
    /// Weekly revenue per partner (reporting currency) over the sparkline weeks.
    weekly: HashMap<String, BTreeMap<Day, f64>>,
    start_ms: i64,
    end_ms: i64,
    /// The end instant, not later than now (stock and open tickets "as of").
    as_of: i64,
    days: i64,
    first_week: Day,
}

async fn survey_by_partner(
    s: &Store,
    kind: SurveyKind,
    from: Day,
    to: Day,
) -> Result<BTreeMap<String, SurveyAgg>, StoreError> {
    let mut per: BTreeMap<String, SurveyAgg> = BTreeMap::new();
    for r in surveys::breakdown(s, Dimension::Partner, &BTreeMap::new(), kind, from, to).await? {
        per.entry(r.key).or_default().merge(&r.agg);
    }
    Ok(per)
}

fn by_partner(
    rows: &[(String, String, OrderAgg)],
    currency: Option<&str>,
) -> HashMap<String, OrderAgg> {
    let mut out: HashMap<String, OrderAgg> = HashMap::new();
    for (p, c, a) in rows {
        if !p.is_empty() && currency.is_none_or(|cur| cur == c) {
            out.entry(p.clone()).or_default().add(a, 1);
        }
    }
    out
}

/// Which inputs a read needs: the views need all; an alert rule only what its metric uses.
/// Metrics of one need read the same inputs, so one read answers all of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Need {
    orders: bool,
    year_ago: bool,
    weekly: bool,
    surveys: bool,
    activity: bool,
    deals: bool,
    stock: bool,
    tickets: bool,
}

impl Need {
    const ALL: Need = Need {
        orders: true,
        year_ago: true,
        weekly: true,
        surveys: true,
        activity: true,
        deals: true,
        stock: true,
        tickets: true,
    };
    const NONE: Need = Need {
        orders: false,
        year_ago: false,
        weekly: false,
        surveys: false,
        activity: false,
        deals: false,
        stock: false,
        tickets: false,
    };

    /// What catalogue metric `id` reads (the registry is always read).
    pub fn for_metric(id: &str) -> Need {
        match id {
            // The index: satisfaction, delivery, growth, engagement, training.
            "partner_performance_index" => Need {
                orders: true,
                year_ago: true,
                surveys: true,
                activity: true,
                ..Need::NONE
            },
            "inventory_below_reorder" | "inventory_turnover" => Need {
                stock: true,
                ..Need::NONE
            },
            "partner_open_tickets" => Need {
                tickets: true,
                ..Need::NONE
            },
            "active_partners" | "partner_retention" | "onboarding_time" => Need::NONE,
            "partner_yoy_growth" => Need {
                orders: true,
                year_ago: true,
                ..Need::NONE
            },
            "partner_engagement_rate"
            | "training_completion"
            | "certifications"
            | "programme_participation"
            | "partner_communications"
            | "partner_leads" => Need {
                activity: true,
                ..Need::NONE
            },
            "deal_conversion" | "pipeline_value" => Need {
                deals: true,
                ..Need::NONE
            },
            _ => Need {
                orders: true,
                ..Need::NONE
            },
        }
    }
}

impl Inputs {
    async fn read(
        s: &Store,
        from: Day,
        to: Day,
        now: i64,
        currency: Option<&str>,
    ) -> Result<Inputs, StoreError> {
        Self::read_some(s, from, to, now, currency, Need::ALL).await
    }

    async fn read_some(
        s: &Store,
        from: Day,
        to: Day,
        now: i64,
        currency: Option<&str>,
        need: Need,
    ) -> Result<Inputs, StoreError> {
        let start_ms = from.start_ms();
        let end_ms = to.plus_days(1).start_ms();
        let as_of = end_ms.min(now + 1);
        let first_week = to.week_start().plus_days(-7 * (WEEKS - 1));
        // The reads are independent: run them at once over the reader pool.
        macro_rules! when {
            ($cond:expr, $read:expr) => {
                async {
                    if $cond {
                        $read.await
                    } else {
                        Ok(Default::default())
                    }
                }
            };
        }
        let (
            partners,
            totals,
            rows,
            year_ago,
            daily,
            trainings,
            pss,
            pnps,
            activity,
            deals,
            latest_stock,
            stock_range,
            open_tickets,
        ) = tokio::try_join!(
            store::list_partners(s),
            when!(need.orders, orders::totals(s, None, from.0, to.0)),
            when!(
                need.orders,
                orders::per_value(s, "partner", None, from.0, to.0)
            ),
            when!(
                need.year_ago,
                orders::per_value(
                    s,
                    "partner",
                    None,
                    from.plus_days(-364).0,
                    to.plus_days(-364).0,
                )
            ),
            when!(
                need.weekly,
                orders::daily_per_value(s, "partner", None, first_week.0, to.0)
            ),
            when!(
                need.activity,
                store::training_events(s, None, start_ms, end_ms)
            ),
            when!(
                need.surveys,
                survey_by_partner(s, SurveyKind::Pss, from, to)
            ),
            when!(
                need.surveys,
                survey_by_partner(s, SurveyKind::Pnps, from, to)
            ),
            when!(need.activity, store::activity_counts(s, None, from, to)),
            when!(need.deals, store::deals(s, None)),
            when!(need.stock, store::inventory_latest(s, None, as_of - 1)),
            when!(need.stock, store::inventory_range(s, None, start_ms, as_of)),
            when!(need.tickets, store::open_partner_tickets(s, None, as_of)),
        )?;
        let totals: Vec<(String, OrderAgg)> = totals;
        let currency = currency.map(str::to_string).unwrap_or_else(|| {
            totals
                .iter()
                .max_by_key(|(_, a)| a.revenue_cents)
                .map_or_else(|| "USD".to_string(), |(c, _)| c.clone())
        });
        let others = totals
            .iter()
            .filter(|(c, _)| *c != currency)
            .map(|(c, _)| c.clone())
            .collect();
        let total_money = totals
            .iter()
            .find(|(c, _)| *c == currency)
            .map(|(_, a)| *a)
            .unwrap_or_default();
        let mut weekly: HashMap<String, BTreeMap<Day, f64>> = HashMap::new();
        let daily: Vec<(String, i64, String, OrderAgg)> = daily;
        for (p, day, c, a) in daily {
            if !p.is_empty() && c == currency {
                *weekly
                    .entry(p)
                    .or_default()
                    .entry(Day(day).week_start())
                    .or_default() += cents(a.revenue_cents);
            }
        }
        let mut trainings: Vec<TrainingEvent> = trainings;
        trainings.retain(|t| t.at_ms < now + 1);
        Ok(Inputs {
            partners,
            money: by_partner(&rows, Some(&currency)),
            ops: by_partner(&rows, None),
            money_year_ago: by_partner(&year_ago, Some(&currency)),
            total_money,
            pss,
            pnps,
            activity,
            trainings,
            deals,
            latest_stock,
            stock_range,
            open_tickets,
            weekly,
            currency,
            others,
            start_ms,
            end_ms,
            as_of,
            days: to.0 - from.0 + 1,
            first_week,
        })
    }

    fn pct_figure(metric: MetricId, agg: Option<&SurveyAgg>) -> (Option<f64>, i64) {
        agg.map_or((None, 0), |a| {
            let f = figure(metric, a, 1);
            (f.value, f.n)
        })
    }

    /// Deals of the given partners closed in the period, as a stage table.
    fn closed_in_period(&self, keep: impl Fn(&str) -> bool) -> Vec<StageFigure> {
        pipeline(self.deals.iter().filter(|d| {
            keep(&d.partner_id)
                && !d.stage.is_open()
                && (self.start_ms..self.end_ms).contains(&d.at_ms)
        }))
    }

    /// Open deals of the given partners in the reporting currency: (count, value).
    fn open_pipeline(&self, keep: impl Fn(&str) -> bool) -> (i64, f64) {
        self.deals
            .iter()
            .filter(|d| keep(&d.partner_id) && d.stage.is_open() && d.currency == self.currency)
            .fold((0, 0.0), |(n, v), d| (n + 1, v + cents(d.value_cents)))
    }

    /// (SKUs, SKUs due for reorder) of the given partners, latest snapshots.
    fn stock(&self, keep: impl Fn(&str) -> bool) -> (i64, i64) {
        self.latest_stock
            .iter()
            .filter(|s| keep(&s.partner_id))
            .fold((0, 0), |(n, r), s| (n + 1, r + s.needs_reorder() as i64))
    }

    fn turnover(&self, keep: impl Fn(&str) -> bool) -> Option<f64> {
        let mut per_sku: BTreeMap<(&str, &str), Vec<&InventorySnapshot>> = BTreeMap::new();
        for s in self.stock_range.iter().filter(|s| keep(&s.partner_id)) {
            per_sku
                .entry((s.partner_id.as_str(), s.sku.as_str()))
                .or_default()
                .push(s);
        }
        let figures: Vec<(i64, f64)> = per_sku.values().map(|v| drawdown(v)).collect();
        turnover(&figures)
    }

    fn training(&self, keep: impl Fn(&str) -> bool) -> (i64, i64, Option<f64>) {
        let events: Vec<TrainingEvent> = self
            .trainings
            .iter()
            .filter(|t| keep(&t.partner_id))
            .cloned()
            .collect();
        training_completion(&events, self.start_ms, self.end_ms)
    }

    /// Every registered partner's row, with engagement percentiles and the index.
    fn rows(&self, weights: &IndexWeights) -> Vec<PartnerRow> {
        let total = self.total_money.revenue_cents;
        let mut rows: Vec<PartnerRow> = self
            .partners
            .iter()
            .filter(|p| p.signed_at_ms < self.end_ms)
            .map(|p| {
                let id = p.id.as_str();
                let only = |x: &str| x == id;
                let money = self.money.get(id).copied().unwrap_or_default();
                let ops = self.ops.get(id).copied().unwrap_or_default();
                let before = self.money_year_ago.get(id).copied().unwrap_or_default();
                let (pss, pss_n) = Self::pct_figure(MetricId::Pss, self.pss.get(id));
                let (pnps, pnps_n) = Self::pct_figure(MetricId::Pnps, self.pnps.get(id));
                let activity = self.activity.get(id).cloned().unwrap_or_default();
                let (started, completed, training_pct) = self.training(only);
                let (skus, below) = self.stock(only);
                let (pipeline_deals, pipeline_value) = self.open_pipeline(only);
                let weeks = self.weekly.get(id);
                PartnerRow {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    tier: p.tier.clone(),
                    region: p.region.clone(),
                    status: Some(if p.active_at(self.as_of - 1) {
                        app::domain::partner::PartnerStatus::Active
                    } else {
                        app::domain::partner::PartnerStatus::Churned
                    }),
                    signed_at_ms: p.signed_at_ms,
                    live_at_ms: p.live_at_ms.filter(|l| *l < self.end_ms),
                    churned_at_ms: p.churned_at_ms.filter(|c| *c < self.end_ms),
                    onboarding_days: p
                        .live_at_ms
                        .filter(|l| *l < self.end_ms)
                        .and(p.onboarding_days()),
                    revenue: cents(money.revenue_cents),
                    revenue_share_pct: (total > 0)
                        .then(|| 100.0 * money.revenue_cents as f64 / total as f64),
                    yoy_growth_pct: growth_pct(
                        money.revenue_cents as f64,
                        before.revenue_cents as f64,
                    ),
                    orders: ops.orders,
                    aov: money.aov(),
                    leads: activity.leads,
                    conversion_pct: win_rate(&self.closed_in_period(only)),
                    pss,
                    pss_n,
                    pnps,
                    pnps_n,
                    engagement_pctile: None,
                    trainings_started: started,
                    trainings_completed: completed,
                    training_pct,
                    on_time_pct: ops.on_time_pct(),
                    accuracy_pct: ops.accuracy_pct(),
                    return_pct: ops.return_pct(),
                    lead_time_secs: ops.lead_time_secs(),
                    margin_pct: money.margin_pct(),
                    skus,
                    skus_below_reorder: below,
                    inventory_turnover: self.turnover(only),
                    open_tickets: self.open_tickets.get(id).copied().unwrap_or(0),
                    pipeline_deals,
                    pipeline_value,
                    index: None,
                    revenue_weeks: (0..WEEKS)
                        .map(|w| {
                            let week = self.first_week.plus_days(7 * w);
                            weeks.and_then(|m| m.get(&week)).copied().unwrap_or(0.0)
                        })
                        .collect(),
                    activity,
                }
            })
            .collect();
        // Engagement percentiles among the partners active at the period's end.
        let active: Vec<usize> = (0..rows.len())
            .filter(|i| rows[*i].status == Some(app::domain::partner::PartnerStatus::Active))
            .collect();
        let values: Vec<f64> = active
            .iter()
            .map(|i| (rows[*i].activity.logins + rows[*i].activity.interactions) as f64)
            .collect();
        for (i, p) in active.iter().zip(percentile_ranks(&values)) {
            rows[*i].engagement_pctile = Some(p);
        }
        for r in &mut rows {
            // Partners that left have no index; thin figures do not enter it.
            if r.status != Some(app::domain::partner::PartnerStatus::Active) {
                continue;
            }
            let delivered = self.ops.get(&r.id).map_or(0, |a| a.promise_known);
            r.index = performance_index(
                &IndexInputs {
                    satisfaction_pct: r.pss.filter(|_| r.pss_n >= MIN_COMPONENT_N),
                    on_time_pct: r.on_time_pct.filter(|_| delivered >= MIN_COMPONENT_N),
                    growth_pct: r.yoy_growth_pct,
                    engagement_pctile: r.engagement_pctile,
                    training_pct: r.training_pct,
                },
                weights,
            );
        }
        rows
    }

    /// The programme's figures over the partners `keep` admits (`restricted`: a partner
    /// account, which does not see company-wide revenue).
    fn headline(
        &self,
        rows: &[PartnerRow],
        keep: &dyn Fn(&str) -> bool,
        restricted: bool,
    ) -> PartnerHeadline {
        let partners: Vec<PartnerRecord> = self
            .partners
            .iter()
            .filter(|p| keep(&p.id))
            .cloned()
            .collect();
        let registered: Vec<&PartnerRecord> = partners
            .iter()
            .filter(|p| p.signed_at_ms < self.end_ms)
            .collect();
        let active: Vec<&PartnerRecord> = registered
            .iter()
            .copied()
            .filter(|p| p.active_at(self.as_of - 1))
            .collect();
        let sum_survey = |m: &BTreeMap<String, SurveyAgg>| {
            let mut agg = SurveyAgg::default();
            // Unscoped, answers without a partner id still speak for partners.
            for (_, a) in m
                .iter()
                .filter(|(k, _)| keep(k) || (!restricted && k.is_empty()))
            {
                agg.merge(a);
            }
            agg
        };
        let (pss, pss_n) = Self::pct_figure(MetricId::Pss, Some(&sum_survey(&self.pss)));
        let (pnps, pnps_n) = Self::pct_figure(MetricId::Pnps, Some(&sum_survey(&self.pnps)));
        let sum_orders = |m: &HashMap<String, OrderAgg>| {
            let mut agg = OrderAgg::default();
            for (_, a) in m.iter().filter(|(k, _)| keep(k)) {
                agg.add(a, 1);
            }
            agg
        };
        let money = sum_orders(&self.money);
        let ops = sum_orders(&self.ops);
        let before = sum_orders(&self.money_year_ago);
        let mut act = ActivityCounts::default();
        for (_, a) in self.activity.iter().filter(|(k, _)| keep(k)) {
            act.merge(a);
        }
        let n_active = active.len() as i64;
        let share_of_active = |test: &dyn Fn(&ActivityCounts) -> bool| {
            (n_active > 0).then(|| {
                let n = active
                    .iter()
                    .filter(|p| self.activity.get(&p.id).is_some_and(test))
                    .count();
                100.0 * n as f64 / n_active as f64
            })
        };
        let (started, completed, training_pct) = self.training(keep);
        let (_, below) = self.stock(keep);
        let (pipeline_deals, pipeline_value) = self.open_pipeline(keep);
        let indexed: Vec<f64> = rows
            .iter()
            .filter(|r| keep(&r.id))
            .filter_map(|r| r.index)
            .collect();
        let total = if restricted {
            0.0
        } else {
            cents(self.total_money.revenue_cents)
        };
        PartnerHeadline {
            partners: registered.len() as i64,
            active: n_active,
            retention: retention(&partners, self.start_ms, self.end_ms),
            onboarding: onboarding(&partners, self.start_ms, self.end_ms),
            pss,
            pss_n,
            pnps,
            pnps_n,
            revenue: cents(money.revenue_cents),
            total_revenue: total,
            revenue_share_pct: (total > 0.0).then(|| 100.0 * cents(money.revenue_cents) / total),
            yoy_growth_pct: growth_pct(money.revenue_cents as f64, before.revenue_cents as f64),
            orders: ops.orders,
            aov: money.aov(),
            leads: act.leads,
            conversion_pct: win_rate(&self.closed_in_period(keep)),
            engagement_rate_pct: share_of_active(&|a| a.engaged()),
            logins: act.logins,
            interactions: act.interactions,
            trainings_started: started,
            trainings_completed: completed,
            training_pct,
            certifications: act.certifications,
            program_participation_pct: share_of_active(&|a| a.programs > 0),
            communications_per_partner_30d: (n_active > 0)
                .then(|| act.communications() as f64 / n_active as f64 * 30.0 / self.days as f64),
            emails: act.emails,
            meetings: act.meetings,
            calls: act.calls,
            on_time_pct: ops.on_time_pct(),
            accuracy_pct: ops.accuracy_pct(),
            return_pct: ops.return_pct(),
            lead_time_secs: ops.lead_time_secs(),
            margin_pct: money.margin_pct(),
            inventory_turnover: self.turnover(keep),
            skus_below_reorder: below,
            open_tickets: self
                .open_tickets
                .iter()
                .filter(|(k, _)| keep(k))
                .map(|(_, n)| n)
                .sum(),
            pipeline_deals,
            pipeline_value,
            mean_index: (!indexed.is_empty())
                .then(|| indexed.iter().sum::<f64>() / indexed.len() as f64),
        }
    }
}

/// The partner dashboards for an already scoped query; `restricted` for partner accounts.
pub async fn page(
    s: &Store,
    weights: &IndexWeights,
    q: &DashboardQuery,
    raw: &str,
    restricted: bool,
    now: i64,
) -> Result<PartnersPage, PartnerError> {
    let scope = check_filters(q)?;
    let (sort, desc) = parse_sort(raw)?;
    let keep = |id: &str| scope.as_deref().is_none_or(|s| s == id);
    let cur = Inputs::read(s, q.from, q.to, now, None).await?;
    let mut rows = cur.rows(weights);
    let headline = cur.headline(&rows, &keep, restricted);
    let previous = match q.previous() {
        Some((f, t)) => {
            let prev = Inputs::read(s, f, t, now, Some(&cur.currency)).await?;
            let prev_rows = prev.rows(weights);
            Some(prev.headline(&prev_rows, &keep, restricted))
        }
        None => None,
    };
    rows.retain(|r| keep(&r.id));
    if restricted {
        for r in &mut rows {
            r.revenue_share_pct = None;
        }
    }
    sort_rows(&mut rows, &sort, desc);
    let pipeline = pipeline(
        cur.deals
            .iter()
            .filter(|d| keep(&d.partner_id) && d.currency == cur.currency),
    );
    let mut reorder: Vec<InventorySnapshot> = cur
        .latest_stock
        .iter()
        .filter(|s| keep(&s.partner_id) && s.needs_reorder())
        .cloned()
        .collect();
    reorder.sort_by_key(|s| {
        (
            s.on_hand - s.reorder_level,
            s.partner_id.clone(),
            s.sku.clone(),
        )
    });
    reorder.truncate(REORDER_LISTED);
    Ok(PartnersPage {
        from: q.from,
        to: q.to,
        previous_range: q.previous(),
        revenue_trend: revenue_trend(s, q.to, &cur.currency, &keep, restricted).await?,
        engagement_trend: engagement_weeks(s, scope.as_deref(), q.to).await?,
        currency: cur.currency.clone(),
        other_currencies: cur.others.clone(),
        weights: *weights,
        headline,
        previous,
        rows,
        sort,
        desc,
        pipeline,
        reorder,
        scoped_partner: if restricted { scope } else { None },
        shared_view: false,
        generated_at: now,
    })
}

/// One partner's own page.
pub async fn detail(
    s: &Store,
    weights: &IndexWeights,
    id: &str,
    q: &DashboardQuery,
    restricted: bool,
    now: i64,
) -> Result<PartnerDetail, PartnerError> {
    check_filters(q)?;
    let cur = Inputs::read(s, q.from, q.to, now, None).await?;
    let Some(mut row) = cur.rows(weights).into_iter().find(|r| r.id == id) else {
        return Err(PartnerError::NotFound(id.to_string()));
    };
    let previous = match q.previous() {
        Some((f, t)) => {
            let prev = Inputs::read(s, f, t, now, Some(&cur.currency)).await?;
            prev.rows(weights).into_iter().find(|r| r.id == id)
        }
        None => None,
    };
    if restricted {
        row.revenue_share_pct = None;
    }
    let mut deals: Vec<&DealRecord> = cur.deals.iter().filter(|d| d.partner_id == id).collect();
    let pipeline = pipeline(deals.iter().copied().filter(|d| d.currency == cur.currency));
    deals.sort_by_key(|d| std::cmp::Reverse((d.at_ms, d.deal_id.clone())));
    let revenue_weeks = row
        .revenue_weeks
        .iter()
        .enumerate()
        .map(|(w, v)| WeekPoint {
            week: cur.first_week.plus_days(7 * w as i64),
            value: *v,
        })
        .collect();
    Ok(PartnerDetail {
        from: q.from,
        to: q.to,
        currency: cur.currency.clone(),
        weights: *weights,
        pipeline,
        deals: deals
            .into_iter()
            .take(DEALS_LISTED)
            .map(|d| DealView {
                deal_id: d.deal_id.clone(),
                stage: d.stage.as_str().to_string(),
                value: cents(d.value_cents),
                currency: d.currency.clone(),
                at_ms: d.at_ms,
            })
            .collect(),
        revenue_weeks,
        engagement_weeks: engagement_weeks(s, Some(id), q.to).await?,
        inventory: cur
            .latest_stock
            .iter()
            .filter(|s| s.partner_id == id)
            .cloned()
            .collect(),
        previous,
        row,
        generated_at: now,
    })
}

/// Monthly revenue through partners and in all, over the 12 months ending `to`'s month.
async fn revenue_trend(
    s: &Store,
    to: Day,
    currency: &str,
    keep: &(dyn Fn(&str) -> bool + Sync),
    restricted: bool,
) -> Result<Vec<RevenuePoint>, StoreError> {
    let last = to.month_start();
    let mut first = last;
    for _ in 0..11 {
        first = first.plus_days(-1).month_start();
    }
    let mut months: BTreeMap<Day, (f64, f64)> = BTreeMap::new();
    let mut m = first;
    while m <= last {
        months.insert(m, (0.0, 0.0));
        m = m.plus_days(32).month_start();
    }
    for (p, day, c, a) in orders::daily_per_value(s, "partner", None, first.0, to.0).await? {
        if !p.is_empty() && c == currency && keep(&p) {
            if let Some(e) = months.get_mut(&Day(day).month_start()) {
                e.0 += cents(a.revenue_cents);
            }
        }
    }
    if !restricted {
        for (_, day, c, a) in orders::daily_per_value(s, "", Some(""), first.0, to.0).await? {
            if c == currency {
                if let Some(e) = months.get_mut(&Day(day).month_start()) {
                    e.1 += cents(a.revenue_cents);
                }
            }
        }
    }
    Ok(months
        .into_iter()
        .map(|(month, (p, t))| RevenuePoint {
            month,
            partner_revenue: p,
            total_revenue: t,
        })
        .collect())
}

/// Weekly portal logins and interactions over the 12 weeks ending `to` (one partner, or
/// all).
async fn engagement_weeks(
    s: &Store,
    partner: Option<&str>,
    to: Day,
) -> Result<Vec<WeekPoint>, StoreError> {
    let first = to.week_start().plus_days(-7 * (WEEKS - 1));
    let mut per: BTreeMap<Day, f64> = (0..WEEKS).map(|w| (first.plus_days(7 * w), 0.0)).collect();
    for (_, week, n) in store::weekly_engagement(s, partner, first, to).await? {
        if let Some(v) = per.get_mut(&week) {
            *v += n as f64;
        }
    }
    Ok(per
        .into_iter()
        .map(|(week, value)| WeekPoint { week, value })
        .collect())
}

/// Every partner catalogue figure (`domain/catalogue.rs`, family partner) of one set of
/// partners, each with the count it rests on (the catalogue's `n`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Watched(Vec<(&'static str, Sample)>);

impl Watched {
    /// The sample of catalogue metric `id` (no data for an id the family lacks).
    pub fn get(&self, id: &str) -> Sample {
        self.0
            .iter()
            .find(|(m, _)| *m == id)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }
}

impl Inputs {
    /// The catalogue figures over the partners `keep` admits: the headline the partner page
    /// shows for that scope, with each figure's sample size.
    fn figures(&self, rows: &[PartnerRow], keep: &dyn Fn(&str) -> bool) -> Watched {
        let h = self.headline(rows, keep, false);
        let sum = |m: &HashMap<String, OrderAgg>| {
            let mut agg = OrderAgg::default();
            for (_, a) in m.iter().filter(|(k, _)| keep(k)) {
                agg.add(a, 1);
            }
            agg
        };
        let (money, ops) = (sum(&self.money), sum(&self.ops));
        let registered = rows.iter().filter(|r| keep(&r.id)).count() as i64;
        let closed: i64 = self
            .closed_in_period(keep)
            .iter()
            .filter(|f| !f.stage.is_open())
            .map(|f| f.deals)
            .sum();
        let skus_in_range = self
            .stock_range
            .iter()
            .filter(|s| keep(&s.partner_id))
            .map(|s| (s.partner_id.as_str(), s.sku.as_str()))
            .collect::<std::collections::BTreeSet<_>>()
            .len() as i64;
        let (skus, _) = self.stock(keep);
        let indexed = rows
            .iter()
            .filter(|r| keep(&r.id))
            .filter(|r| r.index.is_some())
            .count() as i64;
        let s = |value: Option<f64>, n: i64| Sample { value, n };
        // A count over partners is a reading even at 0 (an alert on it can recover): the
        // partners observed are its sample.
        let count = |v: i64| s(Some(v as f64), registered);
        Watched(vec![
            ("active_partners", count(h.active)),
            (
                "partner_retention",
                s(h.retention.retention_pct, h.retention.at_start),
            ),
            ("partner_revenue", s(Some(h.revenue), money.orders)),
            (
                "partner_revenue_share",
                s(h.revenue_share_pct, money.orders),
            ),
            ("partner_yoy_growth", s(h.yoy_growth_pct, money.orders)),
            ("partner_orders", count(h.orders)),
            ("partner_aov", s(h.aov, money.orders)),
            (
                "partner_engagement_rate",
                s(h.engagement_rate_pct, h.active),
            ),
            ("partner_performance_index", s(h.mean_index, indexed)),
            ("on_time_delivery", s(h.on_time_pct, ops.promise_known)),
            ("order_accuracy", s(h.accuracy_pct, ops.accuracy_known)),
            ("lead_time", s(h.lead_time_secs, ops.delivered)),
            ("partner_return_rate", s(h.return_pct, ops.orders)),
            ("profit_margin", s(h.margin_pct, money.costed)),
            ("inventory_turnover", s(h.inventory_turnover, skus_in_range)),
            (
                "inventory_below_reorder",
                s(Some(h.skus_below_reorder as f64), skus),
            ),
            ("partner_open_tickets", count(h.open_tickets)),
            (
                "training_completion",
                s(h.training_pct, h.trainings_started),
            ),
            ("certifications", count(h.certifications)),
            (
                "programme_participation",
                s(h.program_participation_pct, h.active),
            ),
            (
                "partner_communications",
                s(h.communications_per_partner_30d, h.active),
            ),
            (
                "onboarding_time",
                s(
                    h.onboarding.median_days.map(|d| d * 86_400.0),
                    h.onboarding.completed,
                ),
            ),
            ("partner_leads", count(h.leads)),
            ("deal_conversion", s(h.conversion_pct, closed)),
            (
                "pipeline_value",
                s(Some(h.pipeline_value), h.pipeline_deals),
            ),
        ])
    }
}

/// The currency partner revenue over days `from..=to` is reported in (the one with the most
/// revenue), as the figures partner alerts watch are.
pub async fn reporting_currency(
    s: &Store,
    from: Day,
    to: Day,
    now: i64,
) -> Result<String, StoreError> {
    Ok(
        Inputs::read_some(s, from, to, now, None, Need::for_metric("partner_revenue"))
            .await?
            .currency,
    )
}

/// The catalogue figures over days `from..=to`, over all registered partners and per
/// partner, reading only what catalogue metric `metric` needs (the others read as no data).
/// A partner's figures are the partner page's headline narrowed to that partner.
pub async fn watched(
    s: &Store,
    weights: &IndexWeights,
    metric: &str,
    from: Day,
    to: Day,
    now: i64,
) -> Result<(Watched, BTreeMap<String, Watched>), StoreError> {
    let inputs = Inputs::read_some(s, from, to, now, None, Need::for_metric(metric)).await?;
    let rows = inputs.rows(weights);
    let all = inputs.figures(&rows, &|_| true);
    let mut per = BTreeMap::new();
    for r in &rows {
        let id = r.id.as_str();
        let mut w = inputs.figures(&rows, &|k| k == id);
        // One partner's index rests on its components with data, not on partners indexed.
        let components = [
            r.pss,
            r.on_time_pct,
            r.yoy_growth_pct,
            r.engagement_pctile,
            r.training_pct,
        ]
        .iter()
        .flatten()
        .count() as i64;
        for (m, sample) in &mut w.0 {
            if *m == "partner_performance_index" {
                *sample = Sample {
                    value: r.index,
                    n: components,
                };
            }
        }
        per.insert(r.id.clone(), w);
    }
    Ok((all, per))
}

/// Partner engagement for the home page: (active partners, engaged %).
pub async fn engagement_rate(
    s: &Store,
    from: Day,
    to: Day,
    now: i64,
) -> Result<(i64, Option<f64>), StoreError> {
    let as_of = to.plus_days(1).start_ms().min(now + 1);
    let partners = store::list_partners(s).await?;
    let activity = store::activity_counts(s, None, from, to).await?;
    let active: Vec<&PartnerRecord> = partners.iter().filter(|p| p.active_at(as_of - 1)).collect();
    let engaged = active
        .iter()
        .filter(|p| activity.get(&p.id).is_some_and(ActivityCounts::engaged))
        .count();
    let n = active.len() as i64;
    Ok((n, (n > 0).then(|| 100.0 * engaged as f64 / n as f64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, index: Option<f64>, name: &str) -> PartnerRow {
        PartnerRow {
            id: id.into(),
            name: name.into(),
            index,
            ..PartnerRow::default()
        }
    }

    #[test]
    fn sorting_keeps_missing_values_last_both_ways() {
        let mut rows = vec![
            row("a", Some(50.0), "Zed"),
            row("b", None, "alpha"),
            row("c", Some(70.0), "Mid"),
        ];
        sort_rows(&mut rows, "index", true);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["c", "a", "b"]
        );
        sort_rows(&mut rows, "index", false);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["a", "c", "b"]
        );
        sort_rows(&mut rows, "name", false);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["b", "c", "a"]
        );
    }

    #[test]
    fn sort_parameters_are_validated() {
        assert_eq!(parse_sort("").unwrap(), ("index".into(), true));
        assert_eq!(parse_sort("sort=name").unwrap(), ("name".into(), false));
        assert_eq!(
            parse_sort("sort=pss&dir=asc").unwrap(),
            ("pss".into(), false)
        );
        assert_eq!(parse_sort("sort=colour").unwrap_err().code, "invalid_sort");
        assert_eq!(parse_sort("dir=up").unwrap_err().code, "invalid_sort");
    }
}
