//! Samples of catalogue metrics over day windows, read from the rollups and memoised for
//! one engine pass: a thousand rules over the same filters cost one read per filter set.

use crate::clock::now_ms;
use crate::journey::{CommerceFacts, Journey, JourneyError};
use crate::partners::Watched;
use crate::store::feedback::{self as voice_store, DailySentiment, FeedbackFilter};
use crate::store::{incidents, surveys, tickets, workflows, Store, StoreError};
use app::domain::alert::catalogue::{self, Family, MetricDef};
use app::domain::alert::evaluate::Sample;
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::feedback::Audience;
use app::domain::incident::IncidentRecord;
use app::domain::journey::commerce::CommerceMetric;
use app::domain::metric::{figure, SurveyAgg};
use app::domain::partner::IndexWeights;
use app::domain::sentiment::{Polarity, SentimentCounts};
use app::domain::summary::DailyAgg;
use app::domain::survey::SurveyKind;
use app::domain::ticket::{SupportAgg, TicketRecord};
use app::model::alerts::Verbatim;
use std::collections::{BTreeMap, HashMap};

/// Filters as a cache key.
type Filters = BTreeMap<Dimension, String>;

/// Survey aggregates per value of a dimension, memoised by filters, dimension, kind, window.
type SurveyKeyed = HashMap<(Filters, Dimension, SurveyKind, Day, Day), Vec<(String, SurveyAgg)>>;
/// Support aggregates per value of a dimension, memoised by filters, dimension, window.
type TicketKeyed = HashMap<(Filters, Dimension, Day, Day), Vec<(String, SupportAgg)>>;

/// The CES scale alert rules watch (see the catalogue).
const CES_SCALE: i64 = 7;

/// Reads samples for one engine pass. Survey windows come from one fetch of daily
/// aggregates per filter set covering `span` days back from `today`; what the reads return
/// is kept in a [`Memo`] the engine carries to the next pass.
pub struct Samples<'a> {
    store: &'a Store,
    today: Day,
    span: i64,
    weights: IndexWeights,
    /// Events and commerce: without it those families read as no data.
    journey: Option<&'a Journey>,
    m: Memo,
    /// Time spent reading, per family (what makes a pass slow).
    spent: BTreeMap<Family, std::time::Duration>,
}

/// What the reads of a pass returned, by family. Kept between passes, each part is dropped
/// (or, for the daily series, re-read over the changed days only) when a change notice says
/// its data moved: an idle pass reads nothing, a pass after an ingest of today's answers
/// reads today.
#[derive(Default)]
pub struct Memo {
    /// The day, span and partner weights the memo was read for: any other starts afresh.
    basis: Option<(Day, i64, IndexWeights)>,
    /// When the memo was started; writes that announce nothing are seen once it is older
    /// than [`MEMO_MAX_AGE`].
    started: Option<std::time::Instant>,
    /// Days of the daily series to re-read before the next pass, per family.
    pending: BTreeMap<Family, (Day, Day)>,
    survey_daily: HashMap<Filters, Vec<DailyAgg>>,
    survey_keyed: SurveyKeyed,
    ticket_aggs: HashMap<(Filters, Day, Day), SupportAgg>,
    /// Daily ticket rollups over the span per filter set (at most one filter), with
    /// histograms once a duration metric needs them.
    ticket_days: HashMap<Filters, (tickets::DailyRollups, bool)>,
    ticket_keyed: TicketKeyed,
    /// Daily sentiment over the span per audience and filter set.
    feedback_days: HashMap<(Audience, Filters), Vec<DailySentiment>>,
    feedback_keyed: FeedbackKeyed,
    /// Partner figures per input need and window, over all partners and per partner: every
    /// metric of one need is answered by one read (`partners::Need`).
    partner_watch: HashMap<(crate::partners::Need, Day, Day), PartnerWatch>,
    journey_windows: HashMap<(Filters, Day, Day), Figures>,
    commerce_facts: Option<CommerceFacts>,
    commerce_windows: HashMap<(Filters, Day, Day), Vec<(CommerceMetric, Sample)>>,
    /// Incidents active since the span's first day.
    incidents: Option<Vec<IncidentRecord>>,
    /// Workflow figures per window (every workflow metric of a window is one read).
    workflow_windows: HashMap<(Day, Day), Vec<(&'static str, Sample)>>,
}

/// Whether `change` can move `family` as far as partner figures go (any other family: yes).
/// Surveys move them through partner satisfaction only, tickets through partner tickets
/// only; orders always (the partners' share is of all revenue).
fn moves_partners(family: Family, change: &crate::bus::Change) -> bool {
    if family != Family::Partners {
        return true;
    }
    let n = &change.notice;
    match n.family.as_str() {
        "surveys" => {
            n.kinds.is_empty()
                || n.kinds
                    .iter()
                    .any(|k| matches!(k, SurveyKind::Pss | SurveyKind::Pnps))
        }
        "tickets" => change
            .partners
            .as_ref()
            .is_none_or(|p| p.keys().any(|k| !k.is_empty())),
        _ => true,
    }
}

/// How long a memo serves before a pass reads everything again: some writes (a retention
/// purge, a direct database edit) announce nothing.
pub const MEMO_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(300);

impl Memo {
    /// Forgets what a change of bus family `notice.family` over `notice.from..=to` can have
    /// moved. Window figures of a moved family are dropped; its daily series are marked for
    /// a re-read of those days.
    pub fn note(&mut self, change: &crate::bus::Change) {
        let notice = &change.notice;
        if notice.family == "*" {
            *self = Memo::default();
            return;
        }
        for family in Family::ALL {
            if !family.moved_by(&notice.family) || !moves_partners(family, change) {
                continue;
            }
            match family {
                Family::Surveys => self.survey_keyed.clear(),
                Family::Tickets => {
                    self.ticket_aggs.clear();
                    self.ticket_keyed.clear();
                }
                Family::Feedback => self.feedback_keyed.clear(),
                Family::Partners => self.partner_watch.clear(),
                Family::Incidents => self.incidents = None,
                Family::Journey => self.journey_windows.clear(),
                Family::Commerce => {
                    self.commerce_facts = None;
                    self.commerce_windows.clear();
                }
                Family::Workflows => self.workflow_windows.clear(),
            }
            if matches!(family, Family::Surveys | Family::Tickets | Family::Feedback) {
                let (from, to) = (notice.from.min(notice.to), notice.from.max(notice.to));
                let days = self.pending.entry(family).or_insert((from, to));
                *days = (days.0.min(from), days.1.max(to));
            }
        }
    }

    /// Whether the memo was read for this day, span and weights, recently enough.
    fn serves(&self, today: Day, span: i64, weights: IndexWeights) -> bool {
        self.basis == Some((today, span, weights))
            && self.started.is_some_and(|t| t.elapsed() < MEMO_MAX_AGE)
    }
}

type PartnerWatch = (Watched, BTreeMap<String, Watched>);

/// One window's figures of a family, by catalogue id.
type Figures = Vec<(&'static str, Sample)>;

/// Sentiment counts per value of a dimension, memoised by audience, filters, dimension, window.
type FeedbackKeyed =
    HashMap<(Audience, Filters, Dimension, Day, Day), Vec<(String, SentimentCounts)>>;

impl<'a> Samples<'a> {
    /// A fresh memo; `span` is the longest window + baseline (days) any rule needs.
    pub fn new(store: &'a Store, today: Day, span: i64) -> Samples<'a> {
        Samples::resume(store, today, span, IndexWeights::default(), Memo::default())
    }

    /// Reads on from `memo` when it was read for this day, span and weights, afresh
    /// otherwise. Call [`Samples::refresh`] before sampling.
    pub fn resume(
        store: &'a Store,
        today: Day,
        span: i64,
        weights: IndexWeights,
        memo: Memo,
    ) -> Samples<'a> {
        let span = span.max(1);
        let m = if memo.serves(today, span, weights) {
            memo
        } else {
            Memo {
                basis: Some((today, span, weights)),
                started: Some(std::time::Instant::now()),
                ..Memo::default()
            }
        };
        Samples {
            store,
            today,
            span,
            weights,
            journey: None,
            m,
            spent: BTreeMap::new(),
        }
    }

    /// What was read, for the next pass.
    pub fn into_memo(self) -> Memo {
        self.m
    }

    /// Re-reads the changed days of every memoised daily series (see [`Memo::note`]).
    pub async fn refresh(&mut self) -> Result<(), StoreError> {
        let (earliest, today) = (self.earliest(), self.today);
        let pending = std::mem::take(&mut self.m.pending);
        for (family, (from, to)) in pending {
            // Only the span is memoised: changes outside it move nothing kept here.
            let (a, b) = (from.max(earliest), to.min(today));
            if a > b {
                continue;
            }
            let started = std::time::Instant::now();
            match family {
                Family::Surveys => {
                    for (filters, rows) in &mut self.m.survey_daily {
                        let fresh = surveys::daily_aggs(self.store, filters, a, b).await?;
                        rows.retain(|r| r.day < a || r.day > b);
                        rows.extend(fresh);
                    }
                }
                Family::Tickets => {
                    for (filters, (rows, hist)) in &mut self.m.ticket_days {
                        let f = filters.iter().next().map(|(d, v)| (*d, v.as_str()));
                        let fresh = tickets::daily_rollups(self.store, f, a.0, b.0, *hist).await?;
                        rows.counters.retain(|(d, _)| *d < a.0 || *d > b.0);
                        rows.counters.extend(fresh.counters);
                        rows.buckets.retain(|(d, ..)| *d < a.0 || *d > b.0);
                        rows.buckets.extend(fresh.buckets);
                    }
                }
                Family::Feedback => {
                    for ((audience, filters), rows) in &mut self.m.feedback_days {
                        let f = filter(*audience, filters, a, b);
                        let fresh = voice_store::daily(self.store, &f).await?;
                        rows.retain(|r| r.day < a.0 || r.day > b.0);
                        rows.extend(fresh);
                    }
                }
                _ => {}
            }
            self.count(family, started);
        }
        Ok(())
    }

    /// Reads the journey and commerce families from `j`.
    pub fn journey(mut self, j: &'a Journey) -> Self {
        self.journey = Some(j);
        self
    }

    /// The first day of the memoised span.
    fn earliest(&self) -> Day {
        self.today.plus_days(1 - self.span)
    }

    /// The journey figures of one window under filters, read once per pass.
    async fn journey_window(
        &mut self,
        filters: &Filters,
        from: Day,
        to: Day,
    ) -> Result<&[(&'static str, Sample)], StoreError> {
        use std::collections::hash_map::Entry;
        let Some(j) = self.journey else {
            return Ok(&[]);
        };
        Ok(
            match self.m.journey_windows.entry((filters.clone(), from, to)) {
                Entry::Occupied(e) => e.into_mut(),
                Entry::Vacant(e) => e.insert(match j.window_samples(filters, from, to).await {
                    Ok(v) => v,
                    Err(JourneyError::Store(err)) => return Err(err),
                    // A filter events do not carry: the catalogue's dimensions rule it out before
                    // a read, so this is "no data" rather than a failure.
                    Err(JourneyError::Query(_)) => Vec::new(),
                }),
            },
        )
    }

    /// The commerce figures of one window under filters, from orders and spend read once per
    /// pass.
    async fn commerce_window(
        &mut self,
        filters: &Filters,
        from: Day,
        to: Day,
    ) -> Result<&[(CommerceMetric, Sample)], StoreError> {
        let Some(j) = self.journey else {
            return Ok(&[]);
        };
        let key = (filters.clone(), from, to);
        if !self.m.commerce_windows.contains_key(&key) {
            let (a, b) = (from.start_ms(), to.plus_days(1).start_ms());
            let until = self.today.plus_days(1).start_ms().max(b);
            // The span's facts serve every window inside it; a window reaching further back
            // (a rule test) reads its own.
            let v = if from >= self.earliest() {
                if self.m.commerce_facts.is_none() {
                    let first = self.earliest().start_ms();
                    self.m.commerce_facts =
                        Some(j.load_commerce((first, until), first, until).await?);
                }
                match &self.m.commerce_facts {
                    Some(facts) => j.commerce_window(facts, filters, a, b),
                    None => Ok(Vec::new()),
                }
            } else {
                let facts = j.load_commerce((a, until), a, until).await?;
                j.commerce_window(&facts, filters, a, b)
            };
            // A filter orders and events do not carry: the catalogue's dimensions rule it out
            // before a read, so this is "no data" rather than a failure.
            self.m
                .commerce_windows
                .insert(key.clone(), v.unwrap_or_default());
        }
        Ok(self
            .m
            .commerce_windows
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or(&[]))
    }

    /// The incident figures of one window (incidents are few: one read per pass).
    async fn incident_window(
        &mut self,
        from: Day,
        to: Day,
    ) -> Result<[(&'static str, Sample); 4], StoreError> {
        let (a, b) = (from.start_ms(), to.plus_days(1).start_ms());
        let earliest = self.earliest().min(from);
        if self.m.incidents.is_none() || from < self.earliest() {
            let list = incidents::active_between(self.store, earliest.start_ms(), i64::MAX).await?;
            if from < self.earliest() {
                return Ok(app::domain::incident::window_samples(&list, a, b, now_ms()));
            }
            self.m.incidents = Some(list);
        }
        let list = self.m.incidents.as_deref().unwrap_or(&[]);
        Ok(app::domain::incident::window_samples(list, a, b, now_ms()))
    }

    /// The workflow figures of one window over every workflow
    /// (`app/src/domain/workflow/figures.rs`), read once per window until a notice moves them.
    async fn workflow_window(
        &mut self,
        from: Day,
        to: Day,
    ) -> Result<Vec<(&'static str, Sample)>, StoreError> {
        if let Some(s) = self.m.workflow_windows.get(&(from, to)) {
            return Ok(s.clone());
        }
        use app::domain::workflow::figures::{self as wf, Period};
        let p = Period {
            from_ms: from.start_ms(),
            to_ms: to.plus_days(1).start_ms(),
            now_ms: now_ms(),
        };
        let all = Default::default();
        let (a, b) = (p.from_ms, p.at());
        let list = workflows::in_period(self.store, &all, a, b).await?;
        let tasks = workflows::tasks_in_period(self.store, &all, a, b).await?;
        let runs = workflows::runs_started(self.store, &all, a, b).await?;
        let s = wf::samples(
            &wf::workflow_figures(&list, &p),
            &wf::task_figures(&tasks, &p),
            &wf::run_figures(&runs, &p),
        );
        self.m.workflow_windows.insert((from, to), s.clone());
        Ok(s)
    }

    /// Uses `w` for the partner performance index.
    pub fn weights(mut self, w: IndexWeights) -> Self {
        if w != self.weights {
            self.m.partner_watch.clear();
            self.m.basis = Some((self.today, self.span, w));
        }
        self.weights = w;
        self
    }

    /// The partner figures of a metric over a window, read once per pass.
    async fn partner_watch(
        &mut self,
        metric: &'static str,
        from: Day,
        to: Day,
    ) -> Result<&PartnerWatch, StoreError> {
        use std::collections::hash_map::Entry;
        let need = crate::partners::Need::for_metric(metric);
        Ok(match self.m.partner_watch.entry((need, from, to)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                crate::partners::watched(self.store, &self.weights, metric, from, to, now_ms())
                    .await?,
            ),
        })
    }

    /// `def` over `from..=to` under `filters`.
    pub async fn sample(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        from: Day,
        to: Day,
    ) -> Result<Sample, StoreError> {
        let started = std::time::Instant::now();
        let r = self.read_sample(def, filters, from, to).await;
        self.count(def.family, started);
        r
    }

    /// `def` over `from..=to` under `filters`, per value of `by`.
    pub async fn keyed(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        by: Dimension,
        from: Day,
        to: Day,
    ) -> Result<Vec<(String, Sample)>, StoreError> {
        let started = std::time::Instant::now();
        let r = self.read_keyed(def, filters, by, from, to).await;
        self.count(def.family, started);
        r
    }

    /// Adds the time since `started` to `family`'s share of the pass.
    fn count(&mut self, family: Family, started: std::time::Instant) {
        *self.spent.entry(family).or_default() += started.elapsed();
    }

    /// Time spent reading samples, per family, since these samples began.
    pub fn spent(&self) -> Vec<(Family, std::time::Duration)> {
        self.spent.iter().map(|(f, d)| (*f, *d)).collect()
    }

    async fn read_sample(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        from: Day,
        to: Day,
    ) -> Result<Sample, StoreError> {
        match def.family {
            Family::Surveys => {
                let kind = survey_kind(def);
                let earliest = self.today.plus_days(1 - self.span);
                if from < earliest {
                    // Outside the memoised span (a rule test reaching further back).
                    let daily = surveys::daily_aggs(self.store, filters, from, to).await?;
                    return Ok(survey_sample(def, &sum_daily(&daily, kind, from, to)));
                }
                if !self.m.survey_daily.contains_key(filters) {
                    let daily =
                        surveys::daily_aggs(self.store, filters, earliest, self.today).await?;
                    self.m.survey_daily.insert(filters.clone(), daily);
                }
                let daily = self
                    .m
                    .survey_daily
                    .get(filters)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                Ok(survey_sample(def, &sum_daily(daily, kind, from, to)))
            }
            // The backlog is a level at the window's end, not a sum over its days.
            Family::Tickets if def.id == "backlog" => {
                let n = tickets::backlog_at(self.store, filters, to.0).await?;
                Ok(Sample {
                    value: Some(n as f64),
                    n,
                })
            }
            // A channel's tickets over the tickets of every channel under the other filters.
            Family::Tickets if def.id == "channel_share" => {
                let part = self.ticket_memo(def, filters, from, to).await?.tickets;
                let mut all = filters.clone();
                all.remove(&Dimension::Channel);
                let whole = self.ticket_memo(def, &all, from, to).await?.tickets;
                Ok(share(part, whole))
            }
            Family::Tickets => Ok(ticket_sample(
                def,
                &self.ticket_memo(def, filters, from, to).await?,
            )),
            Family::Feedback => {
                let audience = audience(def);
                let earliest = self.today.plus_days(1 - self.span);
                if from < earliest {
                    let rows = voice_store::daily(self.store, &filter(audience, filters, from, to))
                        .await?;
                    return Ok(feedback_sample(def, &sum_sentiment(&rows, def, from, to)));
                }
                let key = (audience, filters.clone());
                if !self.m.feedback_days.contains_key(&key) {
                    let f = filter(audience, filters, earliest, self.today);
                    let rows = voice_store::daily(self.store, &f).await?;
                    self.m.feedback_days.insert(key.clone(), rows);
                }
                let rows = self
                    .m
                    .feedback_days
                    .get(&key)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                Ok(feedback_sample(def, &sum_sentiment(rows, def, from, to)))
            }
            Family::Partners => {
                let (all, per) = self.partner_watch(def.id, from, to).await?;
                Ok(match filters.get(&Dimension::Partner) {
                    Some(p) => per.get(p).map(|w| w.get(def.id)).unwrap_or_default(),
                    None => all.get(def.id),
                })
            }
            // Incidents carry no dimension: a filter leaves nothing to count.
            Family::Workflows if !filters.is_empty() => Ok(Sample::default()),
            Family::Workflows => Ok(pick(&self.workflow_window(from, to).await?, def.id)),
            Family::Incidents if !filters.is_empty() => Ok(Sample::default()),
            Family::Incidents => Ok(pick(&self.incident_window(from, to).await?, def.id)),
            Family::Journey => Ok(pick(self.journey_window(filters, from, to).await?, def.id)),
            Family::Commerce => Ok(commerce_pick(
                self.commerce_window(filters, from, to).await?,
                def.id,
            )),
        }
    }

    async fn read_keyed(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        by: Dimension,
        from: Day,
        to: Day,
    ) -> Result<Vec<(String, Sample)>, StoreError> {
        match def.family {
            Family::Surveys => {
                let kind = survey_kind(def);
                let key = (filters.clone(), by, kind, from, to);
                if !self.m.survey_keyed.contains_key(&key) {
                    let rows = surveys::breakdown(self.store, by, filters, kind, from, to).await?;
                    let mut per: BTreeMap<String, SurveyAgg> = BTreeMap::new();
                    for r in rows
                        .into_iter()
                        .filter(|r| kind != SurveyKind::Ces || r.scale == CES_SCALE)
                    {
                        per.entry(r.key).or_default().merge(&r.agg);
                    }
                    self.m
                        .survey_keyed
                        .insert(key.clone(), per.into_iter().collect());
                }
                Ok(self
                    .m
                    .survey_keyed
                    .get(&key)
                    .map(|v| {
                        v.iter()
                            .map(|(k, a)| (k.clone(), survey_sample(def, a)))
                            .collect()
                    })
                    .unwrap_or_default())
            }
            Family::Tickets if def.id == "backlog" => {
                let mut out = Vec::new();
                for v in tickets::rollup_values(self.store, by, from.0, to.0).await? {
                    let mut one = filters.clone();
                    one.insert(by, v.clone());
                    let n = tickets::backlog_at(self.store, &one, to.0).await?;
                    if n > 0 {
                        out.push((
                            v,
                            Sample {
                                value: Some(n as f64),
                                n,
                            },
                        ));
                    }
                }
                Ok(out)
            }
            Family::Tickets if def.id == "channel_share" => {
                let mut all = filters.clone();
                all.remove(&Dimension::Channel);
                if by == Dimension::Channel {
                    // Each channel's share of the same whole.
                    let whole = self.ticket_memo(def, &all, from, to).await?.tickets;
                    let parts = self.ticket_keyed_aggs(def, &all, by, from, to).await?;
                    return Ok(parts
                        .into_iter()
                        .map(|(v, a)| (v, share(a.tickets, whole)))
                        .collect());
                }
                let parts = self.ticket_keyed_aggs(def, filters, by, from, to).await?;
                let wholes: BTreeMap<String, i64> = self
                    .ticket_keyed_aggs(def, &all, by, from, to)
                    .await?
                    .into_iter()
                    .map(|(v, a)| (v, a.tickets))
                    .collect();
                Ok(parts
                    .into_iter()
                    .map(|(v, a)| {
                        let whole = wholes.get(&v).copied().unwrap_or(a.tickets);
                        (v, share(a.tickets, whole))
                    })
                    .collect())
            }
            Family::Tickets => Ok(self
                .ticket_keyed_aggs(def, filters, by, from, to)
                .await?
                .iter()
                .map(|(k, a)| (k.clone(), ticket_sample(def, a)))
                .collect()),
            // Mentions carry no dimension to group by.
            Family::Feedback if is_social(def) => Ok(Vec::new()),
            Family::Feedback => {
                let audience = audience(def);
                let key = (audience, filters.clone(), by, from, to);
                if !self.m.feedback_keyed.contains_key(&key) {
                    let rows = voice_store::keyed_counts(
                        self.store,
                        &filter(audience, filters, from, to),
                        by,
                    )
                    .await?;
                    self.m.feedback_keyed.insert(key.clone(), rows);
                }
                Ok(self
                    .m
                    .feedback_keyed
                    .get(&key)
                    .map(|v| {
                        v.iter()
                            .map(|(k, c)| {
                                let c = FeedbackCounts {
                                    counts: *c,
                                    interactions: 0,
                                };
                                (k.clone(), feedback_sample(def, &c))
                            })
                            .collect()
                    })
                    .unwrap_or_default())
            }
            Family::Partners => {
                // Partner metrics group by partner only (the catalogue's one dimension).
                let only = filters.get(&Dimension::Partner).cloned();
                let (_, per) = self.partner_watch(def.id, from, to).await?;
                Ok(per
                    .iter()
                    .filter(|(k, _)| {
                        by == Dimension::Partner && only.as_ref().is_none_or(|o| o == *k)
                    })
                    .map(|(k, w)| (k.clone(), w.get(def.id)))
                    .collect())
            }
            Family::Journey => {
                let Some(j) = self.journey else {
                    return Ok(Vec::new());
                };
                let mut out = Vec::new();
                for v in j.dimension_values(by).await? {
                    let mut one = filters.clone();
                    one.insert(by, v.clone());
                    let s = pick(self.journey_window(&one, from, to).await?, def.id);
                    if s.n > 0 {
                        out.push((v, s));
                    }
                }
                Ok(out)
            }
            Family::Commerce => {
                let Some(j) = self.journey else {
                    return Ok(Vec::new());
                };
                // Values come from the orders and events the span read.
                self.commerce_window(filters, from, to).await?;
                let values = match &self.m.commerce_facts {
                    Some(facts) => j.commerce_values(facts, by),
                    None => Vec::new(),
                };
                let mut out = Vec::new();
                for v in values {
                    let mut one = filters.clone();
                    one.insert(by, v.clone());
                    let s = commerce_pick(self.commerce_window(&one, from, to).await?, def.id);
                    if s.n > 0 {
                        out.push((v, s));
                    }
                }
                Ok(out)
            }
            // No dimensions to group by.
            Family::Incidents | Family::Workflows => Ok(Vec::new()),
        }
    }
}

/// The sample of catalogue id `id` among a window's figures.
fn pick(figures: &[(&'static str, Sample)], id: &str) -> Sample {
    figures
        .iter()
        .find(|(m, _)| *m == id)
        .map(|(_, s)| *s)
        .unwrap_or_default()
}

/// The sample of catalogue id `id` among a window's commerce figures.
fn commerce_pick(figures: &[(CommerceMetric, Sample)], id: &str) -> Sample {
    figures
        .iter()
        .find(|(m, _)| m.as_str() == id)
        .map(|(_, s)| *s)
        .unwrap_or_default()
}

impl Samples<'_> {
    /// The support aggregate of a window under filters, memoised for the pass.
    async fn ticket_memo(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        from: Day,
        to: Day,
    ) -> Result<SupportAgg, StoreError> {
        let key = (filters.clone(), from, to);
        if let Some(a) = self.m.ticket_aggs.get(&key) {
            return Ok(a.clone());
        }
        let agg = self.ticket_agg(def, filters, from, to).await?;
        self.m.ticket_aggs.insert(key, agg.clone());
        Ok(agg)
    }

    /// Support aggregates per value of `by` under filters, memoised for the pass.
    async fn ticket_keyed_aggs(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        by: Dimension,
        from: Day,
        to: Day,
    ) -> Result<Vec<(String, SupportAgg)>, StoreError> {
        let key = (filters.clone(), by, from, to);
        if let Some(rows) = self.m.ticket_keyed.get(&key) {
            return Ok(rows.clone());
        }
        let rows = if filters.is_empty() {
            let mut out = Vec::new();
            for v in tickets::rollup_values(self.store, by, from.0, to.0).await? {
                let one = Filters::from([(by, v.clone())]);
                out.push((v, self.ticket_agg(def, &one, from, to).await?));
            }
            out
        } else {
            ticket_keyed_facts(self.store, filters, by, from, to).await?
        };
        self.m.ticket_keyed.insert(key, rows.clone());
        Ok(rows)
    }

    /// The support aggregate over `from..=to`: summed from the memoised daily rollups of the
    /// span (at most one filter), else read directly (two or more filters read facts).
    async fn ticket_agg(
        &mut self,
        def: &MetricDef,
        filters: &Filters,
        from: Day,
        to: Day,
    ) -> Result<SupportAgg, StoreError> {
        let earliest = self.today.plus_days(1 - self.span);
        if filters.len() > 1 || from < earliest {
            return ticket_agg(self.store, filters, from, to).await;
        }
        let durations = matches!(def.id, "first_response_time" | "resolution_time");
        let stale = self
            .m
            .ticket_days
            .get(filters)
            .is_none_or(|(_, with_hist)| durations && !with_hist);
        if stale {
            let f = filters.iter().next().map(|(d, v)| (*d, v.as_str()));
            // Histograms are read only once a duration metric asks; counters always.
            let days =
                tickets::daily_rollups(self.store, f, earliest.0, self.today.0, durations).await?;
            self.m
                .ticket_days
                .insert(filters.clone(), (days, durations));
        }
        Ok(self
            .m
            .ticket_days
            .get(filters)
            .map(|(d, _)| d.sum(from.0, to.0))
            .unwrap_or_default())
    }
}

fn audience(def: &MetricDef) -> Audience {
    match def.audience {
        catalogue::Audience::Partner => Audience::Partner,
        catalogue::Audience::Customer => Audience::Customer,
    }
}

fn filter(audience: Audience, filters: &Filters, from: Day, to: Day) -> FeedbackFilter {
    FeedbackFilter {
        audience,
        from,
        to,
        filters: filters.clone(),
        source: None,
        sentiment: None,
        patterns: Vec::new(),
    }
}

/// Whether `def` reads social mentions only (feedback of source `social`).
fn is_social(def: &MetricDef) -> bool {
    def.id.starts_with("social_")
}

/// `part` of `whole` as a percentage; the whole is the sample.
fn share(part: i64, whole: i64) -> Sample {
    Sample {
        value: (whole > 0).then(|| 100.0 * part as f64 / whole as f64),
        n: whole,
    }
}

/// Sentiment counts of a window, with the social interactions (likes + shares + replies)
/// when `def` reads social mentions only.
#[derive(Clone, Copy, Debug, Default)]
pub struct FeedbackCounts {
    pub counts: SentimentCounts,
    pub interactions: i64,
}

fn sum_sentiment(rows: &[DailySentiment], def: &MetricDef, from: Day, to: Day) -> FeedbackCounts {
    let social = is_social(def);
    let mut c = FeedbackCounts::default();
    for r in rows.iter().filter(|r| {
        r.day >= from.0
            && r.day <= to.0
            && (!social || r.source == Some(app::domain::feedback::FeedbackSource::Social))
    }) {
        c.counts.add(&r.counts, 1);
        c.interactions = c
            .interactions
            .saturating_add(r.likes)
            .saturating_add(r.shares)
            .saturating_add(r.comments);
    }
    c
}

/// A sentiment metric of counts: the mean compound score, a class share, or a social figure.
pub fn feedback_sample(def: &MetricDef, c: &FeedbackCounts) -> Sample {
    let mix = c.counts.mix();
    let n = c.counts.n;
    let value = match def.id {
        "social_mentions" => Some(n as f64),
        "social_engagement" => (n > 0).then(|| c.interactions as f64 / n as f64),
        "negative_share" | "partner_negative_share" => mix.negative_pct,
        "positive_share" => mix.positive_pct,
        "neutral_share" => mix.neutral_pct,
        _ => mix.score,
    };
    Sample { value, n }
}

/// Up to three of the window's negative texts under the rule's filters, newest first: what
/// customers said while the metric moved.
pub async fn feedback_verbatims(
    store: &Store,
    def: &MetricDef,
    filters: &Filters,
    from: Day,
    to: Day,
) -> Result<Vec<Verbatim>, StoreError> {
    let mut f = filter(audience(def), filters, from, to);
    f.sentiment = Some(Polarity::Negative);
    if is_social(def) {
        f.source = Some(app::domain::feedback::FeedbackSource::Social);
    }
    let (items, _) = voice_store::list(store, &f, 1, 3).await?;
    Ok(items
        .into_iter()
        .map(|i| Verbatim {
            text: i.text,
            at: i.at_ms,
            score: 0,
            sentiment: Some(i.sentiment_score),
        })
        .collect())
}

fn survey_kind(def: &MetricDef) -> SurveyKind {
    def.survey_metric()
        .map(|m| m.kind())
        .unwrap_or(SurveyKind::Csat)
}

fn sum_daily(daily: &[DailyAgg], kind: SurveyKind, from: Day, to: Day) -> SurveyAgg {
    let mut agg = SurveyAgg::default();
    for r in daily.iter().filter(|r| {
        r.kind == kind
            && r.day >= from
            && r.day <= to
            && (kind != SurveyKind::Ces || r.scale == CES_SCALE)
    }) {
        agg.merge(&r.agg);
    }
    agg
}

fn survey_sample(def: &MetricDef, agg: &SurveyAgg) -> Sample {
    let Some(metric) = def.survey_metric() else {
        return Sample::default();
    };
    // The rule's own minimum sample decides; the formula only needs one answer.
    let f = figure(metric, agg, 1);
    Sample {
        value: f.value,
        n: f.n,
    }
}

fn ticket_sample(def: &MetricDef, a: &SupportAgg) -> Sample {
    match def.id {
        "first_response_time" => Sample {
            value: a.first_response.quantile(0.5),
            n: a.first_response.count(),
        },
        "resolution_time" => Sample {
            value: a.resolution.quantile(0.5),
            n: a.resolution.count(),
        },
        "fcr" => Sample {
            value: a.fcr_pct(),
            n: a.resolved,
        },
        "support_csat" => Sample {
            value: a.csat_pct(),
            n: a.csat_n,
        },
        // Volume: the count is both the value and the sample.
        _ => Sample {
            value: Some(a.tickets as f64),
            n: a.tickets,
        },
    }
}

/// The support aggregate from the rollups (at most one filter) or the facts.
async fn ticket_agg(
    store: &Store,
    filters: &Filters,
    from: Day,
    to: Day,
) -> Result<SupportAgg, StoreError> {
    if filters.len() <= 1 {
        let f = filters.iter().next().map(|(d, v)| (*d, v.as_str()));
        return tickets::support_from_rollups(store, f, from.0, to.0).await;
    }
    let mut agg = SupportAgg::default();
    for t in tickets::facts(store, filters, from.0, to.0).await? {
        agg.add(&t);
    }
    Ok(agg)
}

fn ticket_value(t: &TicketRecord, by: Dimension) -> &str {
    match by {
        Dimension::Channel => &t.channel,
        Dimension::Segment => &t.segment,
        Dimension::ProductCategory => &t.category,
        Dimension::Region => &t.region,
        Dimension::Partner => &t.partner_id,
        Dimension::Touchpoint => "",
    }
}

/// Support aggregates per value of `by` under filters, in one pass over the facts.
async fn ticket_keyed_facts(
    store: &Store,
    filters: &Filters,
    by: Dimension,
    from: Day,
    to: Day,
) -> Result<Vec<(String, SupportAgg)>, StoreError> {
    let mut per: BTreeMap<String, SupportAgg> = BTreeMap::new();
    for t in tickets::facts(store, filters, from.0, to.0).await? {
        let v = ticket_value(&t, by);
        if !v.is_empty() {
            per.entry(v.to_string()).or_default().add(&t);
        }
    }
    Ok(per.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(family: &str, from: i64, to: i64) -> crate::bus::Change {
        crate::bus::Change {
            notice: app::model::ChangeNotice {
                family: family.into(),
                kinds: Vec::new(),
                from: Day(from),
                to: Day(to),
                count: 1,
                at: 0,
            },
            partners: None,
        }
    }

    /// A memo holding one entry of every family's window figures.
    fn full() -> Memo {
        let key = (Filters::new(), Day(10), Day(12));
        let mut m = Memo {
            incidents: Some(Vec::new()),
            ..Memo::default()
        };
        m.ticket_aggs.insert(key.clone(), SupportAgg::default());
        m.journey_windows.insert(key.clone(), Vec::new());
        m.commerce_windows.insert(key, Vec::new());
        m
    }

    #[test]
    fn a_notice_forgets_what_its_family_moves_and_nothing_else() {
        let mut m = full();
        m.note(&notice("tickets", 12, 12));
        assert!(m.ticket_aggs.is_empty());
        assert_eq!(m.journey_windows.len(), 1);
        assert_eq!(m.commerce_windows.len(), 1);
        assert!(m.incidents.is_some());
        assert_eq!(m.pending.get(&Family::Tickets), Some(&(Day(12), Day(12))));
        // Changed days add up until the next pass re-reads them.
        m.note(&notice("tickets", 9, 10));
        assert_eq!(m.pending.get(&Family::Tickets), Some(&(Day(9), Day(12))));
        // Events move the journey and commerce (carts), orders commerce and partners.
        m.note(&notice("events", 12, 12));
        assert!(m.journey_windows.is_empty() && m.commerce_windows.is_empty());
        assert!(m.incidents.is_some());
        m.note(&notice("incidents", 3, 12));
        assert!(m.incidents.is_none());
        // Window figures only: no daily series to re-read for these families.
        assert_eq!(m.pending.len(), 1);
        // Alerts and targets move no metric.
        let mut m = full();
        m.note(&notice("alerts", 12, 12));
        m.note(&notice("targets", 12, 12));
        assert_eq!(m.ticket_aggs.len() + m.journey_windows.len(), 2);
        assert!(m.pending.is_empty());
    }

    #[test]
    fn partner_figures_move_with_partner_surveys_and_partner_tickets_only() {
        let watch = |m: &mut Memo| {
            let need = crate::partners::Need::for_metric("partner_open_tickets");
            m.partner_watch
                .insert((need, Day(10), Day(12)), Default::default());
        };
        let mut m = Memo::default();
        watch(&mut m);
        let mut c = notice("surveys", 12, 12);
        c.notice.kinds = vec![SurveyKind::Nps, SurveyKind::Csat];
        c.partners = Some(BTreeMap::from([(String::new(), 10)]));
        m.note(&c);
        assert_eq!(m.partner_watch.len(), 1);
        c.notice.kinds.push(SurveyKind::Pss);
        m.note(&c);
        assert!(m.partner_watch.is_empty());
        watch(&mut m);
        let mut t = notice("tickets", 12, 12);
        t.partners = Some(BTreeMap::from([(String::new(), 10)]));
        m.note(&t);
        assert_eq!(m.partner_watch.len(), 1);
        t.partners = Some(BTreeMap::from([(String::new(), 9), ("acme".into(), 1)]));
        m.note(&t);
        assert!(m.partner_watch.is_empty());
        // Orders move the partners' share of revenue, whoever sold them.
        watch(&mut m);
        m.note(&notice("orders", 12, 12));
        assert!(m.partner_watch.is_empty());
    }

    #[test]
    fn a_notice_of_every_family_forgets_everything() {
        let mut m = full();
        m.basis = Some((Day(12), 30, IndexWeights::default()));
        m.note(&notice("*", 12, 12));
        assert!(m.basis.is_none() && m.ticket_aggs.is_empty() && m.incidents.is_none());
        assert!(!m.serves(Day(12), 30, IndexWeights::default()));
    }

    #[test]
    fn a_memo_serves_only_its_day_span_and_weights_while_young() {
        let w = IndexWeights::default();
        let m = Memo {
            basis: Some((Day(12), 30, w)),
            started: Some(std::time::Instant::now()),
            ..Memo::default()
        };
        assert!(m.serves(Day(12), 30, w));
        assert!(!m.serves(Day(13), 30, w));
        assert!(!m.serves(Day(12), 31, w));
        let old = Memo {
            started: std::time::Instant::now().checked_sub(MEMO_MAX_AGE),
            ..m
        };
        assert!(!old.serves(Day(12), 30, w));
    }
}
