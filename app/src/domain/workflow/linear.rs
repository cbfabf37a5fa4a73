//! Linear issue webhooks mapped to workflow records. Pure: the `Linear-Signature` is checked
//! before this runs (`server/src/ingest/workflows.rs`).
//!
//! `Issue` events with `create` or `update` upsert the issue (newest `updatedAt` wins);
//! `remove` closes it as cancelled with the status "Deleted". Other types are ignored.

use super::{kinds, Category, StatusMap, TrackerEvent, WorkflowInput};
use crate::domain::date::format_rfc3339;
use crate::domain::survey::RecordError;
use serde_json::Value;

/// Linear deliveries older than this (by `webhookTimestamp`) are refused: a replayed capture.
pub const MAX_AGE_MS: i64 = 5 * 60 * 1000;

/// How Linear issues map to workflows: team key, project name or label → workflow type.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinearMapping {
    pub types: Vec<(String, String)>,
}

fn bad(message: impl Into<String>) -> RecordError {
    RecordError::new("invalid_payload", message)
}

fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
}

/// Whether a delivery stamped `webhook_ms` is fresh at `now_ms`: at most [`MAX_AGE_MS`] old
/// and not further ahead than that either (clock skew).
pub fn is_fresh(webhook_ms: i64, now_ms: i64) -> bool {
    (now_ms - webhook_ms).abs() <= MAX_AGE_MS
}

/// The delivery's `webhookTimestamp` (epoch ms), if it carries one.
pub fn webhook_timestamp(body: &[u8]) -> Option<i64> {
    serde_json::from_slice::<Value>(body)
        .ok()?
        .get("webhookTimestamp")?
        .as_i64()
}

/// Linear's state types: triage, backlog, unstarted, started, completed, canceled.
fn category(state_type: &str) -> Option<Category> {
    Some(match state_type {
        "triage" | "backlog" | "unstarted" => Category::NotStarted,
        "started" => Category::InProgress,
        "completed" => Category::Done,
        "canceled" | "cancelled" => Category::Cancelled,
        _ => return None,
    })
}

/// Linear's priority numbers: 1 urgent, 2 high, 3 medium, 4 low, 0 none.
fn priority(n: Option<i64>) -> Option<String> {
    Some(
        match n? {
            1 => "critical",
            2 => "high",
            4 => "low",
            _ => "medium",
        }
        .to_string(),
    )
}

/// Parses one webhook body.
pub fn parse(
    body: &[u8],
    map: &StatusMap,
    mapping: &LinearMapping,
) -> Result<TrackerEvent, RecordError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body is not JSON: {e}")))?;
    let kind = str_at(&v, &["type"]).ok_or_else(|| bad("`type` is missing"))?;
    if kind != "Issue" {
        return Ok(TrackerEvent::Ignored(kind.to_string()));
    }
    let action = str_at(&v, &["action"]).ok_or_else(|| bad("`action` is missing"))?;
    let removed = match action {
        "create" | "update" => false,
        "remove" => true,
        other => return Ok(TrackerEvent::Ignored(format!("Issue {other}"))),
    };
    let data = v.get("data").ok_or_else(|| bad("`data` is missing"))?;
    let id = str_at(data, &["identifier"])
        .or_else(|| str_at(data, &["id"]))
        .ok_or_else(|| bad("`data.identifier` is missing"))?;
    let (status, cat) = if removed {
        ("Deleted", Category::Cancelled)
    } else {
        let name =
            str_at(data, &["state", "name"]).ok_or_else(|| bad("`data.state.name` is missing"))?;
        let cat = str_at(data, &["state", "type"])
            .and_then(category)
            .ok_or_else(|| bad("`data.state.type` must be a Linear state type"))?;
        (name, cat)
    };
    let stage = map
        .lookup(status)
        .filter(|(c, _)| *c == cat)
        .map_or(cat.default_stage(), |(_, s)| s);
    let labels: Vec<&str> = data
        .get("labels")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|l| str_at(l, &["name"])).collect())
        .unwrap_or_default();
    let team_key = str_at(data, &["team", "key"]);
    let project = str_at(data, &["project", "name"]);
    let kind = labels
        .iter()
        .find_map(|l| kinds::type_id(l).filter(|id| kinds::built_in(id).is_some()))
        .or_else(|| {
            labels
                .iter()
                .copied()
                .chain(team_key)
                .chain(project)
                .find_map(|k| {
                    mapping
                        .types
                        .iter()
                        .find(|(m, _)| m.eq_ignore_ascii_case(k))
                        .map(|(_, t)| t.clone())
                })
        })
        .or_else(|| project.map(str::to_string))
        .unwrap_or_else(|| "linear_issue".to_string());
    let at = |k: &str| str_at(data, &[k]).map(str::to_string);
    let completed_at = match cat {
        Category::Done => at("completedAt"),
        _ => None,
    };
    let updated_at = if removed {
        v.get("webhookTimestamp")
            .and_then(Value::as_i64)
            .map(format_rfc3339)
            .or_else(|| at("updatedAt"))
    } else {
        at("updatedAt")
    };
    Ok(TrackerEvent::Upsert(Box::new(WorkflowInput {
        id: Some(id.to_string()),
        kind: Some(kind),
        audience: None,
        title: at("title").map(|t| format!("{id} {t}")),
        status: Some(status.to_string()),
        stage: Some(stage.as_str().to_string()),
        customer_id: None,
        partner_id: None,
        team: str_at(data, &["team", "name"]).map(str::to_string),
        owner: str_at(data, &["assignee", "name"]).map(str::to_string),
        priority: priority(data.get("priority").and_then(Value::as_i64)),
        created_at: at("createdAt"),
        started_at: at("startedAt"),
        due_at: at("dueDate"),
        completed_at,
        updated_at,
        delay_reason: None,
        comment: removed.then(|| "deleted in Linear".to_string()),
        changed_by: str_at(&v, &["actor", "name"]).map(str::to_string),
        category: Some(cat),
    })))
}

#[cfg(test)]
mod tests {
    use super::super::{Priority, Stage, WorkflowRecord};
    use super::*;

    fn body(action: &str, state: &str, state_type: &str) -> String {
        serde_json::json!({
            "action": action,
            "type": "Issue",
            "actor": {"name": "Mia"},
            "webhookTimestamp": 1_777_600_000_000i64,
            "data": {
                "id": "2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9",
                "identifier": "CS-42",
                "title": "Renew Globex",
                "priority": 2,
                "createdAt": "2026-04-01T10:00:00.000Z",
                "updatedAt": "2026-04-20T10:00:00.000Z",
                "startedAt": "2026-04-02T10:00:00.000Z",
                "dueDate": "2026-04-30",
                "state": {"name": state, "type": state_type},
                "team": {"key": "CS", "name": "Customer Success"},
                "assignee": {"name": "Leo"},
                "labels": [{"name": "Renewals"}]
            }
        })
        .to_string()
    }

    #[test]
    fn an_issue_maps_to_a_workflow_record() {
        let TrackerEvent::Upsert(i) = parse(
            body("update", "In Review", "started").as_bytes(),
            &StatusMap::default(),
            &LinearMapping::default(),
        )
        .unwrap() else {
            panic!()
        };
        let r = WorkflowRecord::validate(*i, &StatusMap::default(), 1_790_000_000_000).unwrap();
        assert_eq!(
            (r.external_id.as_str(), r.kind.as_str()),
            ("CS-42", "renewals")
        );
        assert_eq!(
            (r.category, r.stage),
            (Category::InProgress, Stage::Execution)
        );
        assert_eq!(
            (r.team.as_str(), r.owner.as_str(), r.changed_by.as_str()),
            ("Customer Success", "Leo", "Mia")
        );
        assert_eq!(r.priority, Priority::High);
        assert!(r.started_at_ms.is_some() && r.due_at_ms.is_some());
    }

    #[test]
    fn removal_cancels_other_types_are_ignored_and_age_is_checked() {
        let TrackerEvent::Upsert(i) = parse(
            body("remove", "Todo", "unstarted").as_bytes(),
            &StatusMap::default(),
            &LinearMapping::default(),
        )
        .unwrap() else {
            panic!()
        };
        assert_eq!(i.category, Some(Category::Cancelled));
        let other = r#"{"type":"Comment","action":"create"}"#;
        assert!(matches!(
            parse(
                other.as_bytes(),
                &StatusMap::default(),
                &LinearMapping::default()
            )
            .unwrap(),
            TrackerEvent::Ignored(_)
        ));
        assert_eq!(
            webhook_timestamp(body("update", "Todo", "unstarted").as_bytes()),
            Some(1_777_600_000_000)
        );
        assert!(is_fresh(1_000_000, 1_000_000 + MAX_AGE_MS));
        assert!(!is_fresh(1_000_000, 1_000_001 + MAX_AGE_MS));
    }
}
