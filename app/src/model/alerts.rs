//! Wire types of alerting: rules, alerts with their evidence, the alert log, webhook
//! deliveries, and the alerts dashboard.

use crate::domain::alert::evaluate::Reading;
use crate::domain::alert::lifecycle::AlertState;
use crate::domain::alert::rule::{RuleSpec, Severity};
use crate::domain::date::Day;
use crate::domain::dimension::Dimension;
use serde::{Deserialize, Serialize};

/// A stored rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleView {
    pub id: String,
    #[serde(flatten)]
    pub spec: RuleSpec,
    /// The rule in words.
    pub description: String,
    /// Shipped with the product (still editable and removable).
    pub builtin: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A rule just created: the only answer that carries its webhook signing secret unasked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedRule {
    pub rule: RuleView,
    /// HMAC-SHA256 key of the rule's webhook signatures.
    pub signing_secret: String,
}

/// The value of one dimension that moved most between baseline and window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mover {
    pub dimension: Dimension,
    pub value: String,
    pub current: f64,
    pub baseline: f64,
    pub n: i64,
}

/// A customer's words behind the number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Verbatim {
    pub text: String,
    pub at: i64,
    /// The survey answer's score (survey metrics).
    pub score: i64,
    /// The text's compound sentiment, −1..1 (feedback metrics).
    #[serde(default)]
    pub sentiment: Option<f64>,
}

/// What an alert saw when it fired.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(flatten)]
    pub reading: Reading,
    pub window_days: i64,
    pub mover: Option<Mover>,
    pub verbatims: Vec<Verbatim>,
    /// The currency of a money metric's figures (partner revenue: the window's reporting
    /// currency); absent for other metrics and for alerts stored before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// Where an alert stands in the team's handling of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    Open,
    InProgress,
    Resolved,
}

impl WorkStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in_progress",
            Self::Resolved => "resolved",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<WorkStatus> {
        [Self::Open, Self::InProgress, Self::Resolved]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// One alert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertView {
    pub id: String,
    pub rule_id: String,
    pub title: String,
    pub description: String,
    pub metric: String,
    /// `dimension=value` for grouped rules, else empty.
    pub dim_key: String,
    pub severity: Severity,
    pub state: AlertState,
    pub work_status: WorkStatus,
    pub evidence: Option<Evidence>,
    /// When the breach began, and when the alert fired.
    pub started_at: i64,
    pub fired_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
    pub resolved_at: Option<i64>,
    pub resolved_by: Option<String>,
    pub assignee: String,
    pub action_taken: String,
    pub team: String,
    /// Silenced until this time (no deliveries, not counted as unread).
    pub silenced_until: Option<i64>,
    pub updated_at: i64,
}

/// One entry of the alert log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertLogEntry {
    pub id: i64,
    pub alert_id: String,
    pub at: i64,
    pub actor: String,
    /// `fired`, `acknowledged`, `assigned`, `status`, `action`, `silenced`, `resolved`.
    pub action: String,
    pub detail: String,
    pub title: String,
    pub severity: Severity,
    /// The action this entry recorded (`action` entries), else empty.
    pub action_taken: String,
}

/// Something a person does to an alert from the inbox or the API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AlertAction {
    Acknowledge,
    /// Assign to a person or team (empty clears).
    Assign {
        to: String,
    },
    /// Set the handling status; `resolved` closes the alert.
    SetStatus {
        status: WorkStatus,
    },
    /// Record what was done about it.
    RecordAction {
        text: String,
    },
    /// Mute deliveries and the unread count until a time (epoch ms).
    Silence {
        until: i64,
        reason: String,
    },
}

/// One webhook delivery and its attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub alert_id: String,
    pub rule_id: String,
    pub url: String,
    pub event: String,
    /// `pending`, `delivered` or `failed` (retries exhausted).
    pub status: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: String,
    pub created_at: i64,
    pub next_attempt_at: Option<i64>,
    pub delivered_at: Option<i64>,
}

/// Counts for the bell: active alerts nobody has acknowledged, by severity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertCounts {
    pub unread: i64,
    pub critical: i64,
    pub warning: i64,
    pub info: i64,
}

/// A metric's daily values leading up to an alert, or a rule's 30-day test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleHistory {
    pub days: Vec<HistoryPoint>,
    /// Days on which the condition held.
    pub breach_days: i64,
    /// Whether the rule would have fired (a breach lasting its "for" duration).
    pub would_fire: bool,
    /// The rule's minimum sample: a day with fewer answers is not evaluated.
    pub min_sample: i64,
    /// Days below the minimum sample (shown, never counted as a breach).
    pub short_days: i64,
}

/// One day of a [`RuleHistory`]: the rule evaluated on the window ending that day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    pub day: Day,
    pub value: Option<f64>,
    pub n: i64,
    pub threshold: Option<f64>,
    pub breach: bool,
}

/// The alerts dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertsPage {
    pub counts: AlertCounts,
    /// Open alerts (pending excluded), most severe and newest first.
    pub active: Vec<AlertView>,
    pub log: Vec<AlertLogEntry>,
    /// Alerts fired in the last 90 days by weekday (Mon = 0) × hour, UTC.
    pub heatmap: Vec<[i64; 24]>,
    pub deliveries: Vec<DeliveryView>,
    /// Whether the viewer may act on alerts and edit rules.
    pub can_edit: bool,
    /// `customer` or `partner`.
    pub audience: String,
}

/// One alert with its log and the metric's daily values leading up to it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertDetail {
    pub alert: AlertView,
    pub log: Vec<AlertLogEntry>,
    /// `None` when the rule no longer exists.
    pub history: Option<RuleHistory>,
}

/// A silence: mutes deliveries and the unread count of matching alerts until a time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SilenceView {
    pub id: String,
    /// The rule it covers; empty: every rule.
    pub rule_id: String,
    /// The dimension key it covers (`channel=phone`); empty: every key.
    pub dim_key: String,
    pub until: i64,
    pub reason: String,
    pub created_by: String,
    pub created_at: i64,
}

/// A silence as the API takes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSilence {
    #[serde(default)]
    pub rule_id: String,
    #[serde(default)]
    pub dim_key: String,
    pub until: i64,
    #[serde(default)]
    pub reason: String,
}
