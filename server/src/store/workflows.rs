//! Workflows with their transitions, tasks, automation runs and custom workflow types.
//!
//! One upsert routine per kind of record; the workflow upsert writes the transition in the
//! same transaction as the row it moves, so the feed and the figures always agree.

use super::sql::{Bind, Sql};
use super::{Store, StoreError, Upserted};
use crate::store::BeginWrite;
use app::domain::date::Day;
use app::domain::workflow::{
    kinds, Audience, Category, Priority, RunRecord, RunStatus, Stage, TaskRecord, Transition,
    WorkflowFilter, WorkflowRecord,
};

#[derive(Debug, sqlx::FromRow)]
struct WorkflowRow {
    external_id: String,
    kind: String,
    audience: String,
    title: String,
    status: String,
    category: String,
    stage: String,
    customer_id: Option<String>,
    partner_id: String,
    team: String,
    owner: String,
    priority: String,
    created_at: i64,
    started_at: Option<i64>,
    due_at: Option<i64>,
    closed_at: Option<i64>,
    updated_at: i64,
    delay_reason: Option<String>,
    comment: Option<String>,
}

const WORKFLOW_COLUMNS: &str = "external_id, kind, audience, title, status, category, stage, \
     customer_id, partner_id, team, owner, priority, created_at, started_at, due_at, closed_at, \
     updated_at, delay_reason, comment";

impl From<WorkflowRow> for WorkflowRecord {
    fn from(r: WorkflowRow) -> WorkflowRecord {
        // Rows were validated on the way in; a value this build does not know reads as the
        // most neutral one rather than failing the whole read.
        WorkflowRecord {
            external_id: r.external_id,
            kind: r.kind,
            audience: Audience::parse(&r.audience).unwrap_or(Audience::Customer),
            title: r.title,
            status: r.status,
            category: Category::parse(&r.category).unwrap_or(Category::NotStarted),
            stage: Stage::parse(&r.stage).unwrap_or(Stage::Initiation),
            customer_id: r.customer_id,
            partner_id: Some(r.partner_id).filter(|p| !p.is_empty()),
            team: r.team,
            owner: r.owner,
            priority: Priority::parse(&r.priority).unwrap_or(Priority::Medium),
            created_at_ms: r.created_at,
            started_at_ms: r.started_at,
            due_at_ms: r.due_at,
            closed_at_ms: r.closed_at,
            updated_at_ms: r.updated_at,
            delay_reason: r.delay_reason,
            comment: r.comment,
            changed_by: String::new(),
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
struct StoredVersion {
    status: String,
    stage: String,
    updated_at: i64,
    started_at: Option<i64>,
}

/// What one workflow upsert did.
#[derive(Debug, Default)]
pub struct WorkflowUpsert {
    pub upserted: Upserted,
    /// The transitions recorded, in the order they happened.
    pub transitions: Vec<Transition>,
    /// False when `webhook` named a delivery applied before: nothing changed.
    pub applied: bool,
}

/// Upserts workflows, newest `updated_at` winning, and records a transition for every change
/// of status or stage. Versions of one workflow within the batch apply oldest first, so each
/// step is kept. `webhook` (`source`, delivery id) applies a delivery at most once.
pub async fn upsert(
    store: &Store,
    mut records: Vec<WorkflowRecord>,
    webhook: Option<(&str, &str)>,
    now_ms: i64,
) -> Result<WorkflowUpsert, StoreError> {
    records.sort_by(|a, b| {
        (a.external_id.as_str(), a.updated_at_ms).cmp(&(b.external_id.as_str(), b.updated_at_ms))
    });
    let mut out = WorkflowUpsert {
        applied: true,
        ..Default::default()
    };
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        if let Some((source, event_id)) = webhook {
            let fresh = sqlx::query(
                "INSERT INTO webhook_events (source, event_id, received_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (source, event_id) DO NOTHING",
            )
            .bind(source)
            .bind(event_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if fresh == 0 {
                out.applied = false;
                return Ok(out);
            }
        }
        // One workflow's versions fold in memory: its row is written once per batch, each
        // step still leaves its transition.
        let mut rest = records.as_slice();
        while let Some(first) = rest.first() {
            let n = rest
                .iter()
                .take_while(|r| r.external_id == first.external_id)
                .count();
            let (versions, tail) = rest.split_at(n);
            rest = tail;
            let stored: Option<StoredVersion> = sqlx::query_as(
                "SELECT status, stage, updated_at, started_at FROM workflows WHERE external_id = $1",
            )
            .bind(first.external_id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let mut current = stored.as_ref().map(|s| {
                (
                    s.status.clone(),
                    Stage::parse(&s.stage).unwrap_or(Stage::Initiation),
                    s.updated_at,
                    s.started_at,
                )
            });
            let existed = stored.is_some();
            let mut last: Option<WorkflowRecord> = None;
            let mut transitions = Vec::new();
            for v in versions {
                if current.as_ref().is_some_and(|c| !v.supersedes(c.2)) {
                    out.upserted.unchanged += 1;
                    continue;
                }
                let mut r = v.clone();
                // The first move into progress is the start when the source does not say.
                r.started_at_ms = r
                    .started_at_ms
                    .or(current.as_ref().and_then(|c| c.3))
                    .or((r.category == Category::InProgress).then_some(r.updated_at_ms));
                let before = current.as_ref().map(|c| (c.0.as_str(), c.1));
                transitions.extend(Transition::between(before, &r));
                if current.is_some() {
                    out.upserted.updated += 1;
                } else {
                    out.upserted.created += 1;
                }
                let partner = r.partner_id.clone().unwrap_or_default();
                out.upserted.touch(Day::from_epoch_ms(r.updated_at_ms).0, &partner);
                current = Some((r.status.clone(), r.stage, r.updated_at_ms, r.started_at_ms));
                last = Some(r);
            }
            let Some(r) = last else { continue };
            let partner = r.partner_id.clone().unwrap_or_default();
            sqlx::query(&format!(
                "INSERT INTO workflows ({WORKFLOW_COLUMNS}) VALUES \
                 ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) \
                 ON CONFLICT (external_id) DO UPDATE SET kind = excluded.kind, \
                 audience = excluded.audience, title = excluded.title, status = excluded.status, \
                 category = excluded.category, stage = excluded.stage, \
                 customer_id = excluded.customer_id, partner_id = excluded.partner_id, \
                 team = excluded.team, owner = excluded.owner, priority = excluded.priority, \
                 created_at = excluded.created_at, started_at = excluded.started_at, \
                 due_at = excluded.due_at, closed_at = excluded.closed_at, \
                 updated_at = excluded.updated_at, delay_reason = excluded.delay_reason, \
                 comment = excluded.comment"
            ))
            .bind(r.external_id.as_str())
            .bind(r.kind.as_str())
            .bind(r.audience.as_str())
            .bind(r.title.as_str())
            .bind(r.status.as_str())
            .bind(r.category.as_str())
            .bind(r.stage.as_str())
            .bind(r.customer_id.as_deref())
            .bind(partner.as_str())
            .bind(r.team.as_str())
            .bind(r.owner.as_str())
            .bind(r.priority.as_str())
            .bind(r.created_at_ms)
            .bind(r.started_at_ms)
            .bind(r.due_at_ms)
            .bind(r.closed_at_ms)
            .bind(r.updated_at_ms)
            .bind(r.delay_reason.as_deref())
            .bind(r.comment.as_deref())
            .execute(&mut *tx)
            .await?;
            if !existed && kinds::built_in(&r.kind).is_none() {
                sqlx::query(
                    "INSERT INTO workflow_types (id, name, description, audience, created_at) \
                     VALUES ($1, $2, '', $3, $4) ON CONFLICT (id) DO NOTHING",
                )
                .bind(r.kind.as_str())
                .bind(r.kind.replace('_', " "))
                .bind(r.audience.as_str())
                .bind(now_ms)
                .execute(&mut *tx)
                .await?;
            }
            for t in transitions {
                sqlx::query(
                    "INSERT INTO workflow_transitions (workflow_id, partner_id, at, from_status, \
                     to_status, from_stage, to_stage, to_category, changed_by, comment) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(t.workflow_id.as_str())
                .bind(partner.as_str())
                .bind(t.at_ms)
                .bind(t.from_status.as_deref())
                .bind(t.to_status.as_str())
                .bind(t.from_stage.map(Stage::as_str))
                .bind(t.to_stage.as_str())
                .bind(t.to_category.as_str())
                .bind(t.by.as_str())
                .bind(t.comment.as_deref())
                .execute(&mut *tx)
                .await?;
                out.transitions.push(t);
            }
        }
        tx.commit().await?;
    });
    Ok(out)
}

/// ` AND …` for each filter of `f` on the `workflows` table aliased `w`.
fn filter_sql(sql: &mut Sql, f: &WorkflowFilter) {
    if let Some(k) = &f.kind {
        sql.push(" AND w.kind = ").bind(Bind::Text(k.clone()));
    }
    if let Some(t) = &f.team {
        sql.push(" AND w.team = ").bind(Bind::Text(t.clone()));
    }
    if let Some(a) = f.audience {
        sql.push(" AND w.audience = ")
            .bind(Bind::Text(a.as_str().into()));
    }
    if let Some(p) = &f.partner {
        sql.push(" AND w.partner_id = ").bind(Bind::Text(p.clone()));
    }
}

/// Workflows that may count in `[from_ms, at_ms]`: created by `at_ms` and not closed before
/// `from_ms`.
pub async fn in_period(
    store: &Store,
    f: &WorkflowFilter,
    from_ms: i64,
    at_ms: i64,
) -> Result<Vec<WorkflowRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {WORKFLOW_COLUMNS} FROM workflows w WHERE w.created_at <= "
    ))
    .bind(Bind::Int(at_ms))
    .push(" AND (w.closed_at IS NULL OR w.closed_at >= ")
    .bind(Bind::Int(from_ms))
    .push(")");
    filter_sql(&mut sql, f);
    sql.push(" ORDER BY w.created_at, w.external_id");
    let rows = fetch_as!(store, WorkflowRow, sql);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// One workflow; `partner` scopes the read (another partner's workflow is not found).
pub async fn get(
    store: &Store,
    id: &str,
    partner: Option<&str>,
) -> Result<Option<WorkflowRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {WORKFLOW_COLUMNS} FROM workflows w WHERE w.external_id = "
    ))
    .bind(Bind::Text(id.into()));
    if let Some(p) = partner {
        sql.push(" AND w.partner_id = ").bind(Bind::Text(p.into()));
    }
    let rows = fetch_as!(store, WorkflowRow, sql);
    Ok(rows.into_iter().next().map(Into::into))
}

#[derive(Debug, sqlx::FromRow)]
struct TransitionRow {
    workflow_id: String,
    at: i64,
    from_status: Option<String>,
    to_status: String,
    from_stage: Option<String>,
    to_stage: String,
    to_category: String,
    changed_by: String,
    comment: Option<String>,
}

impl From<TransitionRow> for Transition {
    fn from(r: TransitionRow) -> Transition {
        Transition {
            workflow_id: r.workflow_id,
            at_ms: r.at,
            from_status: r.from_status,
            to_status: r.to_status,
            from_stage: r.from_stage.as_deref().and_then(Stage::parse),
            to_stage: Stage::parse(&r.to_stage).unwrap_or(Stage::Initiation),
            to_category: Category::parse(&r.to_category).unwrap_or(Category::NotStarted),
            by: r.changed_by,
            comment: r.comment,
        }
    }
}

const TRANSITION_COLUMNS: &str = "t.workflow_id, t.at, t.from_status, t.to_status, \
     t.from_stage, t.to_stage, t.to_category, t.changed_by, t.comment";

/// The latest transitions (newest first) of workflows matching `f`, at most `limit`.
pub async fn recent_transitions(
    store: &Store,
    f: &WorkflowFilter,
    until_ms: i64,
    limit: i64,
) -> Result<Vec<(Transition, String)>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        t: TransitionRow,
        title: String,
    }
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {TRANSITION_COLUMNS}, w.title FROM workflow_transitions t \
         JOIN workflows w ON w.external_id = t.workflow_id WHERE t.at <= "
    ))
    .bind(Bind::Int(until_ms));
    filter_sql(&mut sql, f);
    sql.push(" ORDER BY t.at DESC, t.id DESC LIMIT ")
        .bind(Bind::Int(limit));
    let rows = fetch_as!(store, Row, sql);
    Ok(rows.into_iter().map(|r| (r.t.into(), r.title)).collect())
}

/// Every transition of one workflow, oldest first.
pub async fn transitions_of(store: &Store, id: &str) -> Result<Vec<Transition>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {TRANSITION_COLUMNS} FROM workflow_transitions t WHERE t.workflow_id = "
    ))
    .bind(Bind::Text(id.into()))
    .push(" ORDER BY t.at, t.id");
    let rows = fetch_as!(store, TransitionRow, sql);
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(Debug, sqlx::FromRow)]
struct TaskRow {
    external_id: String,
    workflow_id: Option<String>,
    title: String,
    assignee: String,
    team: String,
    category: String,
    created_at: i64,
    due_at: Option<i64>,
    closed_at: Option<i64>,
    updated_at: i64,
}

impl From<TaskRow> for TaskRecord {
    fn from(r: TaskRow) -> TaskRecord {
        TaskRecord {
            external_id: r.external_id,
            workflow_id: r.workflow_id,
            title: r.title,
            assignee: r.assignee,
            team: r.team,
            category: Category::parse(&r.category).unwrap_or(Category::NotStarted),
            created_at_ms: r.created_at,
            due_at_ms: r.due_at,
            closed_at_ms: r.closed_at,
            updated_at_ms: r.updated_at,
        }
    }
}

const TASK_COLUMNS: &str = "k.external_id, k.workflow_id, k.title, k.assignee, k.team, \
     k.category, k.created_at, k.due_at, k.closed_at, k.updated_at";

/// Upserts tasks, newest `updated_at` winning.
pub async fn upsert_tasks(store: &Store, records: &[TaskRecord]) -> Result<Upserted, StoreError> {
    let mut u = Upserted::default();
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        for r in records {
            let stored: Option<(i64,)> =
                sqlx::query_as("SELECT updated_at FROM workflow_tasks WHERE external_id = $1")
                    .bind(r.external_id.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if stored.is_some_and(|(v,)| r.updated_at_ms <= v) {
                u.unchanged += 1;
                continue;
            }
            sqlx::query(
                "INSERT INTO workflow_tasks (external_id, workflow_id, title, assignee, team, \
                 category, created_at, due_at, closed_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (external_id) DO UPDATE SET workflow_id = excluded.workflow_id, \
                 title = excluded.title, assignee = excluded.assignee, team = excluded.team, \
                 category = excluded.category, created_at = excluded.created_at, \
                 due_at = excluded.due_at, closed_at = excluded.closed_at, \
                 updated_at = excluded.updated_at",
            )
            .bind(r.external_id.as_str())
            .bind(r.workflow_id.as_deref())
            .bind(r.title.as_str())
            .bind(r.assignee.as_str())
            .bind(r.team.as_str())
            .bind(r.category.as_str())
            .bind(r.created_at_ms)
            .bind(r.due_at_ms)
            .bind(r.closed_at_ms)
            .bind(r.updated_at_ms)
            .execute(&mut *tx)
            .await?;
            if stored.is_some() {
                u.updated += 1;
            } else {
                u.created += 1;
            }
            u.touch(Day::from_epoch_ms(r.updated_at_ms).0, "");
        }
        tx.commit().await?;
    });
    Ok(u)
}

/// Tasks that may count in `[from_ms, at_ms]` (created by its end, not closed before its
/// start). With a workflow filter, only tasks of matching workflows (a partner sees the
/// tasks of its own workflows); the team filter applies to the task's own team.
pub async fn tasks_in_period(
    store: &Store,
    f: &WorkflowFilter,
    from_ms: i64,
    at_ms: i64,
) -> Result<Vec<TaskRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {TASK_COLUMNS} FROM workflow_tasks k"));
    let by_workflow = f.kind.is_some() || f.audience.is_some() || f.partner.is_some();
    if by_workflow {
        sql.push(" JOIN workflows w ON w.external_id = k.workflow_id");
    }
    sql.push(" WHERE k.created_at <= ")
        .bind(Bind::Int(at_ms))
        .push(" AND (k.closed_at IS NULL OR k.closed_at >= ")
        .bind(Bind::Int(from_ms))
        .push(")");
    if let Some(t) = &f.team {
        sql.push(" AND k.team = ").bind(Bind::Text(t.clone()));
    }
    if by_workflow {
        let without_team = WorkflowFilter {
            team: None,
            ..f.clone()
        };
        filter_sql(&mut sql, &without_team);
    }
    sql.push(" ORDER BY k.created_at, k.external_id");
    let rows = fetch_as!(store, TaskRow, sql);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The tasks of one workflow, oldest first.
pub async fn tasks_of(store: &Store, workflow_id: &str) -> Result<Vec<TaskRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {TASK_COLUMNS} FROM workflow_tasks k WHERE k.workflow_id = "
    ))
    .bind(Bind::Text(workflow_id.into()))
    .push(" ORDER BY k.created_at, k.external_id");
    let rows = fetch_as!(store, TaskRow, sql);
    Ok(rows.into_iter().map(Into::into).collect())
}

#[derive(Debug, sqlx::FromRow)]
struct RunRow {
    external_id: String,
    automation: String,
    workflow_id: Option<String>,
    status: String,
    started_at: i64,
    finished_at: Option<i64>,
    error: Option<String>,
}

impl From<RunRow> for RunRecord {
    fn from(r: RunRow) -> RunRecord {
        RunRecord {
            external_id: r.external_id,
            automation: r.automation,
            workflow_id: r.workflow_id,
            status: RunStatus::parse(&r.status).unwrap_or(RunStatus::Pending),
            started_at_ms: r.started_at,
            finished_at_ms: r.finished_at,
            error: r.error,
        }
    }
}

const RUN_COLUMNS: &str =
    "r.external_id, r.automation, r.workflow_id, r.status, r.started_at, r.finished_at, r.error";

/// Upserts automation runs; a report replaces the stored one only when it is further along
/// ([`RunRecord::version`]).
pub async fn upsert_runs(store: &Store, records: &[RunRecord]) -> Result<Upserted, StoreError> {
    let mut u = Upserted::default();
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        for r in records {
            let stored: Option<RunRow> = sqlx::query_as(&format!(
                "SELECT {RUN_COLUMNS} FROM automation_runs r WHERE r.external_id = $1"
            ))
            .bind(r.external_id.as_str())
            .fetch_optional(&mut *tx)
            .await?;
            let existed = stored.is_some();
            if stored
                .map(RunRecord::from)
                .is_some_and(|s| r.version() <= s.version())
            {
                u.unchanged += 1;
                continue;
            }
            sqlx::query(
                "INSERT INTO automation_runs (external_id, automation, workflow_id, status, \
                 started_at, finished_at, error) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (external_id) DO UPDATE SET automation = excluded.automation, \
                 workflow_id = excluded.workflow_id, status = excluded.status, \
                 started_at = excluded.started_at, finished_at = excluded.finished_at, \
                 error = excluded.error",
            )
            .bind(r.external_id.as_str())
            .bind(r.automation.as_str())
            .bind(r.workflow_id.as_deref())
            .bind(r.status.as_str())
            .bind(r.started_at_ms)
            .bind(r.finished_at_ms)
            .bind(r.error.as_deref())
            .execute(&mut *tx)
            .await?;
            if existed {
                u.updated += 1;
            } else {
                u.created += 1;
            }
            u.touch(Day::from_epoch_ms(r.started_at_ms).0, "");
        }
        tx.commit().await?;
    });
    Ok(u)
}

/// Runs started in `[from_ms, at_ms]`; with a workflow filter, only runs of matching
/// workflows.
pub async fn runs_started(
    store: &Store,
    f: &WorkflowFilter,
    from_ms: i64,
    at_ms: i64,
) -> Result<Vec<RunRecord>, StoreError> {
    let mut sql = Sql::default();
    sql.push(&format!("SELECT {RUN_COLUMNS} FROM automation_runs r"));
    if !f.is_empty() {
        sql.push(" JOIN workflows w ON w.external_id = r.workflow_id");
    }
    sql.push(" WHERE r.started_at >= ")
        .bind(Bind::Int(from_ms))
        .push(" AND r.started_at <= ")
        .bind(Bind::Int(at_ms));
    filter_sql(&mut sql, f);
    sql.push(" ORDER BY r.started_at DESC, r.external_id");
    let rows = fetch_as!(store, RunRow, sql);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// How many workflows the store holds.
pub async fn count(store: &Store) -> Result<i64, StoreError> {
    let (n,): (i64,) = dispatch!(store, p => {
        sqlx::query_as("SELECT COUNT(*) FROM workflows").fetch_one(p).await?
    });
    Ok(n)
}

/// Custom workflow types (seen in ingest or described by an admin): id, name, description.
pub async fn custom_types(store: &Store) -> Result<Vec<(String, String, String)>, StoreError> {
    let rows: Vec<(String, String, String)> = dispatch!(store, p => {
        sqlx::query_as("SELECT id, name, description FROM workflow_types ORDER BY id")
            .fetch_all(p)
            .await?
    });
    Ok(rows)
}
