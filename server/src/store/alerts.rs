//! Alert rules, alerts, the alert log, silences and webhook deliveries.

use super::sql::{Bind, Sql};
use super::{Store, StoreError};
use crate::store::BeginWrite;
use app::domain::alert::lifecycle::AlertState;
use app::domain::alert::rule::{RuleSpec, Severity};
use app::model::alerts::{
    AlertLogEntry, AlertView, DeliveryView, Evidence, RuleView, SilenceView, WorkStatus,
};

/// A stored rule as read back; rows whose spec no longer parses are skipped with a warning.
#[derive(Debug, sqlx::FromRow)]
struct RuleRow {
    id: String,
    spec: String,
    builtin: i64,
    created_at: i64,
    updated_at: i64,
}

impl RuleRow {
    fn view(self) -> Option<RuleView> {
        match serde_json::from_str::<RuleSpec>(&self.spec) {
            Ok(spec) => Some(RuleView {
                id: self.id,
                description: spec.describe(),
                spec,
                builtin: self.builtin != 0,
                created_at: self.created_at,
                updated_at: self.updated_at,
            }),
            Err(e) => {
                tracing::warn!(rule = %self.id, error = %e, "skipping a rule that does not parse");
                None
            }
        }
    }
}

const RULE_COLUMNS: &str = "id, spec, builtin, created_at, updated_at";

fn spec_json(spec: &RuleSpec) -> String {
    serde_json::to_string(spec).unwrap_or_default()
}

/// Every rule, by name.
pub async fn list_rules(store: &Store) -> Result<Vec<RuleView>, StoreError> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM alert_rules ORDER BY created_at, id");
    let rows: Vec<RuleRow> = dispatch!(store, p => sqlx::query_as(&sql).fetch_all(p).await?);
    let mut rules: Vec<RuleView> = rows.into_iter().filter_map(RuleRow::view).collect();
    rules.sort_by_key(|r| r.spec.name.to_lowercase());
    Ok(rules)
}

/// Enabled rules, for the engine.
pub async fn enabled_rules(store: &Store) -> Result<Vec<RuleView>, StoreError> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM alert_rules WHERE enabled = 1");
    let rows: Vec<RuleRow> = dispatch!(store, p => sqlx::query_as(&sql).fetch_all(p).await?);
    Ok(rows.into_iter().filter_map(RuleRow::view).collect())
}

/// One rule.
pub async fn get_rule(store: &Store, id: &str) -> Result<Option<RuleView>, StoreError> {
    let sql = format!("SELECT {RULE_COLUMNS} FROM alert_rules WHERE id = $1");
    let row: Option<RuleRow> =
        dispatch!(store, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
    Ok(row.and_then(RuleRow::view))
}

/// A rule's webhook signing secret.
pub async fn rule_secret(store: &Store, id: &str) -> Result<Option<String>, StoreError> {
    Ok(
        dispatch!(store, p => sqlx::query_scalar("SELECT signing_secret FROM alert_rules WHERE id = $1")
        .bind(id)
        .fetch_optional(p)
        .await?),
    )
}

/// Stores a new rule.
pub async fn insert_rule(
    store: &Store,
    id: &str,
    spec: &RuleSpec,
    builtin: bool,
    secret: &str,
    by: &str,
    now_ms: i64,
) -> Result<(), StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "INSERT INTO alert_rules (id, spec, enabled, builtin, signing_secret, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(id)
        .bind(spec_json(spec))
        .bind(i64::from(spec.enabled))
        .bind(i64::from(builtin))
        .bind(secret)
        .bind(by)
        .bind(now_ms)
        .execute(p)
        .await?;
    });
    Ok(())
}

/// Resolves a rule's open alerts (pending ones are dropped) with a log entry each, inside
/// the caller's transaction (a macro: the body is instantiated per dialect by `dispatch!`).
macro_rules! close_rule_alerts {
    ($tx:expr, $rule_id:expr, $by:expr, $why:expr, $now:expr) => {{
        sqlx::query("DELETE FROM alerts WHERE rule_id = $1 AND state = 'pending'")
            .bind($rule_id)
            .execute(&mut *$tx)
            .await?;
        let open: Vec<(String,)> =
            sqlx::query_as("SELECT id FROM alerts WHERE rule_id = $1 AND state <> 'resolved'")
                .bind($rule_id)
                .fetch_all(&mut *$tx)
                .await?;
        for (alert_id,) in open {
            sqlx::query(
                "UPDATE alerts SET state = 'resolved', work_status = 'resolved', resolved_at = $1, \
                 resolved_by = $2, updated_at = $1 WHERE id = $3",
            )
            .bind($now)
            .bind($by)
            .bind(alert_id.as_str())
            .execute(&mut *$tx)
            .await?;
            sqlx::query(
                "INSERT INTO alert_log (alert_id, at, actor, action, detail) VALUES ($1, $2, $3, 'resolved', $4)",
            )
            .bind(alert_id.as_str())
            .bind($now)
            .bind($by)
            .bind($why)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Replaces a rule's definition; `false` when there is no such rule. Open alerts of the
/// rule are resolved when it is disabled, so nothing lingers that the engine no longer
/// watches.
pub async fn update_rule(
    store: &Store,
    id: &str,
    spec: &RuleSpec,
    by: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let n = sqlx::query("UPDATE alert_rules SET spec = $1, enabled = $2, updated_at = $3 WHERE id = $4")
            .bind(spec_json(spec))
            .bind(i64::from(spec.enabled))
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 && !spec.enabled {
            close_rule_alerts!(tx, id, by, "rule disabled", now_ms);
        }
        tx.commit().await?;
        Ok(n > 0)
    })
}

/// Deletes a rule and resolves its open alerts; `false` when there is no such rule.
pub async fn delete_rule(
    store: &Store,
    id: &str,
    by: &str,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let n = sqlx::query("DELETE FROM alert_rules WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n > 0 {
            close_rule_alerts!(tx, id, by, "rule deleted", now_ms);
        }
        tx.commit().await?;
        Ok(n > 0)
    })
}

/// Number of rules (the default set is seeded into an empty table once).
pub async fn count_rules(store: &Store) -> Result<i64, StoreError> {
    Ok(
        dispatch!(store, p => sqlx::query_scalar("SELECT COUNT(*) FROM alert_rules").fetch_one(p).await?),
    )
}

/// What the engine keeps of an unresolved alert between ticks.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenAlert {
    pub id: String,
    pub rule_id: String,
    pub dim_key: String,
    pub state: String,
    pub breach_since: i64,
    pub clear_since: Option<i64>,
    pub silenced_until: Option<i64>,
}

/// Every unresolved alert.
pub async fn open_alerts(store: &Store) -> Result<Vec<OpenAlert>, StoreError> {
    Ok(dispatch!(store, p => sqlx::query_as(
        "SELECT id, rule_id, dim_key, state, breach_since, clear_since, silenced_until \
         FROM alerts WHERE state <> 'resolved'",
    )
    .fetch_all(p)
    .await?))
}

/// A silence in force.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Silence {
    pub rule_id: String,
    pub dim_key: String,
    pub until_at: i64,
}

impl Silence {
    /// Whether it covers an alert of `rule_id` with `dim_key`.
    pub fn covers(&self, rule_id: &str, dim_key: &str) -> bool {
        (self.rule_id.is_empty() || self.rule_id == rule_id)
            && (self.dim_key.is_empty() || self.dim_key == dim_key)
    }
}

/// Silences still in force at `now_ms`.
pub async fn active_silences(store: &Store, now_ms: i64) -> Result<Vec<Silence>, StoreError> {
    Ok(dispatch!(store, p => sqlx::query_as(
        "SELECT rule_id, dim_key, until_at FROM alert_silences WHERE until_at > $1",
    )
    .bind(now_ms)
    .fetch_all(p)
    .await?))
}

/// A new alert, as the engine opens it.
#[derive(Clone, Debug)]
pub struct NewAlert {
    pub id: String,
    pub rule_id: String,
    pub dim_key: String,
    pub state: AlertState,
    pub severity: Severity,
    pub metric: String,
    pub title: String,
    pub description: String,
    pub team: String,
    pub assignee: String,
    pub evidence: Option<Evidence>,
    pub breach_since: i64,
    pub fired_at: Option<i64>,
    pub silenced_until: Option<i64>,
}

/// A change the engine makes to an unresolved alert.
#[derive(Clone, Debug)]
pub struct AlertUpdate {
    pub id: String,
    /// The state the engine read: the update applies only if nobody changed it since (a
    /// person may acknowledge or resolve between the read and the write).
    pub prev_state: AlertState,
    pub state: AlertState,
    pub clear_since: Option<i64>,
    /// Set when the alert fires now (with its evidence).
    pub fired: Option<(i64, Evidence)>,
    /// Set when the alert resolves now.
    pub resolved_at: Option<i64>,
}

/// A webhook delivery to make.
#[derive(Clone, Debug)]
pub struct NewDelivery {
    pub id: String,
    pub alert_id: String,
    pub rule_id: String,
    pub url: String,
    pub format: String,
    pub event: String,
    pub payload: String,
}

/// What follows from an insert or update when it applies: a log entry (actor `engine`) and
/// webhook deliveries.
#[derive(Clone, Debug, Default)]
pub struct Effects {
    pub log: Option<(&'static str, String)>,
    pub deliveries: Vec<NewDelivery>,
}

/// Everything one engine pass writes, applied in one transaction.
#[derive(Clone, Debug, Default)]
pub struct EngineWrites {
    pub inserts: Vec<(NewAlert, Effects)>,
    pub updates: Vec<(AlertUpdate, Effects)>,
    /// Pending alerts dropped before they fired.
    pub deletes: Vec<String>,
}

impl EngineWrites {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.inserts.is_empty() && self.updates.is_empty() && self.deletes.is_empty()
    }
}

fn evidence_json(e: &Evidence) -> String {
    serde_json::to_string(e).unwrap_or_default()
}

/// Writes a log entry and deliveries inside a transaction (a macro: instantiated per
/// dialect by `dispatch!`).
macro_rules! write_effects {
    ($tx:expr, $alert_id:expr, $fx:expr, $now:expr) => {{
        if let Some((action, detail)) = &$fx.log {
            sqlx::query(
                "INSERT INTO alert_log (alert_id, at, actor, action, detail) VALUES ($1, $2, 'engine', $3, $4)",
            )
            .bind($alert_id)
            .bind($now)
            .bind(*action)
            .bind(detail.as_str())
            .execute(&mut *$tx)
            .await?;
        }
        for d in &$fx.deliveries {
            sqlx::query(
                "INSERT INTO webhook_deliveries (id, alert_id, rule_id, url, format, event, payload, status, \
                 attempts, next_attempt_at, last_status, last_error, created_at, delivered_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8, NULL, '', $8, NULL)",
            )
            .bind(d.id.as_str())
            .bind(d.alert_id.as_str())
            .bind(d.rule_id.as_str())
            .bind(d.url.as_str())
            .bind(d.format.as_str())
            .bind(d.event.as_str())
            .bind(d.payload.as_str())
            .bind($now)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

/// Applies one pass's writes atomically; returns how many changes people can see (fired or
/// resolved alerts) were applied. Updates whose alert changed state meanwhile are skipped.
pub async fn apply(store: &Store, w: &EngineWrites, now_ms: i64) -> Result<usize, StoreError> {
    if w.is_empty() {
        return Ok(0);
    }
    let _g = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let mut visible = 0;
        for id in &w.deletes {
            sqlx::query("DELETE FROM alerts WHERE id = $1 AND state = 'pending'")
                .bind(id.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for (a, fx) in &w.inserts {
            sqlx::query(
                "INSERT INTO alerts (id, rule_id, dim_key, state, work_status, severity, metric, title, \
                 description, team, evidence, value, breach_since, clear_since, fired_at, assignee, \
                 action_taken, silenced_until, updated_at) \
                 VALUES ($1, $2, $3, $4, 'open', $5, $6, $7, $8, $9, $10, $11, $12, NULL, $13, $14, '', $15, $16)",
            )
            .bind(a.id.as_str())
            .bind(a.rule_id.as_str())
            .bind(a.dim_key.as_str())
            .bind(a.state.as_str())
            .bind(a.severity.as_str())
            .bind(a.metric.as_str())
            .bind(a.title.as_str())
            .bind(a.description.as_str())
            .bind(a.team.as_str())
            .bind(a.evidence.as_ref().map(evidence_json))
            .bind(a.evidence.as_ref().map(|e| e.reading.value))
            .bind(a.breach_since)
            .bind(a.fired_at)
            .bind(a.assignee.as_str())
            .bind(a.silenced_until)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            if a.state != AlertState::Pending {
                visible += 1;
            }
            write_effects!(tx, a.id.as_str(), fx, now_ms);
        }
        for (u, fx) in &w.updates {
            let (fired_at, evidence) = match &u.fired {
                Some((t, e)) => (Some(*t), Some(e)),
                None => (None, None),
            };
            let n = sqlx::query(
                "UPDATE alerts SET state = $1, clear_since = $2, fired_at = COALESCE($3, fired_at), \
                 evidence = COALESCE($4, evidence), value = COALESCE($5, value), \
                 resolved_at = COALESCE($6, resolved_at), \
                 resolved_by = CASE WHEN $7 = 1 THEN 'engine' ELSE resolved_by END, \
                 work_status = CASE WHEN $7 = 1 THEN 'resolved' ELSE work_status END, \
                 updated_at = $8 WHERE id = $9 AND state = $10",
            )
            .bind(u.state.as_str())
            .bind(u.clear_since)
            .bind(fired_at)
            .bind(evidence.map(evidence_json))
            .bind(evidence.map(|e| e.reading.value))
            .bind(u.resolved_at)
            .bind(i64::from(u.resolved_at.is_some()))
            .bind(now_ms)
            .bind(u.id.as_str())
            .bind(u.prev_state.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n > 0 {
                if fx.log.is_some() {
                    visible += 1;
                }
                write_effects!(tx, u.id.as_str(), fx, now_ms);
            }
        }
        tx.commit().await?;
        Ok(visible)
    })
}

#[derive(Debug, sqlx::FromRow)]
struct AlertRow {
    id: String,
    rule_id: String,
    dim_key: String,
    state: String,
    work_status: String,
    severity: String,
    metric: String,
    title: String,
    description: String,
    team: String,
    evidence: Option<String>,
    breach_since: i64,
    fired_at: Option<i64>,
    acknowledged_at: Option<i64>,
    acknowledged_by: Option<String>,
    resolved_at: Option<i64>,
    resolved_by: Option<String>,
    assignee: String,
    action_taken: String,
    silenced_until: Option<i64>,
    updated_at: i64,
}

const ALERT_COLUMNS: &str = "id, rule_id, dim_key, state, work_status, severity, metric, title, \
     description, team, evidence, breach_since, fired_at, acknowledged_at, acknowledged_by, \
     resolved_at, resolved_by, assignee, action_taken, silenced_until, updated_at";

impl From<AlertRow> for AlertView {
    fn from(r: AlertRow) -> AlertView {
        AlertView {
            id: r.id,
            rule_id: r.rule_id,
            title: r.title,
            description: r.description,
            metric: r.metric,
            dim_key: r.dim_key,
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Info),
            state: AlertState::parse(&r.state).unwrap_or(AlertState::Resolved),
            work_status: WorkStatus::parse(&r.work_status).unwrap_or(WorkStatus::Open),
            evidence: r.evidence.and_then(|e| serde_json::from_str(&e).ok()),
            started_at: r.breach_since,
            fired_at: r.fired_at,
            acknowledged_at: r.acknowledged_at,
            acknowledged_by: r.acknowledged_by,
            resolved_at: r.resolved_at,
            resolved_by: r.resolved_by,
            assignee: r.assignee,
            action_taken: r.action_taken,
            team: r.team,
            silenced_until: r.silenced_until,
            updated_at: r.updated_at,
        }
    }
}

/// Which alerts to list.
#[derive(Clone, Debug, Default)]
pub struct AlertFilter {
    /// Only these states (empty: all but pending).
    pub states: Vec<AlertState>,
    pub severity: Option<Severity>,
    pub rule_id: Option<String>,
    /// Only these metrics (an audience's catalogue ids); `None`: every metric.
    pub metrics: Option<Vec<&'static str>>,
    pub limit: i64,
}

/// Alerts matching `f`: the most urgent first (active before resolved, then severity), newest
/// first within each.
pub async fn list_alerts(store: &Store, f: &AlertFilter) -> Result<Vec<AlertView>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE 1 = 1"));
    if f.states.is_empty() {
        sql.push(" AND state <> 'pending'");
    } else {
        sql.push(" AND state IN (");
        for (i, s) in f.states.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Bind::Text(s.as_str().into()));
        }
        sql.push(")");
    }
    if let Some(s) = f.severity {
        sql.push(" AND severity = ")
            .bind(Bind::Text(s.as_str().into()));
    }
    if let Some(r) = &f.rule_id {
        sql.push(" AND rule_id = ").bind(Bind::Text(r.clone()));
    }
    push_metrics(&mut sql, f.metrics.as_deref());
    sql.push(
        " ORDER BY CASE state WHEN 'firing' THEN 0 WHEN 'acknowledged' THEN 1 WHEN 'pending' THEN 2 ELSE 3 END, \
         CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, \
         COALESCE(fired_at, breach_since) DESC, id LIMIT ",
    )
    .bind(Bind::Int(f.limit.clamp(1, 1000)));
    let rows: Vec<AlertRow> = fetch_as!(store, AlertRow, sql);
    Ok(rows.into_iter().map(AlertView::from).collect())
}

fn push_metrics(sql: &mut Sql, metrics: Option<&[&'static str]>) {
    if let Some(ms) = metrics {
        sql.push(" AND metric IN ('', ");
        for (i, m) in ms.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Bind::Text((*m).into()));
        }
        sql.push(")");
    }
}

/// One alert.
pub async fn get_alert(store: &Store, id: &str) -> Result<Option<AlertView>, StoreError> {
    let sql = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
    let row: Option<AlertRow> =
        dispatch!(store, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
    Ok(row.map(AlertView::from))
}

/// A person's change to an alert, already checked against its state by the caller.
#[derive(Clone, Debug, Default)]
pub struct HumanChange {
    pub state: Option<AlertState>,
    pub work_status: Option<WorkStatus>,
    pub acknowledged: bool,
    pub resolved: bool,
    pub assignee: Option<String>,
    pub action_taken: Option<String>,
    /// (until, reason): mutes this alert and later ones of the same rule and key.
    pub silence: Option<(i64, String)>,
}

/// Applies a person's change with its log entry, in one transaction; `false` when the
/// alert does not exist.
pub async fn apply_human(
    store: &Store,
    alert: &AlertView,
    c: &HumanChange,
    actor: &str,
    log: (&str, &str),
    now_ms: i64,
) -> Result<(), StoreError> {
    let _g = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "UPDATE alerts SET state = COALESCE($1, state), work_status = COALESCE($2, work_status), \
             acknowledged_at = CASE WHEN $3 = 1 AND acknowledged_at IS NULL THEN $4 ELSE acknowledged_at END, \
             acknowledged_by = CASE WHEN $3 = 1 AND acknowledged_by IS NULL THEN $5 ELSE acknowledged_by END, \
             resolved_at = CASE WHEN $6 = 1 THEN $4 ELSE resolved_at END, \
             resolved_by = CASE WHEN $6 = 1 THEN $5 ELSE resolved_by END, \
             assignee = COALESCE($7, assignee), action_taken = COALESCE($8, action_taken), \
             silenced_until = COALESCE($9, silenced_until), updated_at = $4 WHERE id = $10",
        )
        .bind(c.state.map(AlertState::as_str))
        .bind(c.work_status.map(WorkStatus::as_str))
        .bind(i64::from(c.acknowledged))
        .bind(now_ms)
        .bind(actor)
        .bind(i64::from(c.resolved))
        .bind(c.assignee.as_deref())
        .bind(c.action_taken.as_deref())
        .bind(c.silence.as_ref().map(|s| s.0))
        .bind(alert.id.as_str())
        .execute(&mut *tx)
        .await?;
        if let Some((until, reason)) = &c.silence {
            sqlx::query(
                "INSERT INTO alert_silences (id, rule_id, dim_key, until_at, reason, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(crate::auth::tokens::random_id())
            .bind(alert.rule_id.as_str())
            .bind(alert.dim_key.as_str())
            .bind(*until)
            .bind(reason.as_str())
            .bind(actor)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("INSERT INTO alert_log (alert_id, at, actor, action, detail) VALUES ($1, $2, $3, $4, $5)")
            .bind(alert.id.as_str())
            .bind(now_ms)
            .bind(actor)
            .bind(log.0)
            .bind(log.1)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct LogRow {
    id: i64,
    alert_id: String,
    at: i64,
    actor: String,
    action: String,
    detail: String,
    title: String,
    severity: String,
}

/// The alert log, newest first: every transition with who and when, optionally of one alert
/// or of an audience's metrics.
pub async fn log(
    store: &Store,
    alert_id: Option<&str>,
    metrics: Option<&[&'static str]>,
    limit: i64,
) -> Result<Vec<AlertLogEntry>, StoreError> {
    let mut sql = Sql::default();
    sql.push(
        "SELECT l.id, l.alert_id, l.at, l.actor, l.action, l.detail, a.title, a.severity \
         FROM alert_log l JOIN alerts a ON a.id = l.alert_id WHERE 1 = 1",
    );
    if let Some(id) = alert_id {
        sql.push(" AND l.alert_id = ").bind(Bind::Text(id.into()));
    }
    if let Some(ms) = metrics {
        sql.push(" AND a.metric IN ('', ");
        for (i, m) in ms.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.bind(Bind::Text((*m).into()));
        }
        sql.push(")");
    }
    sql.push(" ORDER BY l.id DESC LIMIT ")
        .bind(Bind::Int(limit.clamp(1, 1000)));
    let rows: Vec<LogRow> = fetch_as!(store, LogRow, sql);
    Ok(rows
        .into_iter()
        .map(|r| AlertLogEntry {
            // The action recorded by this entry, not the alert's latest one on every row.
            action_taken: if r.action == "action" {
                r.detail.clone()
            } else {
                String::new()
            },
            id: r.id,
            alert_id: r.alert_id,
            at: r.at,
            actor: r.actor,
            action: r.action,
            detail: r.detail,
            title: r.title,
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Info),
        })
        .collect())
}

/// Fire times since `from_ms`, for the heatmap.
pub async fn fired_since(
    store: &Store,
    from_ms: i64,
    metrics: Option<&[&'static str]>,
) -> Result<Vec<i64>, StoreError> {
    let mut sql = Sql::default();
    sql.push("SELECT fired_at FROM alerts WHERE fired_at >= ")
        .bind(Bind::Int(from_ms));
    push_metrics(&mut sql, metrics);
    let rows: Vec<(i64,)> = fetch_as!(store, (i64,), sql);
    Ok(rows.into_iter().map(|r| r.0).collect())
}

#[derive(Debug, sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    alert_id: String,
    rule_id: String,
    url: String,
    event: String,
    status: String,
    attempts: i64,
    last_status: Option<i64>,
    last_error: String,
    created_at: i64,
    next_attempt_at: Option<i64>,
    delivered_at: Option<i64>,
}

impl From<DeliveryRow> for DeliveryView {
    fn from(r: DeliveryRow) -> DeliveryView {
        DeliveryView {
            id: r.id,
            alert_id: r.alert_id,
            rule_id: r.rule_id,
            url: r.url,
            event: r.event,
            status: r.status,
            attempts: r.attempts,
            last_status: r.last_status,
            last_error: r.last_error,
            created_at: r.created_at,
            next_attempt_at: r.next_attempt_at,
            delivered_at: r.delivered_at,
        }
    }
}

/// The delivery log, newest first.
pub async fn deliveries(store: &Store, limit: i64) -> Result<Vec<DeliveryView>, StoreError> {
    let rows: Vec<DeliveryRow> = dispatch!(store, p => sqlx::query_as(
        "SELECT id, alert_id, rule_id, url, event, status, attempts, last_status, last_error, \
         created_at, next_attempt_at, delivered_at FROM webhook_deliveries \
         ORDER BY created_at DESC, id LIMIT $1",
    )
    .bind(limit.clamp(1, 1000))
    .fetch_all(p)
    .await?);
    Ok(rows.into_iter().map(DeliveryView::from).collect())
}

/// A delivery due for an attempt.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueDelivery {
    pub id: String,
    pub rule_id: String,
    pub url: String,
    pub format: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
}

/// Pending deliveries whose next attempt is due, oldest first.
pub async fn due_deliveries(
    store: &Store,
    now_ms: i64,
    limit: i64,
) -> Result<Vec<DueDelivery>, StoreError> {
    Ok(dispatch!(store, p => sqlx::query_as(
        "SELECT id, rule_id, url, format, event, payload, attempts FROM webhook_deliveries \
         WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now_ms)
    .bind(limit)
    .fetch_all(p)
    .await?))
}

/// When the next pending delivery is due, if any.
pub async fn next_due(store: &Store) -> Result<Option<i64>, StoreError> {
    Ok(dispatch!(store, p => sqlx::query_scalar(
        "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'",
    )
    .fetch_one(p)
    .await?))
}

/// Records an attempt: delivered, or failed with the next attempt time (`None`: give up).
pub async fn record_attempt(
    store: &Store,
    id: &str,
    ok: bool,
    http_status: Option<i64>,
    error: &str,
    next_attempt_at: Option<i64>,
    now_ms: i64,
) -> Result<(), StoreError> {
    let status = match (ok, next_attempt_at) {
        (true, _) => "delivered",
        (false, Some(_)) => "pending",
        (false, None) => "failed",
    };
    let error: String = error.chars().take(500).collect();
    let _g = store.write_guard().await;
    dispatch!(store, p => {
        sqlx::query(
            "UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status = $2, \
             last_error = $3, next_attempt_at = $4, delivered_at = $5 WHERE id = $6",
        )
        .bind(status)
        .bind(http_status)
        .bind(error)
        .bind(if ok { None } else { next_attempt_at })
        .bind(ok.then_some(now_ms))
        .bind(id)
        .execute(p)
        .await?;
    });
    Ok(())
}

#[derive(Debug, sqlx::FromRow)]
struct SilenceRow {
    id: String,
    rule_id: String,
    dim_key: String,
    until_at: i64,
    reason: String,
    created_by: String,
    created_at: i64,
}

/// Silences in force at `now_ms` and those that ended in the week before, newest first.
pub async fn list_silences(store: &Store, now_ms: i64) -> Result<Vec<SilenceView>, StoreError> {
    let rows: Vec<SilenceRow> = dispatch!(store, p => sqlx::query_as(
        "SELECT id, rule_id, dim_key, until_at, reason, created_by, created_at FROM alert_silences \
         WHERE until_at > $1 ORDER BY created_at DESC, id LIMIT 500",
    )
    .bind(now_ms - 7 * 86_400_000)
    .fetch_all(p)
    .await?);
    Ok(rows
        .into_iter()
        .map(|r| SilenceView {
            id: r.id,
            rule_id: r.rule_id,
            dim_key: r.dim_key,
            until: r.until_at,
            reason: r.reason,
            created_by: r.created_by,
            created_at: r.created_at,
        })
        .collect())
}

/// Stores a silence and mutes the open alerts it covers, in one transaction.
pub async fn insert_silence(store: &Store, s: &SilenceView) -> Result<(), StoreError> {
    let _g = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        sqlx::query(
            "INSERT INTO alert_silences (id, rule_id, dim_key, until_at, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(s.id.as_str())
        .bind(s.rule_id.as_str())
        .bind(s.dim_key.as_str())
        .bind(s.until)
        .bind(s.reason.as_str())
        .bind(s.created_by.as_str())
        .bind(s.created_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE alerts SET silenced_until = $1, updated_at = $2 WHERE state <> 'resolved' \
             AND ($3 = '' OR rule_id = $3) AND ($4 = '' OR dim_key = $4) \
             AND (silenced_until IS NULL OR silenced_until < $1)",
        )
        .bind(s.until)
        .bind(s.created_at)
        .bind(s.rule_id.as_str())
        .bind(s.dim_key.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// Ends a silence now and unmutes the open alerts it muted in the inbox (deliveries stay
/// muted while any other silence covers them). `false` when there is no such silence in
/// force.
pub async fn end_silence(store: &Store, id: &str, now_ms: i64) -> Result<bool, StoreError> {
    let _g = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        let row: Option<(String, String, i64)> = sqlx::query_as(
            "SELECT rule_id, dim_key, until_at FROM alert_silences WHERE id = $1 AND until_at > $2",
        )
        .bind(id)
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((rule_id, dim_key, until)) = row else {
            return Ok(false);
        };
        sqlx::query("UPDATE alert_silences SET until_at = $1 WHERE id = $2")
            .bind(now_ms)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE alerts SET silenced_until = NULL, updated_at = $1 WHERE state <> 'resolved' \
             AND ($2 = '' OR rule_id = $2) AND ($3 = '' OR dim_key = $3) AND silenced_until = $4",
        )
        .bind(now_ms)
        .bind(rule_id.as_str())
        .bind(dim_key.as_str())
        .bind(until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    })
}
