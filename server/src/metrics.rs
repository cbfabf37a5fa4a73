//! The metric engine: fetches aggregates from the store and assembles summaries and reports
//! with the pure functions of `app::domain::summary`.

use crate::clock::now_ms;
use crate::store::{surveys, Store, StoreError};
use app::api::backend::{BoxFuture, DashboardBackend};
use app::domain::date::Day;
use app::domain::metric::{MetricError, MetricId};
use app::domain::query::DashboardQuery;
use app::domain::summary::{build_report, build_summary};
use app::error::AppError;
use app::model::{MetricReport, Summary};
use std::sync::Arc;

/// Computes metrics from the store.
#[derive(Clone)]
pub struct Engine {
    store: Arc<Store>,
    /// Weights of the partner performance index.
    weights: app::domain::partner::IndexWeights,
    /// Events, funnels and commerce.
    journey: crate::journey::Journey,
    /// Sentiment scoring (the voice page's keyword sides score clauses).
    sentiment: Arc<crate::sentiment::Sentiment>,
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Metric(#[from] MetricError),
}

impl Engine {
    /// An engine over `store`.
    pub fn new(
        store: Arc<Store>,
        weights: app::domain::partner::IndexWeights,
        journey: crate::journey::JourneyConfig,
        sentiment: Arc<crate::sentiment::Sentiment>,
    ) -> Engine {
        Engine {
            journey: crate::journey::Journey::new(store.clone(), journey),
            store,
            weights,
            sentiment,
        }
    }

    /// The journey and commerce service.
    pub fn journey(&self) -> &crate::journey::Journey {
        &self.journey
    }

    /// The executive summary for a resolved query.
    pub async fn summary(&self, q: &DashboardQuery) -> Result<Summary, StoreError> {
        let daily = surveys::daily_aggs(&self.store, &q.filters, q.earliest(), q.to).await?;
        // The breakdown ignores the filter on its own dimension, so it shows every value
        // (every value this reader may see).
        let others = q.filters_without(q.by);
        let breakdown =
            surveys::breakdown(&self.store, q.by, &others, q.metric.kind(), q.from, q.to).await?;
        let options = surveys::dimension_values(&self.store, q.scope.as_deref()).await?;
        let has_data = surveys::has_any(&self.store).await?;
        let now = now_ms();
        let targets = crate::store::targets::list(&self.store).await?;
        let mut summary = build_summary(q, &daily, &breakdown, options, has_data, now, &targets);
        summary.service = self.service(q, now).await?;
        // Company-wide counts: never for a partner account's view.
        if q.scope.is_none() {
            summary.notifications = Some(self.notifications(q, now).await?);
        }
        // Company-wide counts: only on unfiltered views (partner accounts always filter).
        if q.filters.is_empty() {
            let end = q.to.plus_days(1).start_ms().min(now + 1);
            let (customers, active) =
                crate::store::orders::customers(&self.store, end, q.from.0, q.to.0).await?;
            let (partners, partner_engagement_pct) =
                crate::partners::engagement_rate(&self.store, q.from, q.to, now).await?;
            // Engagement is activity: people tracked by events; without events, ordering.
            let tracked = self
                .journey
                .engagement_rate(q.from.start_ms(), q.to.plus_days(1).start_ms())
                .await?;
            summary.audiences = Some(app::model::Audiences {
                customers,
                customer_engagement_pct: tracked
                    .or_else(|| (customers > 0).then(|| 100.0 * active as f64 / customers as f64)),
                partners,
                partner_engagement_pct,
            });
        }
        Ok(summary)
    }

    /// The command centre's live counts, each computed the way the list it links to counts
    /// (the open-incident list, the ticket list, the voice page, the alert inbox).
    async fn notifications(
        &self,
        q: &DashboardQuery,
        now: i64,
    ) -> Result<app::model::Notifications, StoreError> {
        use app::domain::alert::inbox::SENTIMENT_METRICS;
        use app::domain::alert::lifecycle::AlertState;
        use app::domain::incident::Severity;
        use app::domain::ticket::Priority;
        use app::domain::ticket_list::{StatusFilter, TicketListParams};
        use std::collections::BTreeMap;
        let store = &*self.store;
        let today = Day::from_epoch_ms(now);
        let (from_ms, to_ms) = (q.from.start_ms(), q.to.plus_days(1).start_ms());
        let none = BTreeMap::new();
        let tickets = |status: StatusFilter, priorities: Vec<Priority>| {
            let params = TicketListParams {
                status: Some(status),
                priorities,
                ..TicketListParams::default()
            };
            let none = &none;
            async move {
                crate::store::tickets::list_count(store, none, q.from.0, q.to.0, &params).await
            }
        };
        let alerts = |metrics: [&'static str; 2]| async move {
            let f = crate::store::alerts::AlertFilter {
                states: vec![AlertState::Firing, AlertState::Acknowledged],
                metrics: Some(metrics.to_vec()),
                limit: 1000,
                ..Default::default()
            };
            Ok::<_, StoreError>(crate::store::alerts::list_alerts(store, &f).await?.len() as i64)
        };
        let feedback = crate::store::feedback::FeedbackFilter {
            audience: app::domain::feedback::Audience::Customer,
            from: today,
            to: today,
            filters: BTreeMap::new(),
            source: None,
            sentiment: None,
            patterns: Vec::new(),
        };
        let (open, active, high, unresolved, resolved, (_, new_feedback), customer, partner) = tokio::try_join!(
            crate::store::incidents::open(store),
            crate::store::incidents::active_between(store, from_ms, to_ms),
            tickets(
                StatusFilter::Unresolved,
                vec![Priority::High, Priority::Urgent]
            ),
            tickets(StatusFilter::Unresolved, Vec::new()),
            tickets(StatusFilter::Resolved, Vec::new()),
            crate::store::feedback::list(store, &feedback, 1, 1),
            alerts(SENTIMENT_METRICS[0].1),
            alerts(SENTIMENT_METRICS[1].1),
        )?;
        Ok(app::model::Notifications {
            critical_incidents: open
                .iter()
                .filter(|i| i.severity == Severity::Critical)
                .count() as i64,
            open_incidents: open.len() as i64,
            resolved_incidents: active
                .iter()
                .filter(|i| {
                    i.resolved_at_ms
                        .is_some_and(|r| (from_ms..to_ms).contains(&r))
                })
                .count() as i64,
            high_priority_tickets: high,
            unresolved_tickets: unresolved,
            resolved_tickets: resolved,
            new_feedback,
            negative_sentiment_alerts: customer,
            partner_negative_sentiment_alerts: partner,
            from: q.from,
            to: q.to,
            today,
        })
    }

    /// The executive summary's support and voice figures over the view, read through the
    /// samples the metric API and the alert engine share; a figure whose dimensions do not
    /// cover the view's filters is left out rather than shown unfiltered.
    async fn service(
        &self,
        q: &DashboardQuery,
        now: i64,
    ) -> Result<Vec<app::model::ServiceFigure>, StoreError> {
        let today = Day::from_epoch_ms(now);
        let span = (today.0 - q.from.0 + 1).max(1);
        let mut samples = crate::alerts::source::Samples::new(&self.store, today, span);
        let mut out = Vec::new();
        for id in ["first_response_time", "sentiment_score"] {
            let (Some(def), Some(spec)) = (
                app::domain::alert::catalogue::find(id),
                app::domain::catalogue::find(id),
            ) else {
                continue;
            };
            if q.filters.keys().any(|d| !spec.dimensions.contains(d)) {
                continue;
            }
            let s = samples.sample(def, &q.filters, q.from, q.to).await?;
            out.push(app::model::ServiceFigure {
                metric: id.to_string(),
                label: spec.label.to_string(),
                unit: spec.unit,
                value: s.value.filter(|_| s.n >= spec.min_sample),
                n: s.n,
            });
        }
        Ok(out)
    }

    /// The read API's report on one survey metric, with its breakdown by `by` when asked.
    pub async fn report(
        &self,
        metric: MetricId,
        q: &DashboardQuery,
        by: Option<app::domain::dimension::Dimension>,
    ) -> Result<MetricReport, ReportError> {
        let daily = surveys::daily_aggs(&self.store, &q.filters, q.earliest(), q.to).await?;
        let targets = crate::store::targets::list(&self.store).await?;
        let keyed = match by {
            Some(d) => {
                let others = q.filters_without(d);
                surveys::breakdown(&self.store, d, &others, metric.kind(), q.from, q.to).await?
            }
            None => Vec::new(),
        };
        let mut r = build_report(
            q,
            &daily,
            metric,
            &targets,
            by.map(|d| (d, keyed.as_slice())),
        )?;
        app::domain::summary::mark_partial(&mut r.series, q.bucket, self.today());
        Ok(r)
    }
}

impl DashboardBackend for Engine {
    fn today(&self) -> Day {
        Day::from_epoch_ms(now_ms())
    }

    fn support(
        &self,
        query: DashboardQuery,
        internal: bool,
    ) -> BoxFuture<'_, Result<app::model::support::SupportPage, AppError>> {
        Box::pin(async move {
            crate::support::page(&self.store, &query, internal)
                .await
                .map_err(support_error)
        })
    }

    fn ticket_list(
        &self,
        query: DashboardQuery,
        raw_query: String,
    ) -> BoxFuture<'_, Result<app::model::support::TicketList, AppError>> {
        Box::pin(async move {
            crate::support::ticket_list(&self.store, &query, &raw_query)
                .await
                .map_err(support_error)
        })
    }

    fn voice(
        &self,
        query: DashboardQuery,
        raw_query: String,
    ) -> BoxFuture<'_, Result<app::model::voice::VoicePage, AppError>> {
        Box::pin(async move {
            let fail = |e: crate::voice::VoiceError| match e {
                crate::voice::VoiceError::Query(q) => AppError::from(q),
                crate::voice::VoiceError::Store(e) => {
                    tracing::error!(error = %e, "voice read failed");
                    AppError::Internal
                }
            };
            let q = crate::voice::VoiceQuery::parse(query, &raw_query)?;
            crate::voice::page(&self.store, &self.sentiment.analyzer(), &q, &raw_query)
                .await
                .map_err(fail)
        })
    }

    fn journey(
        &self,
        query: DashboardQuery,
        raw_query: String,
    ) -> BoxFuture<'_, Result<app::model::journey::JourneyView, AppError>> {
        Box::pin(async move {
            let pairs = app::domain::query::decode_pairs(&raw_query);
            let p = app::domain::journey::config::JourneyParams::parse(
                &pairs,
                &self.journey.config().stages,
            )?;
            self.journey.view(&query, &p).await.map_err(journey_error)
        })
    }

    fn commerce(
        &self,
        query: DashboardQuery,
    ) -> BoxFuture<'_, Result<app::model::journey::CommerceView, AppError>> {
        Box::pin(async move {
            let targets = crate::store::targets::list(&self.store)
                .await
                .map_err(|e| journey_error(e.into()))?;
            self.journey
                .commerce(&query, &targets)
                .await
                .map_err(journey_error)
        })
    }

    fn partners(
        &self,
        query: DashboardQuery,
        raw_query: String,
        restricted: bool,
    ) -> BoxFuture<'_, Result<app::model::partners::PartnersPage, AppError>> {
        Box::pin(async move {
            crate::partners::page(
                &self.store,
                &self.weights,
                &query,
                &raw_query,
                restricted,
                now_ms(),
            )
            .await
            .map_err(partner_error)
        })
    }

    fn partner(
        &self,
        id: String,
        query: DashboardQuery,
        restricted: bool,
    ) -> BoxFuture<'_, Result<app::model::partners::PartnerDetail, AppError>> {
        Box::pin(async move {
            crate::partners::detail(
                &self.store,
                &self.weights,
                &id,
                &query,
                restricted,
                now_ms(),
            )
            .await
            .map_err(partner_error)
        })
    }

    fn summary(&self, query: DashboardQuery) -> BoxFuture<'_, Result<Summary, AppError>> {
        Box::pin(async move {
            Engine::summary(self, &query).await.map_err(|e| {
                tracing::error!(error = %e, "summary failed");
                AppError::Internal
            })
        })
    }
}

/// A support failure as the server functions answer it: query problems as they are, store
/// failures logged and hidden.
fn support_error(e: crate::support::SupportError) -> AppError {
    match e {
        crate::support::SupportError::Query(q) => AppError::from(q),
        crate::support::SupportError::Store(e) => {
            tracing::error!(error = %e, "support read failed");
            AppError::Internal
        }
    }
}

/// A partner-view failure as the server functions answer it.
/// A journey read failure as the wire error.
pub fn journey_error(e: crate::journey::JourneyError) -> AppError {
    match e {
        crate::journey::JourneyError::Query(q) => AppError::from(q),
        crate::journey::JourneyError::Store(e) => {
            tracing::error!(error = %e, "journey read failed");
            AppError::Internal
        }
    }
}

pub fn partner_error(e: crate::partners::PartnerError) -> AppError {
    match e {
        crate::partners::PartnerError::Query(q) => AppError::from(q),
        crate::partners::PartnerError::NotFound(_) => AppError::NotFound,
        crate::partners::PartnerError::Store(e) => {
            tracing::error!(error = %e, "partner read failed");
            AppError::Internal
        }
    }
}
