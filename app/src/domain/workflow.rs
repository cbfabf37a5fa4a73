//! Workflows, tasks and automation runs (issue 21): the model, the status map from a source's
//! statuses to a status category and a stage, and validation of generic records. Pure.
//!
//! A workflow's state at any instant is read from its timestamps (created, started, closed),
//! so a past period is figured as it stood then, not as it stands now ([`WorkflowRecord::state_at`]).

pub mod figures;
pub mod jira;
pub mod kinds;
pub mod linear;

use super::date::{parse_rfc3339, Day};
use super::survey::{
    dimension, external_id, string_or_number, RecordError, MAX_COMMENT_CHARS, MAX_FUTURE_SKEW_MS,
    MIN_TIMESTAMP_MS,
};
use serde::{Deserialize, Serialize};

/// Whose experience a workflow serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Customer,
    Partner,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Self::Customer, Self::Partner];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Customer => "customer",
            Self::Partner => "partner",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<Audience> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Where a workflow (or task) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    NotStarted,
    InProgress,
    Done,
    Cancelled,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Self::NotStarted,
        Self::InProgress,
        Self::Done,
        Self::Cancelled,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a wire name exactly (the status map handles a source's own names).
    pub fn parse(s: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Done or cancelled: the work no longer waits on anyone.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Cancelled)
    }

    /// The stage a category implies when neither the record nor the status map names one.
    pub fn default_stage(self) -> Stage {
        match self {
            Self::NotStarted => Stage::Initiation,
            Self::InProgress => Stage::Execution,
            Self::Done | Self::Cancelled => Stage::Closure,
        }
    }
}

/// The phase of a workflow's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Initiation,
    Planning,
    Execution,
    Closure,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Self::Initiation,
        Self::Planning,
        Self::Execution,
        Self::Closure,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initiation => "initiation",
            Self::Planning => "planning",
            Self::Execution => "execution",
            Self::Closure => "closure",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<Stage> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Maps a source's status names (Jira's "Selected for Development", Linear's "In Review", a
/// generic record's own) to a category and a stage. Names compare case-insensitively with
/// runs of spaces, `-` and `_` as one space. Configured entries come before the defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StatusMap {
    entries: Vec<(String, Category, Stage)>,
}

/// The statuses most trackers ship with.
#[rustfmt::skip]
const DEFAULT_STATUSES: &[(&str, Category, Stage)] = &[
    ("not started", Category::NotStarted, Stage::Initiation),
    ("new", Category::NotStarted, Stage::Initiation),
    ("open", Category::NotStarted, Stage::Initiation),
    ("backlog", Category::NotStarted, Stage::Initiation),
    ("triage", Category::NotStarted, Stage::Initiation),
    ("to do", Category::NotStarted, Stage::Planning),
    ("todo", Category::NotStarted, Stage::Planning),
    ("unstarted", Category::NotStarted, Stage::Planning),
    ("planned", Category::NotStarted, Stage::Planning),
    ("planning", Category::NotStarted, Stage::Planning),
    ("selected for development", Category::NotStarted, Stage::Planning),
    ("in progress", Category::InProgress, Stage::Execution),
    ("started", Category::InProgress, Stage::Execution),
    ("in review", Category::InProgress, Stage::Execution),
    ("review", Category::InProgress, Stage::Execution),
    ("blocked", Category::InProgress, Stage::Execution),
    ("waiting", Category::InProgress, Stage::Execution),
    ("on hold", Category::InProgress, Stage::Execution),
    ("execution", Category::InProgress, Stage::Execution),
    ("closing", Category::InProgress, Stage::Closure),
    ("done", Category::Done, Stage::Closure),
    ("completed", Category::Done, Stage::Closure),
    ("complete", Category::Done, Stage::Closure),
    ("closed", Category::Done, Stage::Closure),
    ("resolved", Category::Done, Stage::Closure),
    ("cancelled", Category::Cancelled, Stage::Closure),
    ("canceled", Category::Cancelled, Stage::Closure),
    ("won't do", Category::Cancelled, Stage::Closure),
    ("wont do", Category::Cancelled, Stage::Closure),
    ("rejected", Category::Cancelled, Stage::Closure),
    ("duplicate", Category::Cancelled, Stage::Closure),
    ("deleted", Category::Cancelled, Stage::Closure),
];

fn status_key(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl StatusMap {
    /// Parses a configured map: `Status name=category[:stage]` entries separated by `;`
    /// (`SIGNALROOM_WORKFLOW_STATUS_MAP="Awaiting customer=in_progress:execution;QA=in_progress"`).
    pub fn parse(spec: &str) -> Result<StatusMap, String> {
        let mut entries = Vec::new();
        for entry in spec.split(';').map(str::trim).filter(|e| !e.is_empty()) {
            let (name, target) = entry
                .split_once('=')
                .ok_or_else(|| format!("{entry:?} is not `status=category[:stage]`"))?;
            let (cat, stage) = match target.trim().split_once(':') {
                Some((c, s)) => (c.trim(), Some(s.trim())),
                None => (target.trim(), None),
            };
            let category = Category::parse(cat).ok_or_else(|| {
                format!("{cat:?} is not a category: not_started, in_progress, done or cancelled")
            })?;
            let stage = match stage {
                None => category.default_stage(),
                Some(s) => Stage::parse(s).ok_or_else(|| {
                    format!("{s:?} is not a stage: initiation, planning, execution or closure")
                })?,
            };
            let key = status_key(name);
            if key.is_empty() {
                return Err(format!("{entry:?} names no status"));
            }
            entries.push((key, category, stage));
        }
        Ok(StatusMap { entries })
    }

    /// The category and stage of a source status, configured entries first; `None` for a
    /// status neither the configuration nor the defaults know.
    pub fn lookup(&self, status: &str) -> Option<(Category, Stage)> {
        let key = status_key(status);
        self.entries
            .iter()
            .map(|(k, c, s)| (k.as_str(), *c, *s))
            .chain(DEFAULT_STATUSES.iter().copied())
            .find(|(k, _, _)| *k == key)
            .map(|(_, c, s)| (c, s))
    }
}

/// Priority of a workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Low, Self::Medium, Self::High, Self::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }

    /// Parses a name, with the usual synonyms of trackers (Jira's Highest/Lowest, urgent,
    /// normal, P1–P4).
    pub fn parse(s: &str) -> Option<Priority> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "low" | "lowest" | "p4" | "4" => Self::Low,
            "medium" | "normal" | "p3" | "3" => Self::Medium,
            "high" | "p2" | "2" => Self::High,
            "critical" | "urgent" | "highest" | "blocker" | "p1" | "1" => Self::Critical,
            _ => return None,
        })
    }
}

/// A timestamp that may lie in the future (a due date): RFC 3339, or a bare `YYYY-MM-DD`
/// meaning the end of that UTC day (due "on" a day is due by its close).
pub fn due_timestamp(field: &str, value: Option<&str>) -> Result<Option<i64>, RecordError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ms = match Day::parse(v).filter(|_| v.len() == 10) {
        Some(day) => day.plus_days(1).start_ms() - 1,
        None => parse_timestamp(v).ok_or_else(|| {
            RecordError::new(
                "invalid_timestamp",
                format!("`{field}` {v:?} is not a date or an RFC 3339 timestamp"),
            )
        })?,
    };
    // Two centuries bound what a due date can be without rejecting any plan.
    if !(MIN_TIMESTAMP_MS..=MIN_TIMESTAMP_MS + 200 * 365 * 86_400_000).contains(&ms) {
        return Err(RecordError::new(
            "timestamp_out_of_range",
            format!("`{field}` must be after 2000-01-01"),
        ));
    }
    Ok(Some(ms))
}

/// RFC 3339, or the same with an offset written without its colon (`+1100`, as Jira and
/// other Java-based tools write it).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(ms) = parse_rfc3339(s) {
        return Some(ms);
    }
    let b = s.as_bytes();
    let n = b.len();
    if n > 5 && matches!(b[n - 5], b'+' | b'-') && b[n - 4..].iter().all(u8::is_ascii_digit) {
        let fixed = format!("{}:{}", s.get(..n - 2)?, s.get(n - 2..)?);
        return parse_rfc3339(&fixed);
    }
    None
}

/// A past timestamp (created, started, completed, updated): as [`parse_timestamp`], not
/// before 2000 and not ahead of `now_ms` by more than the clock skew.
pub fn past_timestamp(
    field: &str,
    value: Option<&str>,
    now_ms: i64,
) -> Result<Option<i64>, RecordError> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let ms = parse_timestamp(v).ok_or_else(|| {
        RecordError::new(
            "invalid_timestamp",
            format!("`{field}` {v:?} is not an RFC 3339 timestamp"),
        )
    })?;
    if !(MIN_TIMESTAMP_MS..=now_ms + MAX_FUTURE_SKEW_MS).contains(&ms) {
        return Err(RecordError::new(
            "timestamp_out_of_range",
            format!("`{field}` must be after 2000-01-01 and not in the future"),
        ));
    }
    Ok(Some(ms))
}

/// A free-text field (title, delay reason, comment), trimmed and bounded; blank is `None`.
fn text(
    field: &str,
    value: Option<String>,
    max_chars: usize,
) -> Result<Option<String>, RecordError> {
    let Some(v) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    if v.chars().count() > max_chars {
        return Err(RecordError::new(
            "field_too_long",
            format!("`{field}` is longer than {max_chars} characters"),
        ));
    }
    Ok(Some(v))
}

fn optional_dimension(field: &str, value: Option<String>) -> Result<Option<String>, RecordError> {
    Ok(Some(dimension(field, value)?).filter(|v| !v.is_empty()))
}

/// Longest title kept.
pub const MAX_TITLE_CHARS: usize = 300;

/// One workflow as it arrives on `POST /api/v1/workflows` (or as a tracker's webhook maps
/// it). Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct WorkflowInput {
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub audience: Option<String>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub stage: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
    pub team: Option<String>,
    pub owner: Option<String>,
    pub priority: Option<String>,
    pub created_at: Option<String>,
    pub started_at: Option<String>,
    pub due_at: Option<String>,
    pub completed_at: Option<String>,
    pub updated_at: Option<String>,
    pub delay_reason: Option<String>,
    pub comment: Option<String>,
    /// Who made this change (the transition's author); the owner when absent.
    pub changed_by: Option<String>,
    /// Set by a tracker's mapping (Jira's status category, Linear's state type), never read
    /// from the wire: it takes precedence over the status map.
    #[serde(skip)]
    pub category: Option<Category>,
}

/// A validated workflow, ready to upsert.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkflowRecord {
    pub external_id: String,
    /// The snake_case type id (built in or custom).
    pub kind: String,
    pub audience: Audience,
    pub title: String,
    /// The source's own status name (`in_progress`, or Jira's "Selected for Development").
    pub status: String,
    pub category: Category,
    pub stage: Stage,
    pub customer_id: Option<String>,
    pub partner_id: Option<String>,
    pub team: String,
    pub owner: String,
    pub priority: Priority,
    pub created_at_ms: i64,
    /// First moved into progress; filled in by the store from the first such transition when
    /// the record does not say.
    pub started_at_ms: Option<i64>,
    pub due_at_ms: Option<i64>,
    /// When it was done, or when it was cancelled: the instant it stopped counting as open.
    pub closed_at_ms: Option<i64>,
    /// The version: an older update never replaces a newer one.
    pub updated_at_ms: i64,
    pub delay_reason: Option<String>,
    pub comment: Option<String>,
    pub changed_by: String,
}

/// What a workflow was at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateAt {
    /// Not created yet.
    Absent,
    Open(Category),
    Closed(Category),
}

impl WorkflowRecord {
    /// Validates one record; `map` turns a source status into a category and stage.
    pub fn validate(
        input: WorkflowInput,
        map: &StatusMap,
        now_ms: i64,
    ) -> Result<WorkflowRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let kind_name = input
            .kind
            .as_deref()
            .ok_or_else(|| RecordError::new("missing_type", "`type` is required"))?;
        let kind = kinds::type_id(kind_name).ok_or_else(|| {
            RecordError::new("invalid_type", format!("type {kind_name:?} names nothing"))
        })?;
        if kind.len() > super::survey::MAX_DIMENSION_LEN {
            return Err(RecordError::new("field_too_long", "`type` is too long"));
        }
        let partner_id = optional_dimension("partner_id", input.partner_id)?;
        let audience = match input.audience.as_deref().map(str::trim) {
            None | Some("") => {
                kinds::built_in(&kind)
                    .map(|k| k.audience)
                    .unwrap_or(if partner_id.is_some() {
                        Audience::Partner
                    } else {
                        Audience::Customer
                    })
            }
            Some(a) => Audience::parse(a).ok_or_else(|| {
                RecordError::new(
                    "invalid_audience",
                    format!("unknown audience {a:?}: expected customer or partner"),
                )
            })?,
        };
        let status_name = input
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| RecordError::new("missing_status", "`status` is required"))?;
        let given = input.category.map(|c| {
            let stage = map
                .lookup(status_name)
                .filter(|(mapped, _)| *mapped == c)
                .map_or(c.default_stage(), |(_, s)| s);
            (c, stage)
        });
        let (category, mapped_stage) = given
            .or_else(|| Category::parse(status_name).map(|c| (c, c.default_stage())))
            .or_else(|| map.lookup(status_name))
            .ok_or_else(|| {
                RecordError::new(
                    "unknown_status",
                    format!(
                        "status {status_name:?} is not not_started, in_progress, done or cancelled \
                         and the status map does not name it (SIGNALROOM_WORKFLOW_STATUS_MAP)"
                    ),
                )
            })?;
        let stage = match input.stage.as_deref().map(str::trim) {
            None | Some("") => mapped_stage,
            Some(s) => Stage::parse(s).ok_or_else(|| {
                RecordError::new(
                    "invalid_stage",
                    format!(
                        "unknown stage {s:?}: expected initiation, planning, execution or closure"
                    ),
                )
            })?,
        };
        let priority = match input.priority.as_deref().map(str::trim) {
            None | Some("") => Priority::Medium,
            Some(p) => Priority::parse(p).ok_or_else(|| {
                RecordError::new(
                    "invalid_priority",
                    format!("unknown priority {p:?}: expected low, medium, high or critical"),
                )
            })?,
        };
        let created_at_ms = past_timestamp("created_at", input.created_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`created_at` is required"))?;
        let started_at_ms = past_timestamp("started_at", input.started_at.as_deref(), now_ms)?;
        let completed_at_ms =
            past_timestamp("completed_at", input.completed_at.as_deref(), now_ms)?;
        let due_at_ms = due_timestamp("due_at", input.due_at.as_deref())?;
        for (field, t) in [
            ("started_at", started_at_ms),
            ("completed_at", completed_at_ms),
        ] {
            if t.is_some_and(|t| t < created_at_ms) {
                return Err(RecordError::new(
                    "timestamp_order",
                    format!("`{field}` is before `created_at`"),
                ));
            }
        }
        if let (Some(s), Some(c)) = (started_at_ms, completed_at_ms) {
            if c < s {
                return Err(RecordError::new(
                    "timestamp_order",
                    "`completed_at` is before `started_at`",
                ));
            }
        }
        let latest = [Some(created_at_ms), started_at_ms, completed_at_ms]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(created_at_ms);
        let updated_at_ms =
            past_timestamp("updated_at", input.updated_at.as_deref(), now_ms)?.unwrap_or(latest);
        if updated_at_ms < latest {
            return Err(RecordError::new(
                "timestamp_order",
                "`updated_at` is before the record's other timestamps",
            ));
        }
        let closed_at_ms = match category {
            Category::Done => Some(completed_at_ms.unwrap_or(updated_at_ms)),
            Category::Cancelled => Some(updated_at_ms),
            _ => None,
        };
        let owner = dimension("owner", input.owner)?;
        let changed_by = match dimension("changed_by", input.changed_by)? {
            s if s.is_empty() => owner.clone(),
            s => s,
        };
        Ok(WorkflowRecord {
            external_id,
            kind,
            audience,
            title: text("title", input.title, MAX_TITLE_CHARS)?.unwrap_or_default(),
            status: dimension("status", Some(status_name.to_string()))?,
            category,
            stage,
            customer_id: optional_dimension("customer_id", input.customer_id)?,
            partner_id,
            team: dimension("team", input.team)?,
            owner,
            priority,
            created_at_ms,
            started_at_ms,
            due_at_ms,
            closed_at_ms,
            updated_at_ms,
            delay_reason: text("delay_reason", input.delay_reason, 500)?,
            comment: text("comment", input.comment, MAX_COMMENT_CHARS)?,
            changed_by,
        })
    }

    /// What the workflow was at `t`, from its timestamps.
    pub fn state_at(&self, t: i64) -> StateAt {
        if self.created_at_ms > t {
            return StateAt::Absent;
        }
        if self.closed_at_ms.is_some_and(|c| c <= t) {
            return StateAt::Closed(self.category);
        }
        match self.started_at_ms {
            Some(s) if s <= t => StateAt::Open(Category::InProgress),
            _ if self.category == Category::InProgress && self.started_at_ms.is_none() => {
                // In progress with no start known: it has been since it was created.
                StateAt::Open(Category::InProgress)
            }
            _ => StateAt::Open(Category::NotStarted),
        }
    }

    /// Whether an update with this version may replace `stored_updated_at_ms`: only a newer
    /// one, so a replay or a late, older delivery changes nothing.
    pub fn supersedes(&self, stored_updated_at_ms: i64) -> bool {
        self.updated_at_ms > stored_updated_at_ms
    }
}

/// Which workflows a read covers: each set field must match. `partner` is also the scope of a
/// partner account, set by the server below every read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkflowFilter {
    pub kind: Option<String>,
    pub team: Option<String>,
    pub audience: Option<Audience>,
    pub partner: Option<String>,
}

impl WorkflowFilter {
    /// No field set: every workflow.
    pub fn is_empty(&self) -> bool {
        self == &WorkflowFilter::default()
    }

    /// Whether `w` matches every set field.
    pub fn matches(&self, w: &WorkflowRecord) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == w.kind)
            && self.team.as_ref().is_none_or(|t| *t == w.team)
            && self.audience.is_none_or(|a| a == w.audience)
            && self
                .partner
                .as_ref()
                .is_none_or(|p| w.partner_id.as_ref() == Some(p))
    }
}

/// What one tracker webhook delivery (Jira, Linear) asks for.
#[derive(Debug)]
pub enum TrackerEvent {
    /// A workflow record to validate and upsert, with the category the tracker's own status
    /// category gives it.
    Upsert(Box<WorkflowInput>),
    /// An event this integration does not model (comments, worklogs, sprints…), by name.
    Ignored(String),
}

/// A recorded status change of a workflow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    pub workflow_id: String,
    pub at_ms: i64,
    /// `None` for the first status a workflow is seen with.
    pub from_status: Option<String>,
    pub to_status: String,
    pub from_stage: Option<Stage>,
    pub to_stage: Stage,
    pub to_category: Category,
    pub by: String,
    pub comment: Option<String>,
}

impl Transition {
    /// The change from `stored` (status, stage) to `next`, if its status or stage moved.
    pub fn between(stored: Option<(&str, Stage)>, next: &WorkflowRecord) -> Option<Transition> {
        if stored.is_some_and(|(status, stage)| status == next.status && stage == next.stage) {
            return None;
        }
        Some(Transition {
            workflow_id: next.external_id.clone(),
            at_ms: next.updated_at_ms,
            from_status: stored.map(|(s, _)| s.to_string()),
            to_status: next.status.clone(),
            from_stage: stored.map(|(_, s)| s),
            to_stage: next.stage,
            to_category: next.category,
            by: next.changed_by.clone(),
            comment: next.comment.clone(),
        })
    }
}

/// One task as it arrives on `POST /api/v1/tasks`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TaskInput {
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub workflow_id: Option<String>,
    pub title: Option<String>,
    pub assignee: Option<String>,
    pub team: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<String>,
    pub due_at: Option<String>,
    pub completed_at: Option<String>,
    pub updated_at: Option<String>,
}

/// A validated task.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskRecord {
    pub external_id: String,
    pub workflow_id: Option<String>,
    pub title: String,
    pub assignee: String,
    pub team: String,
    pub category: Category,
    pub created_at_ms: i64,
    pub due_at_ms: Option<i64>,
    /// Done or cancelled at.
    pub closed_at_ms: Option<i64>,
    pub updated_at_ms: i64,
}

impl TaskRecord {
    /// Validates one task; its status goes through the same status map as workflows.
    pub fn validate(
        input: TaskInput,
        map: &StatusMap,
        now_ms: i64,
    ) -> Result<TaskRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let completed_at_ms =
            past_timestamp("completed_at", input.completed_at.as_deref(), now_ms)?;
        let category = match input.status.as_deref().map(str::trim) {
            None | Some("") if completed_at_ms.is_some() => Category::Done,
            None | Some("") => Category::NotStarted,
            Some(s) => Category::parse(s)
                .or_else(|| map.lookup(s).map(|(c, _)| c))
                .or_else(|| (s.eq_ignore_ascii_case("pending")).then_some(Category::NotStarted))
                .ok_or_else(|| {
                    RecordError::new(
                        "unknown_status",
                        format!("status {s:?} is not pending, not_started, in_progress, done or cancelled"),
                    )
                })?,
        };
        let created_at_ms = past_timestamp("created_at", input.created_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`created_at` is required"))?;
        if completed_at_ms.is_some_and(|c| c < created_at_ms) {
            return Err(RecordError::new(
                "timestamp_order",
                "`completed_at` is before `created_at`",
            ));
        }
        let latest = completed_at_ms.unwrap_or(created_at_ms).max(created_at_ms);
        let updated_at_ms =
            past_timestamp("updated_at", input.updated_at.as_deref(), now_ms)?.unwrap_or(latest);
        Ok(TaskRecord {
            external_id,
            workflow_id: optional_dimension("workflow_id", input.workflow_id)?,
            title: text("title", input.title, MAX_TITLE_CHARS)?.unwrap_or_default(),
            assignee: dimension("assignee", input.assignee)?,
            team: dimension("team", input.team)?,
            category,
            created_at_ms,
            due_at_ms: due_timestamp("due_at", input.due_at.as_deref())?,
            closed_at_ms: category
                .is_closed()
                .then(|| completed_at_ms.unwrap_or(updated_at_ms)),
            updated_at_ms,
        })
    }

    /// Open (pending) at `t`: created by then and not closed yet.
    pub fn open_at(&self, t: i64) -> bool {
        self.created_at_ms <= t && self.closed_at_ms.is_none_or(|c| c > t)
    }
}

/// The status of one automation run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Pending,
    Running,
    Completed,
    Failed,
}

impl RunStatus {
    pub const ALL: [RunStatus; 4] = [Self::Pending, Self::Running, Self::Completed, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Running => "running",
            Self::Completed => "completed",
            Self::Failed => "failed",
        }
    }

    /// Parses a status, with the synonyms engines use (queued, succeeded, success, error).
    pub fn parse(s: &str) -> Option<RunStatus> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "pending" | "queued" | "scheduled" | "waiting" => Self::Pending,
            "running" | "in_progress" | "started" => Self::Running,
            "completed" | "succeeded" | "success" | "done" | "ok" => Self::Completed,
            "failed" | "failure" | "error" | "errored" | "timed_out" => Self::Failed,
            _ => return None,
        })
    }

    /// Finished, one way or the other.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Failed)
    }
}

/// One automation run as it arrives on `POST /api/v1/automation-runs`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RunInput {
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    pub automation: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub workflow_id: Option<String>,
    pub status: Option<String>,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<String>,
}

/// A validated automation run. Reports of the same id replace it when they say more: a later
/// status in pending → running → completed/failed order, or the same status later.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    pub external_id: String,
    pub automation: String,
    pub workflow_id: Option<String>,
    pub status: RunStatus,
    pub started_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub error: Option<String>,
}

impl RunRecord {
    pub fn validate(input: RunInput, now_ms: i64) -> Result<RunRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let automation = dimension("automation", input.automation)?;
        if automation.is_empty() {
            return Err(RecordError::new(
                "missing_automation",
                "`automation` is required",
            ));
        }
        let status = match input.status.as_deref().map(str::trim) {
            None | Some("") => {
                return Err(RecordError::new("missing_status", "`status` is required"))
            }
            Some(s) => RunStatus::parse(s).ok_or_else(|| {
                RecordError::new(
                    "invalid_status",
                    format!("unknown status {s:?}: expected pending, running, completed or failed"),
                )
            })?,
        };
        let started_at_ms = past_timestamp("started_at", input.started_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`started_at` is required"))?;
        let finished_at_ms = past_timestamp("finished_at", input.finished_at.as_deref(), now_ms)?;
        if finished_at_ms.is_some_and(|f| f < started_at_ms) {
            return Err(RecordError::new(
                "timestamp_order",
                "`finished_at` is before `started_at`",
            ));
        }
        Ok(RunRecord {
            external_id,
            automation,
            workflow_id: optional_dimension("workflow_id", input.workflow_id)?,
            status,
            started_at_ms,
            finished_at_ms,
            error: text("error", input.error, 2_000)?,
        })
    }

    /// The order reports of one run are merged in: a run only moves forward.
    pub fn version(&self) -> (u8, i64) {
        let rank = match self.status {
            RunStatus::Pending => 0,
            RunStatus::Running => 1,
            RunStatus::Completed | RunStatus::Failed => 2,
        };
        (rank, self.finished_at_ms.unwrap_or(self.started_at_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000_000;

    fn input() -> WorkflowInput {
        WorkflowInput {
            id: Some("wf-1".into()),
            kind: Some("Customer Onboarding".into()),
            status: Some("in_progress".into()),
            created_at: Some("2026-05-01T09:00:00Z".into()),
            ..Default::default()
        }
    }

    #[test]
    fn jira_offsets_without_a_colon_parse() {
        assert_eq!(
            parse_timestamp("2021-01-20T15:58:12.797+1100"),
            parse_rfc3339("2021-01-20T15:58:12.797+11:00")
        );
        assert_eq!(
            parse_timestamp("2021-01-20T04:58:12.797Z"),
            parse_timestamp("2021-01-20T15:58:12.797+1100")
        );
        assert_eq!(
            parse_timestamp("2021-01-20T15:58:12-0130"),
            parse_rfc3339("2021-01-20T15:58:12-01:30")
        );
        assert_eq!(parse_timestamp("2021-01-20T15:58:12+11"), None);
        assert_eq!(parse_timestamp("2021-01-20"), None);
    }

    #[test]
    fn a_bare_due_date_is_due_by_the_end_of_that_day() {
        let due = due_timestamp("due_at", Some("2026-05-10"))
            .unwrap()
            .unwrap();
        assert_eq!(due, Day::parse("2026-05-11").unwrap().start_ms() - 1);
        assert!(due_timestamp("due_at", Some("2126-05-10"))
            .unwrap()
            .is_some());
        assert_eq!(
            due_timestamp("due_at", Some("soon")).unwrap_err().code,
            "invalid_timestamp"
        );
    }

    #[test]
    fn a_record_validates_with_its_type_audience_and_stage() {
        let r = WorkflowRecord::validate(input(), &StatusMap::default(), NOW).unwrap();
        assert_eq!(r.kind, "customer_onboarding");
        assert_eq!(r.audience, Audience::Customer);
        assert_eq!(
            (r.category, r.stage),
            (Category::InProgress, Stage::Execution)
        );
        assert_eq!(r.priority, Priority::Medium);
        assert_eq!(r.updated_at_ms, r.created_at_ms);

        let mut i = input();
        i.kind = Some("partner_onboarding".into());
        i.status = Some("Selected for Development".into());
        let r = WorkflowRecord::validate(i, &StatusMap::default(), NOW).unwrap();
        assert_eq!(r.audience, Audience::Partner);
        assert_eq!(
            (r.category, r.stage),
            (Category::NotStarted, Stage::Planning)
        );
        assert_eq!(r.status, "Selected for Development");

        let mut i = input();
        i.kind = Some("Beta rollout".into());
        i.partner_id = Some("p-1".into());
        let r = WorkflowRecord::validate(i, &StatusMap::default(), NOW).unwrap();
        assert_eq!(
            (r.kind.as_str(), r.audience),
            ("beta_rollout", Audience::Partner)
        );
    }

    #[test]
    fn bad_records_name_their_problem() {
        let map = StatusMap::default();
        let code = |f: fn(&mut WorkflowInput)| {
            let mut i = input();
            f(&mut i);
            WorkflowRecord::validate(i, &map, NOW).unwrap_err().code
        };
        assert_eq!(code(|i| i.id = None), "missing_id");
        assert_eq!(code(|i| i.kind = None), "missing_type");
        assert_eq!(
            code(|i| i.status = Some("Awaiting Godot".into())),
            "unknown_status"
        );
        assert_eq!(code(|i| i.stage = Some("later".into())), "invalid_stage");
        assert_eq!(
            code(|i| i.audience = Some("vendor".into())),
            "invalid_audience"
        );
        assert_eq!(
            code(|i| i.created_at = Some("yesterday".into())),
            "invalid_timestamp"
        );
        assert_eq!(
            code(|i| i.completed_at = Some("2026-04-01T00:00:00Z".into())),
            "timestamp_order"
        );
        assert_eq!(
            code(|i| i.updated_at = Some("2026-04-30T00:00:00Z".into())),
            "timestamp_order"
        );
        assert_eq!(
            code(|i| i.priority = Some("whenever".into())),
            "invalid_priority"
        );
    }

    #[test]
    fn a_configured_status_map_comes_before_the_defaults() {
        let map = StatusMap::parse(
            "Awaiting customer=in_progress:execution; Done=done:closure;QA=in_progress",
        )
        .unwrap();
        assert_eq!(
            map.lookup("awaiting-customer"),
            Some((Category::InProgress, Stage::Execution))
        );
        assert_eq!(
            map.lookup("qa"),
            Some((Category::InProgress, Stage::Execution))
        );
        assert_eq!(
            map.lookup("To Do"),
            Some((Category::NotStarted, Stage::Planning))
        );
        assert_eq!(map.lookup("Mystery"), None);
        assert!(StatusMap::parse("x=later").is_err());
        assert!(StatusMap::parse("x=done:soon").is_err());
        assert!(StatusMap::parse("nothing").is_err());
    }

    #[test]
    fn the_state_at_an_instant_follows_the_timestamps() {
        let mut i = input();
        i.status = Some("done".into());
        i.started_at = Some("2026-05-02T09:00:00Z".into());
        i.completed_at = Some("2026-05-04T09:00:00Z".into());
        let r = WorkflowRecord::validate(i, &StatusMap::default(), NOW).unwrap();
        let at = |s: &str| r.state_at(parse_rfc3339(s).unwrap());
        assert_eq!(at("2026-04-30T00:00:00Z"), StateAt::Absent);
        assert_eq!(
            at("2026-05-01T12:00:00Z"),
            StateAt::Open(Category::NotStarted)
        );
        assert_eq!(
            at("2026-05-03T00:00:00Z"),
            StateAt::Open(Category::InProgress)
        );
        assert_eq!(at("2026-05-05T00:00:00Z"), StateAt::Closed(Category::Done));
    }

    #[test]
    fn a_transition_is_recorded_only_when_status_or_stage_moves() {
        let r = WorkflowRecord::validate(input(), &StatusMap::default(), NOW).unwrap();
        let first = Transition::between(None, &r).unwrap();
        assert_eq!(
            (first.from_status, first.to_status.as_str()),
            (None, "in_progress")
        );
        assert!(Transition::between(Some(("in_progress", Stage::Execution)), &r).is_none());
        let moved = Transition::between(Some(("not_started", Stage::Planning)), &r).unwrap();
        assert_eq!(moved.from_stage, Some(Stage::Planning));
        assert_eq!(moved.to_stage, Stage::Execution);
    }

    #[test]
    fn tasks_and_runs_validate() {
        let map = StatusMap::default();
        let t = TaskRecord::validate(
            TaskInput {
                id: Some("t-1".into()),
                status: Some("pending".into()),
                created_at: Some("2026-05-01T09:00:00Z".into()),
                due_at: Some("2026-05-03".into()),
                ..Default::default()
            },
            &map,
            NOW,
        )
        .unwrap();
        assert_eq!(t.category, Category::NotStarted);
        assert!(t.open_at(NOW));
        let r = RunRecord::validate(
            RunInput {
                id: Some("run-1".into()),
                automation: Some("welcome-mail".into()),
                status: Some("succeeded".into()),
                started_at: Some("2026-05-01T09:00:00Z".into()),
                finished_at: Some("2026-05-01T09:00:05Z".into()),
                ..Default::default()
            },
            NOW,
        )
        .unwrap();
        assert_eq!(r.status, RunStatus::Completed);
        assert!(r.version() > (1, 0));
        assert_eq!(
            RunRecord::validate(
                RunInput {
                    id: Some("x".into()),
                    ..Default::default()
                },
                NOW
            )
            .unwrap_err()
            .code,
            "missing_automation"
        );
    }
}
