//! `GET /api/v1/workflows` (the workflow dashboard's report: figures against the comparison
//! period, stages, status by type, the timeline, delayed work, recent transitions, tasks and
//! automation) and `GET /api/v1/workflows/{id}` (one workflow with its transitions and tasks).
//!
//! Parameters: the dashboard's `from`/`to`/`range`/`compare`, `partner`, and `type`, `team`,
//! `audience` (`customer|partner`). A partner account reads its own partner's workflows only.

use super::auth::scoped_query;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::workflows as store;
use app::domain::access::Principal;
use app::domain::date::{format_rfc3339, Day};
use app::domain::dimension::Dimension;
use app::domain::query::{decode_pairs, param, DashboardQuery, QueryError};
use app::domain::workflow::figures::{
    lateness_ms, run_figures, samples, task_figures, workflow_figures, Period,
};
use app::domain::workflow::{
    kinds, Audience, Category, Stage, StateAt, WorkflowFilter, WorkflowRecord,
};
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Most rows a list in the report carries.
const LIST_LIMIT: usize = 20;
/// Bars the timeline draws.
const TIMELINE_LIMIT: usize = 40;

/// The workflow filter of a query: `type`, `team`, `audience` from the URL, the partner from
/// the (scoped) dashboard query. Other dashboard filters do not apply to workflows.
pub fn workflow_filter(q: &DashboardQuery, raw: &str) -> Result<WorkflowFilter, QueryError> {
    if let Some(d) = q.filters.keys().find(|d| **d != Dimension::Partner) {
        return Err(QueryError::new(
            "unsupported_filter",
            format!(
                "workflows are filtered by type, team, audience and partner, not by {}",
                d.as_str()
            ),
        ));
    }
    let pairs = decode_pairs(raw);
    let text = |k: &str| param(&pairs, k).map(str::to_string);
    let audience = match param(&pairs, "audience") {
        None | Some("all") => None,
        Some(a) => Some(Audience::parse(a).ok_or_else(|| {
            QueryError::new(
                "invalid_audience",
                format!("`audience` must be customer or partner, got {a:?}"),
            )
        })?),
    };
    Ok(WorkflowFilter {
        kind: param(&pairs, "type").and_then(kinds::type_id),
        team: text("team"),
        audience,
        partner: q.filters.get(&Dimension::Partner).cloned(),
    })
}

fn period(from: Day, to: Day, now: i64) -> Period {
    Period {
        from_ms: from.start_ms(),
        to_ms: to.plus_days(1).start_ms(),
        now_ms: now,
    }
}

fn ts(ms: Option<i64>) -> Value {
    ms.map_or(Value::Null, |m| Value::String(format_rfc3339(m)))
}

fn type_name(id: &str) -> String {
    kinds::built_in(id).map_or_else(|| id.replace('_', " "), |k| k.name.to_string())
}

fn summary(w: &WorkflowRecord, p: &Period) -> Value {
    json!({
        "id": w.external_id,
        "title": w.title,
        "type": w.kind,
        "type_name": type_name(&w.kind),
        "audience": w.audience,
        "status": w.status,
        "category": w.category,
        "stage": w.stage,
        "team": w.team,
        "owner": w.owner,
        "partner_id": w.partner_id,
        "customer_id": w.customer_id,
        "priority": w.priority,
        "created_at": ts(Some(w.created_at_ms)),
        "started_at": ts(w.started_at_ms),
        "due_at": ts(w.due_at_ms),
        "completed_at": ts(w.closed_at_ms.filter(|_| w.category == Category::Done)),
        "days_late": lateness_ms(w, p).map(|ms| ms as f64 / 86_400_000.0),
        "delay_reason": w.delay_reason,
    })
}

/// The figures of one period by catalogue id.
async fn figures(
    state: &AppState,
    f: &WorkflowFilter,
    p: &Period,
) -> Result<
    (
        Vec<WorkflowRecord>,
        BTreeMap<&'static str, Option<f64>>,
        Value,
    ),
    ApiError,
> {
    let at = p.at();
    let list = store::in_period(&state.store, f, p.from_ms, at).await?;
    let tasks = store::tasks_in_period(&state.store, f, p.from_ms, at).await?;
    let runs = store::runs_started(&state.store, f, p.from_ms, at).await?;
    let (wf, tf, rf) = (
        workflow_figures(&list, p),
        task_figures(&tasks, p),
        run_figures(&runs, p),
    );
    let values = samples(&wf, &tf, &rf)
        .into_iter()
        .map(|(id, s)| (id, s.value))
        .collect();
    let overdue: Vec<Value> = tasks
        .iter()
        .filter(|t| t.open_at(at) && t.due_at_ms.is_some_and(|d| d < at))
        .take(LIST_LIMIT)
        .map(|t| {
            json!({"id": t.external_id, "workflow_id": t.workflow_id, "title": t.title,
                   "assignee": t.assignee, "team": t.team, "due_at": ts(t.due_at_ms)})
        })
        .collect();
    let failures: Vec<Value> = runs
        .iter()
        .filter(|r| r.status == app::domain::workflow::RunStatus::Failed)
        .take(LIST_LIMIT)
        .map(|r| {
            json!({"id": r.external_id, "automation": r.automation, "workflow_id": r.workflow_id,
                   "started_at": ts(Some(r.started_at_ms)), "error": r.error})
        })
        .collect();
    let extra = json!({
        "workflows": wf.workflows,
        "stages": wf.stages.iter().map(|(s, n)| json!({"stage": s, "open": n})).collect::<Vec<_>>(),
        "tasks": {"pending": tf.pending, "completed": tf.completed, "overdue": tf.overdue, "overdue_list": overdue},
        "automation": {"pending": rf.pending, "running": rf.running, "completed": rf.completed,
                       "failed": rf.failed, "success_rate": rf.success_rate(), "failures": failures},
    });
    Ok((list, values, extra))
}

/// Status by type, and the efficiency figures by type, over the period's workflows.
fn by_type(list: &[WorkflowRecord], p: &Period) -> Vec<Value> {
    let mut groups: BTreeMap<&str, Vec<&WorkflowRecord>> = BTreeMap::new();
    for w in list {
        groups.entry(w.kind.as_str()).or_default().push(w);
    }
    let at = p.at();
    groups
        .into_iter()
        .map(|(kind, ws)| {
            let f = workflow_figures(ws.iter().copied(), p);
            let mut status: BTreeMap<&str, i64> = BTreeMap::new();
            for w in &ws {
                let s = match w.state_at(at) {
                    StateAt::Open(c) | StateAt::Closed(c) => c.as_str(),
                    StateAt::Absent => continue,
                };
                *status.entry(s).or_default() += 1;
            }
            json!({
                "type": kind,
                "type_name": type_name(kind),
                "workflows": f.workflows,
                "status": status,
                "delayed": f.delayed,
                "time_to_completion": f.time_to_completion_secs,
                "workflow_delay": f.average_delay_secs,
                "efficiency_ratio": f.efficiency_ratio(),
            })
        })
        .collect()
}

/// The report behind `/workflows`.
pub async fn get_workflows(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let raw = query.unwrap_or_default();
    let q = scoped_query(&state, &headers, principal.map(|p| p.0), Some(&raw)).await?;
    let f = workflow_filter(&q, &raw)?;
    let now = now_ms();
    let p = period(q.from, q.to, now);
    let (list, values, extra) = figures(&state, &f, &p).await?;
    let previous = match q.previous() {
        Some((from, to)) => Some(figures(&state, &f, &period(from, to, now)).await?.1),
        None => None,
    };
    let mut delayed: Vec<(&WorkflowRecord, i64)> = list
        .iter()
        .filter_map(|w| lateness_ms(w, &p).map(|l| (w, l)))
        .collect();
    delayed.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.external_id.cmp(&b.0.external_id)));
    // The timeline: open work first (by due date), then what was done in the period.
    let mut timeline: Vec<&WorkflowRecord> = list
        .iter()
        .filter(|w| w.category != Category::Cancelled)
        .collect();
    timeline.sort_by_key(|w| {
        (
            w.closed_at_ms.is_some(),
            std::cmp::Reverse(w.priority),
            w.due_at_ms.unwrap_or(i64::MAX),
            w.external_id.clone(),
        )
    });
    let recent = store::recent_transitions(&state.store, &f, p.at(), LIST_LIMIT as i64).await?;
    Ok(Json(json!({
        "from": q.from,
        "to": q.to,
        "at": format_rfc3339(p.at()),
        "filters": {"type": f.kind, "team": f.team, "audience": f.audience, "partner": f.partner},
        "figures": values,
        "previous": previous,
        "definitions": {
            "delayed": "past due and not done at the period's end, or done within the period after its due date",
            "efficiency_ratio": "workflows completed on time / workflows completed in the period (one without a due date is on time)",
            "cycle_time": "first moved into progress → done",
        },
        "workflows": extra["workflows"],
        "stages": extra["stages"],
        "by_type": by_type(&list, &p),
        "delayed": delayed.iter().take(LIST_LIMIT).map(|(w, _)| summary(w, &p)).collect::<Vec<_>>(),
        "timeline": timeline.iter().take(TIMELINE_LIMIT).map(|w| summary(w, &p)).collect::<Vec<_>>(),
        "recent": recent.iter().map(|(t, title)| json!({
            "workflow_id": t.workflow_id, "title": title, "at": ts(Some(t.at_ms)),
            "from_status": t.from_status, "to_status": t.to_status, "from_stage": t.from_stage,
            "to_stage": t.to_stage, "category": t.to_category, "by": t.by, "comment": t.comment,
        })).collect::<Vec<_>>(),
        "tasks": extra["tasks"],
        "automation": extra["automation"],
        "stage_order": Stage::ALL,
    })))
}

/// One workflow: its record, transitions and tasks. Another partner's workflow is 404.
pub async fn get_workflow(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let q = scoped_query(&state, &headers, principal.map(|p| p.0), None).await?;
    let partner = q.filters.get(&Dimension::Partner).map(String::as_str);
    let Some(w) = store::get(&state.store, &id, partner).await? else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_workflow",
            format!("no workflow {id:?}"),
        ));
    };
    let now = now_ms();
    let p = Period {
        from_ms: w.created_at_ms,
        to_ms: now + 1,
        now_ms: now,
    };
    let transitions = store::transitions_of(&state.store, &id).await?;
    let tasks = store::tasks_of(&state.store, &id).await?;
    Ok(Json(json!({
        "workflow": summary(&w, &p),
        "transitions": transitions.iter().map(|t| json!({
            "at": ts(Some(t.at_ms)), "from_status": t.from_status, "to_status": t.to_status,
            "from_stage": t.from_stage, "to_stage": t.to_stage, "category": t.to_category,
            "by": t.by, "comment": t.comment,
        })).collect::<Vec<_>>(),
        "tasks": tasks.iter().map(|t| json!({
            "id": t.external_id, "title": t.title, "assignee": t.assignee, "team": t.team,
            "status": t.category, "due_at": ts(t.due_at_ms), "completed_at": ts(t.closed_at_ms),
            "overdue": t.open_at(now) && t.due_at_ms.is_some_and(|d| d < now),
        })).collect::<Vec<_>>(),
    })))
}
