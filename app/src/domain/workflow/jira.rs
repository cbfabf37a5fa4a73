//! Jira (Cloud and Data Center) issue webhooks mapped to workflow records. Pure: the
//! signature is checked before this runs (`server/src/ingest/workflows.rs`).
//!
//! `jira:issue_created` and `jira:issue_updated` upsert the issue as a workflow (newest
//! `fields.updated` wins); `jira:issue_deleted` closes it as cancelled with the status
//! "Deleted", so its history stays. Other events are ignored.

use super::{kinds, Category, StatusMap, TrackerEvent, WorkflowInput};
use crate::domain::date::format_rfc3339;
use crate::domain::survey::RecordError;
use serde_json::Value;

/// How a Jira site's issues map to workflows (all optional; see the README).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JiraMapping {
    /// Project key, issue type name or label → workflow type, compared case-insensitively.
    pub types: Vec<(String, String)>,
    /// Custom field ids (`customfield_10050`) holding the team, the partner and the customer.
    pub team_field: Option<String>,
    pub partner_field: Option<String>,
    pub customer_field: Option<String>,
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

/// A custom field's text: a string, a number, an option (`{"value": …}`), a user or object
/// with a `name`/`displayName`, or the first of an array of those.
fn field_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => ["value", "name", "displayName", "key"]
            .iter()
            .find_map(|k| o.get(*k).and_then(field_text)),
        Value::Array(a) => a.iter().find_map(field_text),
        _ => None,
    }
}

fn mapped<'a>(m: &'a JiraMapping, key: &str) -> Option<&'a str> {
    m.types
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, t)| t.as_str())
}

/// The category of a Jira status: its status category (`new`, `indeterminate`, `done`),
/// except that a done status the status map calls cancelled ("Won't Do") is cancelled.
fn category(status: &str, category_key: Option<&str>, map: &StatusMap) -> Option<Category> {
    let from_key = match category_key? {
        "new" => Category::NotStarted,
        "indeterminate" => Category::InProgress,
        "done" => Category::Done,
        _ => return None,
    };
    Some(match map.lookup(status) {
        Some((Category::Cancelled, _)) if from_key == Category::Done => Category::Cancelled,
        _ => from_key,
    })
}

/// Parses one webhook body. `map` places the status in a stage; `mapping` the type, team,
/// partner and customer.
pub fn parse(
    body: &[u8],
    map: &StatusMap,
    mapping: &JiraMapping,
) -> Result<TrackerEvent, RecordError> {
    let v: Value =
        serde_json::from_slice(body).map_err(|e| bad(format!("the body is not JSON: {e}")))?;
    let event = str_at(&v, &["webhookEvent"]).ok_or_else(|| bad("`webhookEvent` is missing"))?;
    let deleted = match event {
        "jira:issue_created" | "jira:issue_updated" => false,
        "jira:issue_deleted" => true,
        other => return Ok(TrackerEvent::Ignored(other.to_string())),
    };
    let issue = v.get("issue").ok_or_else(|| bad("`issue` is missing"))?;
    let fields = issue
        .get("fields")
        .ok_or_else(|| bad("`issue.fields` is missing"))?;
    let key = str_at(issue, &["key"])
        .or_else(|| str_at(issue, &["id"]))
        .ok_or_else(|| bad("`issue.key` is missing"))?;
    let status = str_at(fields, &["status", "name"])
        .ok_or_else(|| bad("`fields.status.name` is missing"))?;
    let status_key = str_at(fields, &["status", "statusCategory", "key"]);
    let (status, cat) = if deleted {
        ("Deleted", Category::Cancelled)
    } else {
        let cat = category(status, status_key, map).ok_or_else(|| {
            bad("`fields.status.statusCategory.key` must be new, indeterminate or done")
        })?;
        (status, cat)
    };
    let stage = map
        .lookup(status)
        .filter(|(c, _)| *c == cat)
        .map(|(_, s)| s)
        .unwrap_or(cat.default_stage());
    let labels: Vec<&str> = fields
        .get("labels")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let project_key = str_at(fields, &["project", "key"]);
    let issue_type = str_at(fields, &["issuetype", "name"]);
    let kind = labels
        .iter()
        .find_map(|l| kinds::type_id(l).filter(|id| kinds::built_in(id).is_some()))
        .or_else(|| {
            labels
                .iter()
                .copied()
                .chain(project_key)
                .chain(issue_type)
                .find_map(|k| mapped(mapping, k))
                .map(str::to_string)
        })
        .or_else(|| str_at(fields, &["project", "name"]).map(str::to_string))
        .or_else(|| issue_type.map(str::to_string))
        .ok_or_else(|| bad("the issue names no project or issue type to map to a workflow type"))?;
    let custom = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| fields.get(id))
            .and_then(field_text)
    };
    let updated = str_at(fields, &["updated"])
        .map(str::to_string)
        .or_else(|| {
            v.get("timestamp")
                .and_then(Value::as_i64)
                .map(format_rfc3339)
        });
    let comment = str_at(&v, &["comment", "body"])
        .map(str::to_string)
        .or_else(|| deleted.then(|| "deleted in Jira".to_string()));
    Ok(TrackerEvent::Upsert(Box::new(WorkflowInput {
        id: Some(key.to_string()),
        kind: Some(kind),
        audience: None,
        title: str_at(fields, &["summary"]).map(|s| format!("{key} {s}")),
        status: Some(status.to_string()),
        stage: Some(stage.as_str().to_string()),
        customer_id: custom(&mapping.customer_field),
        partner_id: custom(&mapping.partner_field),
        team: custom(&mapping.team_field),
        owner: str_at(fields, &["assignee", "displayName"]).map(str::to_string),
        priority: str_at(fields, &["priority", "name"]).map(str::to_string),
        created_at: str_at(fields, &["created"]).map(str::to_string),
        started_at: None,
        due_at: str_at(fields, &["duedate"]).map(str::to_string),
        completed_at: (cat == Category::Done)
            .then(|| str_at(fields, &["resolutiondate"]).map(str::to_string))
            .flatten(),
        updated_at: if deleted {
            v.get("timestamp")
                .and_then(Value::as_i64)
                .map(format_rfc3339)
                .or(updated)
        } else {
            updated
        },
        delay_reason: None,
        comment,
        changed_by: str_at(&v, &["user", "displayName"]).map(str::to_string),
        category: Some(cat),
    })))
}

#[cfg(test)]
mod tests {
    use super::super::{Stage, WorkflowRecord};
    use super::*;

    pub fn updated(status: &str, category_key: &str, updated: &str) -> String {
        serde_json::json!({
            "timestamp": 1611118692797i64,
            "webhookEvent": "jira:issue_updated",
            "user": {"displayName": "Ana Lima"},
            "issue": {
                "id": "10001",
                "key": "ONB-7",
                "fields": {
                    "summary": "Onboard Acme",
                    "project": {"key": "ONB", "name": "Onboarding"},
                    "issuetype": {"name": "Task"},
                    "labels": ["customer_onboarding"],
                    "status": {"name": status, "statusCategory": {"key": category_key}},
                    "priority": {"name": "Highest"},
                    "assignee": {"displayName": "Rui"},
                    "created": "2021-01-10T09:00:00.000+1100",
                    "updated": updated,
                    "duedate": "2021-01-25",
                    "resolutiondate": null,
                    "customfield_10050": {"value": "Team A"},
                    "customfield_10060": "acme"
                }
            },
            "changelog": {"items": [{"field": "status", "fromString": "To Do", "toString": status}]}
        })
        .to_string()
    }

    fn mapping() -> JiraMapping {
        JiraMapping {
            team_field: Some("customfield_10050".into()),
            customer_field: Some("customfield_10060".into()),
            ..Default::default()
        }
    }

    #[test]
    fn an_update_maps_to_a_workflow_record() {
        let body = updated(
            "In Progress",
            "indeterminate",
            "2021-01-20T15:58:12.797+1100",
        );
        let TrackerEvent::Upsert(input) =
            parse(body.as_bytes(), &StatusMap::default(), &mapping()).unwrap()
        else {
            panic!("ignored");
        };
        let r = WorkflowRecord::validate(*input, &StatusMap::default(), 1_790_000_000_000).unwrap();
        assert_eq!(r.external_id, "ONB-7");
        assert_eq!(r.kind, "customer_onboarding");
        assert_eq!(
            (r.category, r.stage),
            (Category::InProgress, Stage::Execution)
        );
        assert_eq!(r.team, "Team A");
        assert_eq!(r.customer_id.as_deref(), Some("acme"));
        assert_eq!(r.owner, "Rui");
        assert_eq!(r.changed_by, "Ana Lima");
        assert_eq!(r.priority, super::super::Priority::Critical);
        assert_eq!(r.title, "ONB-7 Onboard Acme");
        assert_eq!(
            Some(r.updated_at_ms),
            crate::domain::date::parse_rfc3339("2021-01-20T04:58:12.797Z")
        );
    }

    #[test]
    fn the_status_map_places_a_status_in_a_stage_and_wont_do_is_cancelled() {
        let map = StatusMap::parse("Kickoff=in_progress:planning").unwrap();
        let body = updated("Kickoff", "indeterminate", "2021-01-20T15:58:12.797+1100");
        let TrackerEvent::Upsert(i) = parse(body.as_bytes(), &map, &mapping()).unwrap() else {
            panic!()
        };
        assert_eq!(i.stage.as_deref(), Some("planning"));
        let body = updated("Won't Do", "done", "2021-01-20T15:58:12.797+1100");
        let TrackerEvent::Upsert(i) = parse(body.as_bytes(), &map, &mapping()).unwrap() else {
            panic!()
        };
        assert_eq!(i.category, Some(Category::Cancelled));
    }

    #[test]
    fn a_deletion_cancels_and_other_events_are_ignored() {
        let body = updated(
            "In Progress",
            "indeterminate",
            "2021-01-20T15:58:12.797+1100",
        )
        .replace("jira:issue_updated", "jira:issue_deleted");
        let TrackerEvent::Upsert(i) =
            parse(body.as_bytes(), &StatusMap::default(), &mapping()).unwrap()
        else {
            panic!()
        };
        assert_eq!(
            (i.status.as_deref(), i.category),
            (Some("Deleted"), Some(Category::Cancelled))
        );
        let body = r#"{"webhookEvent":"comment_created"}"#;
        assert!(matches!(
            parse(body.as_bytes(), &StatusMap::default(), &mapping()).unwrap(),
            TrackerEvent::Ignored(_)
        ));
        assert_eq!(
            parse(b"nope", &StatusMap::default(), &mapping())
                .unwrap_err()
                .code,
            "invalid_payload"
        );
        assert_eq!(
            parse(
                br#"{"webhookEvent":"jira:issue_updated"}"#,
                &StatusMap::default(),
                &mapping()
            )
            .unwrap_err()
            .code,
            "invalid_payload"
        );
    }
}
