//! The alert engine: evaluates every enabled rule against the rollups, advances each alert
//! through its life cycle, and writes the results (alerts, log, deliveries) in one
//! transaction per pass. State lives in the store, so a restart resumes where it stopped.

use super::source::{Memo, Samples};
use super::webhook;
use crate::bus::{Change, ChangeBus};
use crate::clock::now_ms;
use crate::store::alerts::{
    self as store, AlertUpdate, Effects, EngineWrites, NewAlert, NewDelivery, OpenAlert, Silence,
};
use crate::store::{surveys, Store, StoreError};
use app::domain::alert::catalogue::{Family, MetricDef};
use app::domain::alert::delivery::Event;
use app::domain::alert::evaluate::{evaluate, Outcome, Reading, Sample};
use app::domain::alert::lifecycle::{step, AlertState, Observation, Tracked, Transition};
use app::domain::alert::rule::{format_in, RuleSpec};
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::metric::Direction;
use app::domain::target::Targets;
use app::model::alerts::{AlertView, Evidence, Mover, RuleView, Verbatim, WorkStatus};
use app::model::ChangeNotice;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{watch, Mutex, Notify};

/// How the engine runs.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Time between passes (`SIGNALROOM_ALERT_TICK_SECS`, default 30 s).
    pub tick: Duration,
    /// Quiet time after an ingest notice before a pass, so a burst of batches costs one.
    pub debounce: Duration,
    /// Base of the webhook retry back-off.
    pub retry_base_ms: i64,
    /// Time limit of one webhook attempt.
    pub delivery_timeout: Duration,
    /// The public origin for links in webhook payloads.
    pub public_url: String,
    /// Weights of the partner performance index (as the partner views use them).
    pub partner_weights: app::domain::partner::IndexWeights,
    /// Hosts allowed as webhook targets although private (`SIGNALROOM_WEBHOOK_ALLOW_HOSTS`).
    pub webhook_allow: super::ssrf::AllowList,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            tick: Duration::from_secs(30),
            debounce: Duration::from_millis(250),
            retry_base_ms: 2_000,
            delivery_timeout: Duration::from_secs(10),
            public_url: String::new(),
            partner_weights: Default::default(),
            webhook_allow: Default::default(),
        }
    }
}

/// What one pass did.
#[derive(Clone, Debug, Default)]
pub struct PassReport {
    pub rules: usize,
    pub evaluations: usize,
    /// Alerts that fired or resolved.
    pub changes: usize,
    pub elapsed: Duration,
    /// Time spent reading samples, per family.
    pub reads: Vec<(Family, Duration)>,
}

/// The engine. One pass runs at a time.
pub struct AlertEngine {
    store: Arc<Store>,
    bus: ChangeBus,
    config: EngineConfig,
    /// One pass at a time, and what the last one read.
    pass: Mutex<PassState>,
    /// Wakes the webhook worker when deliveries were queued.
    pub(crate) deliveries: Arc<Notify>,
    /// The journey and commerce families' source.
    journey: Option<crate::journey::Journey>,
}

/// What passes carry from one to the next: the memo of reads, and the change notices since
/// the last pass, which say what of it is stale.
struct PassState {
    memo: Memo,
    notices: tokio::sync::broadcast::Receiver<Change>,
}

impl PassState {
    /// The memo with every change since the last pass applied; a lagged receiver (changes
    /// were missed) forgets everything.
    fn take_memo(&mut self) -> Memo {
        use tokio::sync::broadcast::error::TryRecvError;
        let mut memo = std::mem::take(&mut self.memo);
        loop {
            match self.notices.try_recv() {
                Ok(c) => memo.note(&c),
                Err(TryRecvError::Lagged(_)) => memo = Memo::default(),
                Err(TryRecvError::Empty | TryRecvError::Closed) => return memo,
            }
        }
    }
}

/// Dimensions searched for the value that moved most. Tickets skip partner and product
/// category: each value is a separate rollup read, and a firing pass should stay fast.
fn mover_dimensions(def: &MetricDef) -> Vec<Dimension> {
    if def.dimensions.is_empty() {
        return Vec::new();
    }
    match def.family {
        Family::Surveys => def.dimensions.to_vec(),
        Family::Tickets | Family::Feedback => {
            vec![Dimension::Channel, Dimension::Segment, Dimension::Region]
        }
        // One memoised read answers every partner at once.
        Family::Partners => vec![Dimension::Partner],
        // Each value is a pass over the event index.
        Family::Journey => vec![Dimension::Channel, Dimension::Segment],
        Family::Incidents | Family::Commerce | Family::Workflows => Vec::new(),
    }
}

/// Smallest sample on both sides for a dimension value to count as a mover; among those, the
/// largest move in the bad direction times the value's sample wins.
const MOVER_MIN_N: i64 = 10;

impl AlertEngine {
    /// An engine over `store`, announcing alert changes on `bus`.
    pub fn new(store: Arc<Store>, bus: ChangeBus, config: EngineConfig) -> AlertEngine {
        let notices = bus.subscribe();
        AlertEngine {
            store,
            bus,
            pass: Mutex::new(PassState {
                memo: Memo::default(),
                notices,
            }),
            config,
            deliveries: Arc::new(Notify::new()),
            journey: None,
        }
    }

    /// Reads the journey and commerce families from `j`.
    pub fn with_journey(mut self, j: crate::journey::Journey) -> Self {
        self.journey = Some(j);
        self
    }

    /// The journey and commerce source, when set.
    pub fn journey(&self) -> Option<&crate::journey::Journey> {
        self.journey.as_ref()
    }

    /// The configuration.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Runs passes on the tick and after ingest notices (debounced) until shutdown, and the
    /// webhook worker beside them.
    pub fn spawn(self: &Arc<Self>, shutdown: watch::Receiver<bool>) {
        let engine = self.clone();
        let mut stop = shutdown.clone();
        tokio::spawn(async move {
            let mut rx = engine.bus.subscribe();
            let mut tick = tokio::time::interval(engine.config.tick);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    r = rx.recv() => match r {
                        // Our own notices (and other non-metric families) do not re-trigger.
                        Ok(c) if !is_metric_change(&c) => continue,
                        Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                            // Debounce: let a burst of batches land, then evaluate once.
                            tokio::time::sleep(engine.config.debounce).await;
                            while rx.try_recv().is_ok() {}
                        }
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    },
                    _ = stop.changed() => return,
                }
                if *stop.borrow() {
                    return;
                }
                if let Err(e) = engine.evaluate(now_ms()).await {
                    tracing::warn!(error = %e, "alert evaluation failed");
                }
            }
        });
        tokio::spawn(webhook::run(
            self.store.clone(),
            self.deliveries.clone(),
            self.config.clone(),
            shutdown,
        ));
    }

    /// One pass over every enabled rule at `now_ms`.
    pub async fn evaluate(&self, now_ms: i64) -> Result<PassReport, StoreError> {
        let mut state = self.pass.lock().await;
        let started = Instant::now();
        // Notices up to here are in the memo; data committed during the pass announces
        // itself to the next one.
        let memo = state.take_memo();
        let rules = store::enabled_rules(&self.store).await?;
        let open: HashMap<(String, String), OpenAlert> = store::open_alerts(&self.store)
            .await?
            .into_iter()
            .map(|a| ((a.rule_id.clone(), a.dim_key.clone()), a))
            .collect();
        let silences = store::active_silences(&self.store, now_ms).await?;
        let targets = crate::store::targets::list(&self.store).await?;
        let today = Day::from_epoch_ms(now_ms);
        let span = rules
            .iter()
            .map(|r| r.spec.window_days + r.spec.condition.baseline_days().unwrap_or(0))
            .max()
            .unwrap_or(1);
        let mut samples =
            Samples::resume(&self.store, today, span, self.config.partner_weights, memo);
        if let Some(j) = &self.journey {
            samples = samples.journey(j);
        }
        samples.refresh().await?;
        let mut writes = EngineWrites::default();
        let mut report = PassReport {
            rules: rules.len(),
            ..PassReport::default()
        };
        for rule in &rules {
            let Some(def) = rule.spec.def() else {
                continue;
            };
            let outcomes = self
                .outcomes(&mut samples, rule, def, &targets, today, &open)
                .await?;
            report.evaluations += outcomes.len();
            for (key, outcome) in outcomes {
                let prev = open.get(&(rule.id.clone(), key.clone()));
                let ctx = Ctx {
                    rule,
                    def,
                    key: &key,
                    now_ms,
                    today,
                    silences: &silences,
                };
                self.advance(&ctx, prev, outcome, &mut samples, &mut writes)
                    .await?;
            }
        }
        let queued = writes
            .inserts
            .iter()
            .map(|(_, fx)| fx.deliveries.len())
            .chain(writes.updates.iter().map(|(_, fx)| fx.deliveries.len()))
            .sum::<usize>();
        report.reads = samples.spent();
        state.memo = samples.into_memo();
        report.changes = store::apply(&self.store, &writes, now_ms).await?;
        if report.changes > 0 {
            self.announce(report.changes as i64, now_ms);
        }
        if queued > 0 {
            self.deliveries.notify_one();
        }
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Tells open inboxes that alerts changed. Partner accounts never hear of it: alerts
    /// are the team's.
    pub fn announce(&self, count: i64, now_ms: i64) {
        let today = Day::from_epoch_ms(now_ms);
        self.bus.publish(Change {
            notice: ChangeNotice {
                family: "alerts".into(),
                kinds: Vec::new(),
                from: today,
                to: today,
                count,
                at: now_ms,
            },
            partners: Some(BTreeMap::new()),
        });
    }

    /// The rule's outcome per dimension key ("" for ungrouped rules). Open alerts of a
    /// grouped rule whose value has no data now are evaluated as unknown, so they hold.
    async fn outcomes(
        &self,
        samples: &mut Samples<'_>,
        rule: &RuleView,
        def: &MetricDef,
        targets: &Targets,
        today: Day,
        open: &HashMap<(String, String), OpenAlert>,
    ) -> Result<Vec<(String, Outcome)>, StoreError> {
        let spec = &rule.spec;
        let Some(by) = spec.group_by else {
            let (_, outcome) = evaluate_total(samples, spec, def, targets, today).await?;
            return Ok(vec![(String::new(), outcome)]);
        };
        let mut out: Vec<(String, Outcome)> =
            evaluate_keyed(samples, spec, def, targets, by, today)
                .await?
                .into_iter()
                .map(|(v, o)| (dim_key(by, &v), o))
                .collect();
        for (rule_id, key) in open.keys() {
            if rule_id == &rule.id && !out.iter().any(|(k, _)| k == key) {
                out.push((key.clone(), Outcome::Unknown));
            }
        }
        Ok(out)
    }

    /// Steps one alert and records what follows.
    async fn advance(
        &self,
        ctx: &Ctx<'_>,
        prev: Option<&OpenAlert>,
        outcome: Outcome,
        samples: &mut Samples<'_>,
        writes: &mut EngineWrites,
    ) -> Result<(), StoreError> {
        let obs = match outcome {
            Outcome::Breach(_) => Observation::Breach,
            Outcome::Clear(_) => Observation::Clear,
            Outcome::Unknown => Observation::Unknown,
        };
        let tracked = prev.map(|o| Tracked {
            state: AlertState::parse(&o.state).unwrap_or(AlertState::Firing),
            breach_since: o.breach_since,
            clear_since: o.clear_since,
        });
        let (next, transition) = step(tracked, obs, ctx.now_ms, ctx.rule.spec.for_secs);
        let spec = &ctx.rule.spec;
        let silenced_until = ctx
            .silences
            .iter()
            .filter(|s| s.covers(&ctx.rule.id, ctx.key))
            .map(|s| s.until_at)
            .max()
            .or(prev.and_then(|p| p.silenced_until))
            .filter(|t| *t > ctx.now_ms);
        match (prev, next, transition) {
            (None, Some(t), Some(tr)) => {
                let fired = tr == Transition::Fired;
                let evidence = match (fired, outcome.reading()) {
                    (true, Some(r)) => Some(self.evidence(ctx, r, samples).await?),
                    _ => None,
                };
                let alert = NewAlert {
                    id: crate::auth::tokens::random_id(),
                    rule_id: ctx.rule.id.clone(),
                    dim_key: ctx.key.to_string(),
                    state: t.state,
                    severity: spec.severity,
                    metric: spec.metric.clone(),
                    title: title(spec, ctx.key),
                    description: ctx.rule.description.clone(),
                    team: spec.team.clone(),
                    assignee: spec.owner.clone(),
                    evidence,
                    breach_since: t.breach_since,
                    fired_at: fired.then_some(ctx.now_ms),
                    silenced_until,
                };
                let mut fx = Effects::default();
                if fired {
                    fx.log = Some(("fired", fired_detail(ctx.def, outcome.reading())));
                    if silenced_until.is_none() {
                        let view = new_alert_view(&alert, ctx.now_ms);
                        fx.deliveries = self.deliveries_for(spec, &view, Event::Fired, ctx.now_ms);
                    }
                }
                writes.inserts.push((alert, fx));
            }
            (Some(p), None, Some(Transition::Cancelled)) => writes.deletes.push(p.id.clone()),
            (Some(p), Some(t), tr) => {
                let prev_state = tracked.map(|x| x.state).unwrap_or(AlertState::Firing);
                let mut u = AlertUpdate {
                    id: p.id.clone(),
                    prev_state,
                    state: t.state,
                    clear_since: t.clear_since,
                    fired: None,
                    resolved_at: None,
                };
                let mut fx = Effects::default();
                let event = match tr {
                    Some(Transition::Fired) => {
                        let r = outcome.reading();
                        if let Some(r) = r {
                            u.fired = Some((ctx.now_ms, self.evidence(ctx, r, samples).await?));
                        }
                        fx.log = Some(("fired", fired_detail(ctx.def, r)));
                        Some(Event::Fired)
                    }
                    Some(Transition::Recovered) => {
                        u.resolved_at = Some(ctx.now_ms);
                        let detail = match outcome.reading() {
                            Some(r) => format!(
                                "recovered: {} is back within {}",
                                format_in(r.value, ctx.def.unit),
                                format_in(r.threshold, ctx.def.unit)
                            ),
                            None => "recovered".to_string(),
                        };
                        fx.log = Some(("resolved", detail));
                        Some(Event::Resolved)
                    }
                    _ => None,
                };
                let changed = tracked != Some(t) || event.is_some();
                if !changed {
                    return Ok(());
                }
                if let (Some(event), None) = (event, silenced_until) {
                    if !spec.webhooks.is_empty() {
                        if let Some(mut view) = store::get_alert(&self.store, &p.id).await? {
                            view.state = t.state;
                            if let Some((at, e)) = &u.fired {
                                view.fired_at = Some(*at);
                                view.evidence = Some(e.clone());
                            }
                            if u.resolved_at.is_some() {
                                view.resolved_at = u.resolved_at;
                                view.resolved_by = Some("engine".into());
                                view.work_status = WorkStatus::Resolved;
                            }
                            fx.deliveries = self.deliveries_for(spec, &view, event, ctx.now_ms);
                        }
                    }
                }
                writes.updates.push((u, fx));
            }
            _ => {}
        }
        Ok(())
    }

    /// The evidence an alert keeps when it fires: the reading, the dimension value that
    /// moved most against the baseline, and up to three customer comments.
    async fn evidence(
        &self,
        ctx: &Ctx<'_>,
        reading: &Reading,
        samples: &mut Samples<'_>,
    ) -> Result<Evidence, StoreError> {
        let spec = &ctx.rule.spec;
        let mut filters = spec.filters.clone();
        if let (Some(by), Some((_, v))) = (spec.group_by, ctx.key.split_once('=')) {
            filters.insert(by, v.to_string());
        }
        let (from, to) = window(spec, ctx.today);
        let (bf, bt) = match spec.condition.baseline_days() {
            Some(b) => (from.plus_days(-b), from.plus_days(-1)),
            None => (from.plus_days(-spec.window_days), from.plus_days(-1)),
        };
        let mut mover: Option<(f64, Mover)> = None;
        for d in mover_dimensions(ctx.def) {
            if filters.contains_key(&d) {
                continue;
            }
            let cur = samples.keyed(ctx.def, &filters, d, from, to).await?;
            let base: HashMap<String, Sample> = samples
                .keyed(ctx.def, &filters, d, bf, bt)
                .await?
                .into_iter()
                .collect();
            for (v, s) in cur {
                let (Some(c), Some(b)) = (
                    s.value,
                    base.get(&v)
                        .and_then(|b| (b.n >= MOVER_MIN_N).then_some(b.value).flatten()),
                ) else {
                    continue;
                };
                if s.n < MOVER_MIN_N {
                    continue;
                }
                // Worse is what explains an alert: the move in the bad direction, weighted by
                // the value's sample, so a big segment's slide outranks a tiny one's noise.
                let worse = match ctx.def.direction {
                    Direction::HigherIsBetter => b - c,
                    Direction::LowerIsBetter => c - b,
                };
                let impact = worse * s.n as f64;
                if worse > 0.0 && mover.as_ref().is_none_or(|(m, _)| impact > *m) {
                    mover = Some((
                        impact,
                        Mover {
                            dimension: d,
                            value: v,
                            current: c,
                            baseline: b,
                            n: s.n,
                        },
                    ));
                }
            }
        }
        let verbatims = match ctx.def.survey_metric().filter(|_| ctx.def.has_comments) {
            Some(m) => surveys::comments(&self.store, m.kind(), &filters, from, to, 3)
                .await?
                .into_iter()
                .map(|(text, at, score)| Verbatim {
                    text,
                    at,
                    score,
                    sentiment: None,
                })
                .collect(),
            None if ctx.def.family == Family::Feedback => {
                super::source::feedback_verbatims(&self.store, ctx.def, &filters, from, to).await?
            }
            None => Vec::new(),
        };
        let currency = match ctx.def.id {
            "partner_revenue" => Some(
                crate::partners::reporting_currency(&self.store, from, to, crate::clock::now_ms())
                    .await?,
            ),
            _ => None,
        };
        Ok(Evidence {
            reading: *reading,
            window_days: spec.window_days,
            mover: mover.map(|(_, m)| m),
            verbatims,
            currency,
        })
    }

    fn deliveries_for(
        &self,
        spec: &RuleSpec,
        view: &AlertView,
        event: Event,
        now_ms: i64,
    ) -> Vec<NewDelivery> {
        let link = format!("{}/alerts?alert={}", self.config.public_url, view.id);
        spec.webhooks
            .iter()
            .map(|w| NewDelivery {
                id: crate::auth::tokens::random_id(),
                alert_id: view.id.clone(),
                rule_id: view.rule_id.clone(),
                url: w.url.clone(),
                format: serde_json::to_value(w.format)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_else(|| "json".into()),
                event: event.as_str().into(),
                payload: webhook::payload(w.format, event, view, &link, now_ms),
            })
            .collect()
    }
}

/// What one step needs to know.
struct Ctx<'a> {
    rule: &'a RuleView,
    def: &'static MetricDef,
    key: &'a str,
    now_ms: i64,
    today: Day,
    silences: &'a [Silence],
}

/// Whether a notice can move any alertable metric (alerts, targets and the like do not).
fn is_metric_change(c: &Change) -> bool {
    let f = c.notice.family.as_str();
    app::domain::alert::catalogue::CATALOGUE
        .iter()
        .any(|m| m.family.moved_by(f))
}

/// The evaluation window: `window_days` whole days ending today.
pub fn window(spec: &RuleSpec, today: Day) -> (Day, Day) {
    (today.plus_days(1 - spec.window_days), today)
}

/// The baseline of a change condition: the `baseline_days` before the window.
fn baseline(spec: &RuleSpec, today: Day) -> Option<(Day, Day)> {
    let (from, _) = window(spec, today);
    spec.condition
        .baseline_days()
        .map(|b| (from.plus_days(-b), from.plus_days(-1)))
}

/// The rule on its whole filtered population for the window ending `day`: the window's
/// sample and the outcome.
pub(crate) async fn evaluate_total(
    samples: &mut Samples<'_>,
    spec: &RuleSpec,
    def: &MetricDef,
    targets: &Targets,
    day: Day,
) -> Result<(Sample, Outcome), StoreError> {
    let (from, to) = window(spec, day);
    let cur = samples.sample(def, &spec.filters, from, to).await?;
    let base = match baseline(spec, day) {
        Some((bf, bt)) => Some(samples.sample(def, &spec.filters, bf, bt).await?),
        None => None,
    };
    let goal_def = def.with_targets(targets, &spec.filters);
    Ok((cur, evaluate(spec, &goal_def, cur, base)))
}

/// The rule per value of `by` for the window ending `day` (values with data in the window).
pub(crate) async fn evaluate_keyed(
    samples: &mut Samples<'_>,
    spec: &RuleSpec,
    def: &MetricDef,
    targets: &Targets,
    by: Dimension,
    day: Day,
) -> Result<Vec<(String, Outcome)>, StoreError> {
    let (from, to) = window(spec, day);
    let cur = samples.keyed(def, &spec.filters, by, from, to).await?;
    let base = baseline(spec, day);
    let b: HashMap<String, Sample> = match base {
        Some((bf, bt)) => samples
            .keyed(def, &spec.filters, by, bf, bt)
            .await?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    Ok(cur
        .into_iter()
        .map(|(v, s)| {
            let baseline = base.map(|_| b.get(&v).copied().unwrap_or_default());
            // A target set for this value (CSAT on chat) applies to its group.
            let mut filters = spec.filters.clone();
            filters.insert(by, v.clone());
            let o = evaluate(spec, &def.with_targets(targets, &filters), s, baseline);
            (v, o)
        })
        .collect())
}

/// `channel=phone`.
pub fn dim_key(by: Dimension, value: &str) -> String {
    format!("{}={value}", by.as_str())
}

fn title(spec: &RuleSpec, key: &str) -> String {
    if key.is_empty() {
        spec.name.clone()
    } else {
        format!("{} · {key}", spec.name)
    }
}

fn fired_detail(def: &MetricDef, r: Option<&Reading>) -> String {
    match r {
        Some(r) => {
            let mut s = format!(
                "{} at {} (threshold {}, n = {})",
                def.label,
                format_in(r.value, def.unit),
                format_in(r.threshold, def.unit),
                r.n
            );
            if let Some(b) = r.baseline {
                s.push_str(&format!(", baseline {}", format_in(b, def.unit)));
            }
            s
        }
        None => format!("{} in breach", def.label),
    }
}

fn new_alert_view(a: &NewAlert, now_ms: i64) -> AlertView {
    AlertView {
        id: a.id.clone(),
        rule_id: a.rule_id.clone(),
        title: a.title.clone(),
        description: a.description.clone(),
        metric: a.metric.clone(),
        dim_key: a.dim_key.clone(),
        severity: a.severity,
        state: a.state,
        work_status: WorkStatus::Open,
        evidence: a.evidence.clone(),
        started_at: a.breach_since,
        fired_at: a.fired_at,
        acknowledged_at: None,
        acknowledged_by: None,
        resolved_at: None,
        resolved_by: None,
        assignee: a.assignee.clone(),
        action_taken: String::new(),
        team: a.team.clone(),
        silenced_until: a.silenced_until,
        updated_at: now_ms,
    }
}
