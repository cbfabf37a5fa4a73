//! What people and automation do with rules and alerts, shared by the HTTP API and the
//! server functions: validation, state checks, the log, and the live notice.

use super::engine::{evaluate_keyed, evaluate_total, AlertEngine};
use super::source::Samples;
use super::ssrf::{self, AllowList};
use crate::auth::tokens::{random_id, random_token};
use crate::store::alerts::{self as store, AlertFilter, HumanChange};
use crate::store::{Store, StoreError};
use app::domain::alert::catalogue::{self, Audience};
use app::domain::alert::evaluate::Outcome;
use app::domain::alert::lifecycle::AlertState;
use app::domain::alert::rule::{RuleError, RuleSpec};
use app::domain::date::Day;
use app::domain::support_trend::weekday_hour;
use app::model::alerts::{
    AlertAction, AlertCounts, AlertView, AlertsPage, CreatedRule, HistoryPoint, RuleHistory,
    RuleView, WorkStatus,
};

/// Why an operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("{0}")]
    Invalid(#[from] RuleError),
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The alert's state does not allow the action (409).
    #[error("{1}")]
    Conflict(&'static str, String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Days a rule test looks back.
pub const TEST_DAYS: i64 = 30;
/// Longest silence: 30 days.
const MAX_SILENCE_MS: i64 = 30 * 86_400_000;

/// Creates a rule from an unvalidated spec.
pub async fn create_rule(
    store: &Store,
    spec: RuleSpec,
    allow: &AllowList,
    by: &str,
    now_ms: i64,
) -> Result<CreatedRule, OpError> {
    let spec = canonical_filters(store, spec.validate()?).await?;
    ssrf::check_rule(&spec, allow)?;
    let id = random_id();
    let secret = format!("whsec_{}", random_token(24));
    store::insert_rule(store, &id, &spec, false, &secret, by, now_ms).await?;
    let rule = store::get_rule(store, &id)
        .await?
        .ok_or(OpError::NotFound("rule"))?;
    Ok(CreatedRule {
        rule,
        signing_secret: secret,
    })
}

/// Replaces a rule's definition.
pub async fn update_rule(
    store: &Store,
    id: &str,
    spec: RuleSpec,
    allow: &AllowList,
    by: &str,
    now_ms: i64,
) -> Result<RuleView, OpError> {
    let spec = canonical_filters(store, spec.validate()?).await?;
    ssrf::check_rule(&spec, allow)?;
    if !store::update_rule(store, id, &spec, by, now_ms).await? {
        return Err(OpError::NotFound("rule"));
    }
    store::get_rule(store, id)
        .await?
        .ok_or(OpError::NotFound("rule"))
}

/// Filter values as the data spells them: "SMB" is the stored "smb" (a filter in another case
/// matched nothing, silently). A value the data does not hold yet is kept as typed.
pub async fn canonical_filters(store: &Store, mut spec: RuleSpec) -> Result<RuleSpec, OpError> {
    if spec.filters.is_empty() {
        return Ok(spec);
    }
    let known = crate::store::surveys::dimension_values(store, None).await?;
    for (d, v) in spec.filters.iter_mut() {
        let Some(values) = known.iter().find(|k| k.dimension == *d) else {
            continue;
        };
        if !values.values.iter().any(|k| k == v) {
            if let Some(k) = values.values.iter().find(|k| k.eq_ignore_ascii_case(v)) {
                *v = k.clone();
            }
        }
    }
    Ok(spec)
}

/// Deletes a rule (its open alerts resolve).
pub async fn delete_rule(store: &Store, id: &str, by: &str, now_ms: i64) -> Result<(), OpError> {
    if store::delete_rule(store, id, by, now_ms).await? {
        Ok(())
    } else {
        Err(OpError::NotFound("rule"))
    }
}

/// "Would this have fired in the last 30 days?": the rule evaluated on the window ending
/// each day. Grouped rules show the overall value and breach when any value breaches.
pub async fn test_rule(
    store: &Store,
    weights: app::domain::partner::IndexWeights,
    journey: Option<&crate::journey::Journey>,
    mut spec: RuleSpec,
    now_ms: i64,
) -> Result<RuleHistory, OpError> {
    // A draft may be tested before it is named.
    if spec.name.trim().is_empty() {
        spec.name = "Untitled rule".into();
    }
    let spec = canonical_filters(store, spec.validate()?).await?;
    let def = spec.def().ok_or(OpError::NotFound("metric"))?;
    let today = Day::from_epoch_ms(now_ms);
    let base_days = spec.condition.baseline_days().unwrap_or(0);
    let mut samples =
        Samples::new(store, today, TEST_DAYS + spec.window_days + base_days).weights(weights);
    if let Some(j) = journey {
        samples = samples.journey(j);
    }
    let targets = crate::store::targets::list(store).await?;
    let mut days = Vec::new();
    for i in (0..TEST_DAYS).rev() {
        let day = today.plus_days(-i);
        let (cur, overall) = evaluate_total(&mut samples, &spec, def, &targets, day).await?;
        let mut breach = matches!(overall, Outcome::Breach(_));
        if let (Some(by), false) = (spec.group_by, breach) {
            breach = evaluate_keyed(&mut samples, &spec, def, &targets, by, day)
                .await?
                .iter()
                .any(|(_, o)| matches!(o, Outcome::Breach(_)));
        }
        days.push(HistoryPoint {
            day,
            value: cur.value,
            n: cur.n,
            threshold: overall.reading().map(|r| r.threshold),
            breach,
        });
    }
    let breaches: Vec<bool> = days.iter().map(|d| d.breach).collect();
    Ok(RuleHistory {
        min_sample: spec.min_sample,
        short_days: days.iter().filter(|d| d.n < spec.min_sample).count() as i64,
        breach_days: breaches.iter().filter(|b| **b).count() as i64,
        would_fire: app::domain::alert::lifecycle::would_fire(&breaches, spec.for_secs),
        days,
    })
}

/// Applies a person's action to an alert, logs it and tells open inboxes.
pub async fn act(
    engine: &AlertEngine,
    store: &Store,
    id: &str,
    action: AlertAction,
    actor: &str,
    now_ms: i64,
) -> Result<AlertView, OpError> {
    let alert = store::get_alert(store, id)
        .await?
        .ok_or(OpError::NotFound("alert"))?;
    let closed = || {
        OpError::Conflict(
            "alert_resolved",
            "this alert is resolved; a new breach raises a new alert".into(),
        )
    };
    if alert.state == AlertState::Pending {
        return Err(OpError::Conflict(
            "alert_pending",
            "this alert has not fired yet".into(),
        ));
    }
    let text = |s: &str, max: usize, what: &str| -> Result<String, OpError> {
        let t = s.trim();
        if t.chars().count() > max || t.chars().any(|c| c.is_control() && c != '\n') {
            return Err(OpError::Invalid(RuleError {
                code: "invalid_text",
                message: format!("{what} may have at most {max} characters"),
            }));
        }
        Ok(t.to_string())
    };
    let mut c = HumanChange::default();
    let (verb, detail) = match action {
        AlertAction::Acknowledge => {
            match alert.state {
                AlertState::Resolved => return Err(closed()),
                AlertState::Acknowledged => return Ok(alert),
                _ => {}
            }
            c.state = Some(AlertState::Acknowledged);
            c.acknowledged = true;
            ("acknowledged", String::new())
        }
        AlertAction::Assign { to } => {
            let to = text(&to, 200, "an assignee")?;
            c.assignee = Some(to.clone());
            let d = if to.is_empty() {
                "unassigned".to_string()
            } else {
                format!("assigned to {to}")
            };
            ("assigned", d)
        }
        AlertAction::SetStatus { status } => {
            if alert.state == AlertState::Resolved && status != WorkStatus::Resolved {
                return Err(closed());
            }
            c.work_status = Some(status);
            match status {
                WorkStatus::Resolved => {
                    if alert.state == AlertState::Resolved {
                        return Ok(alert);
                    }
                    c.state = Some(AlertState::Resolved);
                    c.resolved = true;
                    c.acknowledged = true;
                }
                WorkStatus::InProgress if alert.state == AlertState::Firing => {
                    c.state = Some(AlertState::Acknowledged);
                    c.acknowledged = true;
                }
                _ => {}
            }
            ("status", status.as_str().to_string())
        }
        AlertAction::RecordAction { text: t } => {
            let t = text(&t, 2000, "an action")?;
            if t.is_empty() {
                return Err(OpError::Invalid(RuleError {
                    code: "invalid_text",
                    message: "describe the action taken".into(),
                }));
            }
            c.action_taken = Some(t.clone());
            ("action", t)
        }
        AlertAction::Silence { until, reason } => {
            if until <= now_ms || until > now_ms + MAX_SILENCE_MS {
                return Err(OpError::Invalid(RuleError {
                    code: "invalid_silence",
                    message: "a silence ends in the future, at most 30 days ahead".into(),
                }));
            }
            let reason = text(&reason, 500, "a reason")?;
            c.silence = Some((until, reason.clone()));
            let mut d = format!(
                "silenced until {}",
                app::domain::date::format_rfc3339(until)
            );
            if !reason.is_empty() {
                d.push_str(&format!(": {reason}"));
            }
            ("silenced", d)
        }
    };
    store::apply_human(store, &alert, &c, actor, (verb, &detail), now_ms).await?;
    engine.announce(1, now_ms);
    store::get_alert(store, id)
        .await?
        .ok_or(OpError::NotFound("alert"))
}

/// Creates a silence: `rule_id` empty covers every rule, `dim_key` empty every key.
pub async fn create_silence(
    engine: &AlertEngine,
    store: &Store,
    s: app::model::alerts::NewSilence,
    by: &str,
    now_ms: i64,
) -> Result<app::model::alerts::SilenceView, OpError> {
    let invalid = |code: &'static str, message: &str| {
        OpError::Invalid(RuleError {
            code,
            message: message.into(),
        })
    };
    if s.until <= now_ms || s.until > now_ms + MAX_SILENCE_MS {
        return Err(invalid(
            "invalid_silence",
            "a silence ends in the future, at most 30 days ahead",
        ));
    }
    let rule_id = s.rule_id.trim().to_string();
    if !rule_id.is_empty() && store::get_rule(store, &rule_id).await?.is_none() {
        return Err(invalid("unknown_rule", "no rule has this id"));
    }
    let dim_key = s.dim_key.trim().to_string();
    if !dim_key.is_empty() {
        let ok = dim_key.split_once('=').is_some_and(|(d, v)| {
            app::domain::dimension::Dimension::parse(d).is_some()
                && !v.is_empty()
                && v.chars().count() <= 200
        });
        if !ok {
            return Err(invalid(
                "invalid_dim_key",
                "dim_key is `dimension=value`, e.g. `channel=phone`",
            ));
        }
    }
    let reason = s.reason.trim().to_string();
    if reason.chars().count() > 500 {
        return Err(invalid(
            "invalid_text",
            "a reason may have at most 500 characters",
        ));
    }
    let view = app::model::alerts::SilenceView {
        id: random_id(),
        rule_id,
        dim_key,
        until: s.until,
        reason,
        created_by: by.to_string(),
        created_at: now_ms,
    };
    store::insert_silence(store, &view).await?;
    engine.announce(1, now_ms);
    Ok(view)
}

/// Ends a silence now.
pub async fn end_silence(
    engine: &AlertEngine,
    store: &Store,
    id: &str,
    now_ms: i64,
) -> Result<(), OpError> {
    if !store::end_silence(store, id, now_ms).await? {
        return Err(OpError::NotFound("silence in force"));
    }
    engine.announce(1, now_ms);
    Ok(())
}

/// The catalogue ids of an audience's metrics.
pub fn audience_metrics(a: Audience) -> Vec<&'static str> {
    catalogue::CATALOGUE
        .iter()
        .filter(|m| m.audience == a)
        .map(|m| m.id)
        .collect()
}

/// The bell's counts: active alerts by severity, and those nobody has acknowledged (and
/// that are not silenced).
/// `metrics` limits them to an audience's metrics (the inbox tab); `None` counts all (the bell).
pub async fn counts(
    store: &Store,
    metrics: Option<Vec<&'static str>>,
    now_ms: i64,
) -> Result<AlertCounts, StoreError> {
    let active = store::list_alerts(
        store,
        &AlertFilter {
            states: vec![AlertState::Firing, AlertState::Acknowledged],
            metrics,
            limit: 1000,
            ..AlertFilter::default()
        },
    )
    .await?;
    let mut c = AlertCounts::default();
    for a in &active {
        match a.severity {
            app::domain::alert::rule::Severity::Critical => c.critical += 1,
            app::domain::alert::rule::Severity::Warning => c.warning += 1,
            app::domain::alert::rule::Severity::Info => c.info += 1,
        }
        if a.state == AlertState::Firing && a.silenced_until.is_none_or(|t| t <= now_ms) {
            c.unread += 1;
        }
    }
    Ok(c)
}

/// The alerts dashboard for an audience.
pub async fn page(
    store: &Store,
    audience: Audience,
    can_edit: bool,
    now_ms: i64,
) -> Result<AlertsPage, StoreError> {
    let metrics = audience_metrics(audience);
    let active = store::list_alerts(
        store,
        &AlertFilter {
            states: vec![AlertState::Firing, AlertState::Acknowledged],
            metrics: Some(metrics.clone()),
            limit: 200,
            ..AlertFilter::default()
        },
    )
    .await?;
    let (counts, log, fired, deliveries) = tokio::try_join!(
        // The tab's own counts: the header must agree with the inbox under it.
        counts(store, Some(metrics.clone()), now_ms),
        store::log(store, None, Some(&metrics), 100),
        store::fired_since(store, now_ms - 90 * 86_400_000, Some(&metrics)),
        store::deliveries(store, 50),
    )?;
    // Delivery results tell about the network behind the server: only the people who edit
    // rules see targets, statuses and errors; readers see that a delivery happened.
    let deliveries = if can_edit {
        deliveries
    } else {
        deliveries
            .into_iter()
            .map(|mut d| {
                d.url = String::new();
                d.last_status = None;
                d.last_error = String::new();
                d
            })
            .collect()
    };
    let mut heatmap = vec![[0i64; 24]; 7];
    for t in fired {
        let (wd, h) = weekday_hour(t);
        if let Some(row) = heatmap.get_mut(wd) {
            row[h.min(23)] += 1;
        }
    }
    Ok(AlertsPage {
        counts,
        active,
        log,
        heatmap,
        deliveries,
        can_edit,
        audience: audience.as_str().into(),
    })
}

/// The alerts backend of the server functions.
pub struct AlertsService {
    pub store: std::sync::Arc<Store>,
    pub engine: std::sync::Arc<AlertEngine>,
}

fn app_error(e: OpError) -> app::error::AppError {
    use app::error::AppError;
    match e {
        OpError::Invalid(r) => AppError::bad_request(r.code, r.message),
        OpError::NotFound(_) => AppError::NotFound,
        OpError::Conflict(code, message) => AppError::bad_request(code, message),
        OpError::Store(e) => {
            tracing::error!(error = %e, "alerts operation failed");
            AppError::Internal
        }
    }
}

impl app::api::backend::AlertsBackend for AlertsService {
    fn counts(
        &self,
    ) -> app::api::backend::BoxFuture<'_, Result<AlertCounts, app::error::AppError>> {
        Box::pin(async move {
            counts(&self.store, None, crate::clock::now_ms())
                .await
                .map_err(|e| app_error(e.into()))
        })
    }

    fn page(
        &self,
        audience: Audience,
        can_edit: bool,
    ) -> app::api::backend::BoxFuture<'_, Result<AlertsPage, app::error::AppError>> {
        Box::pin(async move {
            page(&self.store, audience, can_edit, crate::clock::now_ms())
                .await
                .map_err(|e| app_error(e.into()))
        })
    }

    fn detail(
        &self,
        id: String,
    ) -> app::api::backend::BoxFuture<
        '_,
        Result<app::model::alerts::AlertDetail, app::error::AppError>,
    > {
        Box::pin(async move {
            detail(
                &self.store,
                self.engine.config().partner_weights,
                self.engine.journey(),
                &id,
            )
            .await
            .map_err(app_error)
        })
    }

    fn act(
        &self,
        actor: String,
        id: String,
        action: AlertAction,
    ) -> app::api::backend::BoxFuture<'_, Result<AlertView, app::error::AppError>> {
        Box::pin(async move {
            act(
                &self.engine,
                &self.store,
                &id,
                action,
                &actor,
                crate::clock::now_ms(),
            )
            .await
            .map_err(app_error)
        })
    }

    fn rules(
        &self,
    ) -> app::api::backend::BoxFuture<'_, Result<Vec<RuleView>, app::error::AppError>> {
        Box::pin(async move {
            store::list_rules(&self.store)
                .await
                .map_err(|e| app_error(e.into()))
        })
    }

    fn save_rule(
        &self,
        actor: String,
        id: Option<String>,
        spec: RuleSpec,
    ) -> app::api::backend::BoxFuture<'_, Result<RuleView, app::error::AppError>> {
        Box::pin(async move {
            let now = crate::clock::now_ms();
            let allow = &self.engine.config().webhook_allow;
            let r = match id.filter(|i| !i.is_empty()) {
                Some(id) => update_rule(&self.store, &id, spec, allow, &actor, now).await,
                None => create_rule(&self.store, spec, allow, &actor, now)
                    .await
                    .map(|c| c.rule),
            };
            r.map_err(app_error)
        })
    }

    fn delete_rule(
        &self,
        actor: String,
        id: String,
    ) -> app::api::backend::BoxFuture<'_, Result<(), app::error::AppError>> {
        Box::pin(async move {
            let now = crate::clock::now_ms();
            delete_rule(&self.store, &id, &actor, now)
                .await
                .map_err(app_error)?;
            self.engine.announce(1, now);
            Ok(())
        })
    }

    fn filter_values(
        &self,
    ) -> app::api::backend::BoxFuture<
        '_,
        Result<Vec<app::model::DimensionValues>, app::error::AppError>,
    > {
        Box::pin(async move {
            crate::store::surveys::dimension_values(&self.store, None)
                .await
                .map_err(|e| app_error(OpError::Store(e)))
        })
    }

    fn test_rule(
        &self,
        spec: RuleSpec,
    ) -> app::api::backend::BoxFuture<'_, Result<RuleHistory, app::error::AppError>> {
        Box::pin(async move {
            test_rule(
                &self.store,
                self.engine.config().partner_weights,
                self.engine.journey(),
                spec,
                crate::clock::now_ms(),
            )
            .await
            .map_err(app_error)
        })
    }
}

/// One alert, its log, and its rule evaluated on the 30 days up to when it fired.
pub async fn detail(
    store: &Store,
    weights: app::domain::partner::IndexWeights,
    journey: Option<&crate::journey::Journey>,
    id: &str,
) -> Result<app::model::alerts::AlertDetail, OpError> {
    let alert = store::get_alert(store, id)
        .await?
        .ok_or(OpError::NotFound("alert"))?;
    let log = store::log(store, Some(id), None, 200).await?;
    let history = match store::get_rule(store, &alert.rule_id).await? {
        Some(rule) => {
            let mut spec = rule.spec;
            // The alert's own dimension value, for grouped rules.
            if let (Some(by), Some((_, v))) = (spec.group_by, alert.dim_key.split_once('=')) {
                spec.filters.insert(by, v.to_string());
                spec.group_by = None;
            }
            let at = alert.fired_at.unwrap_or(alert.started_at);
            Some(test_rule(store, weights, journey, spec, at).await?)
        }
        None => None,
    };
    Ok(app::model::alerts::AlertDetail {
        alert,
        log,
        history,
    })
}
