//! Workflows: the signed Jira and Linear webhooks (stage moves, transitions, redeliveries,
//! out-of-order updates), generic ingest, the figures against hand-computed values, and
//! partner scoping.

use crate::helpers::*;
use app::domain::access::Role;
use app::domain::date::{format_rfc3339, Day};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const JIRA_SECRET: &str = "jira-test-secret";
const LINEAR_SECRET: &str = "linear-test-secret";
const DAY_MS: i64 = 86_400_000;

fn hex_hmac(body: &str, secret: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("key");
    m.update(body.as_bytes());
    m.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A Jira timestamp (`+1100`, no colon) `hours_ago` hours before the tests' now.
fn jira_ts(hours_ago: i64) -> String {
    let utc = format_rfc3339(fixed_now() - hours_ago * 3_600_000 + 11 * 3_600_000);
    format!("{}.000+1100", utc.trim_end_matches('Z'))
}

fn jira_issue(event: &str, status: &str, category: &str, updated_hours_ago: i64) -> String {
    json!({
        "timestamp": fixed_now() - updated_hours_ago * 3_600_000,
        "webhookEvent": event,
        "user": {"displayName": "Ana Lima"},
        "issue": {"id": "10001", "key": "ONB-7", "fields": {
            "summary": "Onboard Acme",
            "project": {"key": "ONB", "name": "Onboarding"},
            "issuetype": {"name": "Task"},
            "labels": ["customer_onboarding"],
            "status": {"name": status, "statusCategory": {"key": category}},
            "priority": {"name": "High"},
            "assignee": {"displayName": "Rui"},
            "created": jira_ts(100),
            "updated": jira_ts(updated_hours_ago),
            "duedate": day(-10),
            "customfield_10050": {"value": "Team A"}
        }},
        "changelog": {"items": [{"field": "status", "fromString": "To Do", "toString": status}]},
        "comment": {"body": "kickoff done"}
    })
    .to_string()
}

async fn jira(app: &TestApp, body: &str, signature: Option<String>, delivery: &str) -> Reply {
    let mut req = Request::post("/api/v1/webhooks/jira")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-atlassian-webhook-identifier", delivery);
    if let Some(s) = signature {
        req = req.header("x-hub-signature", s);
    }
    app.send(req.body(Body::from(body.to_string())).expect("request"))
        .await
}

fn signed(body: &str) -> Option<String> {
    Some(format!("sha256={}", hex_hmac(body, JIRA_SECRET)))
}

async fn jira_app() -> TestApp {
    spawn_with(|c| {
        c.workflows.jira_secrets = vec![
            server::config::Secret("an-older-secret".into()),
            server::config::Secret(JIRA_SECRET.into()),
        ];
        c.workflows.jira.team_field = Some("customfield_10050".into());
    })
    .await
}

async fn workflow(app: &TestApp, id: &str) -> Reply {
    app.get(&format!("/api/v1/workflows/{id}"), true).await
}

#[tokio::test]
async fn a_signed_jira_update_moves_the_stage_and_records_the_transition() {
    let app = jira_app().await;
    let created = jira_issue("jira:issue_created", "To Do", "new", 100);
    let r = jira(&app, &created, signed(&created), "d-1").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["applied"], true);
    let w = workflow(&app, "ONB-7").await.json();
    assert_eq!(w["workflow"]["stage"], "planning");
    assert_eq!(w["workflow"]["team"], "Team A");

    let moved = jira_issue("jira:issue_updated", "In Progress", "indeterminate", 50);
    let r = jira(&app, &moved, signed(&moved), "d-2").await;
    assert_eq!(r.json()["transitions"], 1, "{}", r.text);
    let w = workflow(&app, "ONB-7").await.json();
    assert_eq!(w["workflow"]["stage"], "execution");
    assert_eq!(w["workflow"]["category"], "in_progress");
    assert_eq!(w["workflow"]["type"], "customer_onboarding");
    let t = w["transitions"].as_array().expect("transitions");
    assert_eq!(t.len(), 2);
    assert_eq!(t[1]["from_status"], "To Do");
    assert_eq!(t[1]["to_status"], "In Progress");
    assert_eq!(t[1]["to_stage"], "execution");
    assert_eq!(t[1]["by"], "Ana Lima");
    assert_eq!(t[1]["comment"], "kickoff done");
    // The move into progress is the start.
    assert_eq!(
        w["workflow"]["started_at"],
        format_rfc3339(fixed_now() - 50 * 3_600_000)
    );

    // A redelivery (same identifier) changes nothing, even with a newer body.
    let redelivered = jira_issue("jira:issue_updated", "Done", "done", 10);
    let r = jira(&app, &redelivered, signed(&redelivered), "d-2").await;
    assert_eq!(r.json()["applied"], false);
    // An older update arriving late keeps the newest.
    let stale = jira_issue("jira:issue_updated", "To Do", "new", 70);
    let r = jira(&app, &stale, signed(&stale), "d-3").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["applied"], false);
    let w = workflow(&app, "ONB-7").await.json();
    assert_eq!(w["workflow"]["status"], "In Progress");
    assert_eq!(w["transitions"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn a_bad_jira_signature_is_401_and_stores_nothing() {
    let app = jira_app().await;
    let body = jira_issue("jira:issue_created", "To Do", "new", 100);
    for sig in [
        None,
        Some("sha256=00".to_string()),
        Some(hex_hmac(&body, JIRA_SECRET)),
        Some(format!("sha256={}", hex_hmac(&body, "wrong-secret"))),
        Some(format!("sha256={}", hex_hmac("{}", JIRA_SECRET))),
    ] {
        let r = jira(&app, &body, sig.clone(), "d-1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{sig:?}");
        assert!(r.text.contains("invalid_signature"), "{}", r.text);
    }
    assert_eq!(workflow(&app, "ONB-7").await.status, StatusCode::NOT_FOUND);
    // The refused deliveries did not use up their identifier.
    let r = jira(&app, &body, signed(&body), "d-1").await;
    assert_eq!(r.json()["applied"], true, "{}", r.text);
    // Without a configured secret, every delivery is refused.
    let bare = spawn().await;
    let r = jira(&bare, &body, signed(&body), "d-9").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("webhook_not_configured"));
}

#[tokio::test]
async fn a_signed_fresh_linear_delivery_applies_and_a_stale_one_is_refused() {
    let app = spawn_with(|c| {
        c.workflows.linear_secrets = vec![server::config::Secret(LINEAR_SECRET.into())]
    })
    .await;
    let body = |stamp: i64| {
        json!({"action": "update", "type": "Issue", "actor": {"name": "Mia"},
               "webhookTimestamp": stamp,
               "data": {"id": "x", "identifier": "CS-42", "title": "Renew Globex", "priority": 2,
                        "createdAt": ts(20), "updatedAt": ts(1), "dueDate": day(-5),
                        "state": {"name": "In Review", "type": "started"},
                        "team": {"key": "CS", "name": "Customer Success"},
                        "labels": [{"name": "Renewals"}]}})
        .to_string()
    };
    let send = |b: String| {
        let sig = hex_hmac(&b, LINEAR_SECRET);
        app.send(
            Request::post("/api/v1/webhooks/linear")
                .header(header::CONTENT_TYPE, "application/json")
                .header("linear-signature", sig)
                .header("linear-delivery", "ld-1")
                .body(Body::from(b))
                .expect("request"),
        )
    };
    let stale = send(body(now_ms() - 6 * 60_000)).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert!(stale.text.contains("stale_delivery"));
    let r = send(body(now_ms())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let w = workflow(&app, "CS-42").await.json();
    assert_eq!(w["workflow"]["type"], "renewals");
    assert_eq!(w["workflow"]["team"], "Customer Success");
    assert_eq!(w["workflow"]["stage"], "execution");
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The unit tests' six workflows (`app/src/domain/workflow/figures.rs`), placed around a
/// 10-day period that ended 20 days ago: day `d` of the tests is `d` days after `t0`.
fn six(t0: i64) -> Value {
    let at = |d: i64| format_rfc3339(t0 + d * DAY_MS);
    json!([
        {"id": "a", "type": "customer_onboarding", "status": "done", "created_at": at(0), "started_at": at(2), "due_at": at(12), "completed_at": at(11), "team": "A"},
        {"id": "b", "type": "customer_onboarding", "status": "done", "created_at": at(5), "started_at": at(6), "due_at": at(12), "completed_at": at(15), "team": "A", "delay_reason": "waiting for the customer's data"},
        {"id": "c", "type": "renewals", "status": "in_progress", "created_at": at(8), "started_at": at(9), "due_at": at(14), "updated_at": at(9), "team": "B"},
        {"id": "d", "type": "renewals", "status": "not_started", "created_at": at(12), "due_at": at(25), "team": "B"},
        {"id": "e", "type": "renewals", "status": "done", "created_at": at(1), "completed_at": at(5), "team": "B"},
        {"id": "f", "type": "renewals", "status": "cancelled", "created_at": at(11), "updated_at": at(13), "team": "B"}
    ])
}

#[tokio::test]
async fn figures_equal_hand_computed_values_and_newest_updates_win() {
    let app = spawn().await;
    let today = Day::from_epoch_ms(fixed_now());
    let from = today.plus_days(-30);
    let t0 = from.plus_days(-10).start_ms();
    let r = app
        .post(
            "/api/v1/workflows",
            "application/json",
            six(t0).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 6);
    // An older version of c arriving late changes nothing.
    let older = json!([{"id": "c", "type": "renewals", "status": "not_started", "created_at": format_rfc3339(t0 + 8 * DAY_MS), "updated_at": format_rfc3339(t0 + 8 * DAY_MS + 1), "team": "B"}]);
    let r = app
        .post(
            "/api/v1/workflows",
            "application/json",
            older.to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.json()["duplicates"], 1, "{}", r.text);

    let q = format!("from={from}&to={}&compare=none", from.plus_days(9));
    let r = app.get(&format!("/api/v1/workflows?{q}"), true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let j = r.json();
    let f = &j["figures"];
    assert_eq!(j["workflows"], 4);
    assert_eq!(f["active_workflows"], 2.0);
    assert_eq!(f["workflows_completed"], 2.0);
    assert_eq!(f["workflows_delayed"], 2.0);
    assert_eq!(f["workflows_delayed_pct"], 50.0);
    assert_eq!(f["efficiency_ratio"], 50.0);
    assert_eq!(f["upcoming_deadlines"], 1.0);
    assert_eq!(f["time_to_completion"], 10.5 * 86_400.0);
    // b is 3 days late, c (the period's last millisecond − its due date) 6 days less 1 ms.
    let delay_ms = (3 * DAY_MS + 6 * DAY_MS - 1) as f64 / 2.0;
    assert_eq!(f["workflow_delay"], delay_ms / 1000.0);
    assert_eq!(f["cycle_time_p50"], 9.0 * 86_400.0);
    // Top delayed: c (6 days) before b (3 days), with b's reason.
    assert_eq!(j["delayed"][0]["id"], "c");
    assert_eq!(j["delayed"][1]["id"], "b");
    assert_eq!(
        j["delayed"][1]["delay_reason"],
        "waiting for the customer's data"
    );
    // Filters: team B holds c and d (e closed before, f cancelled).
    let b = app
        .get(&format!("/api/v1/workflows?{q}&team=B"), true)
        .await
        .json();
    assert_eq!(b["workflows"], 2);
    assert_eq!(b["figures"]["workflows_completed"], 0.0);
    let typed = app
        .get(
            &format!("/api/v1/workflows?{q}&type=Customer%20Onboarding"),
            true,
        )
        .await
        .json();
    assert_eq!(typed["workflows"], 2);
    // Bad input names its problem.
    let bad = app.get("/api/v1/workflows?audience=vendor", true).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text.contains("invalid_audience"));
    let bad = app.get("/api/v1/workflows?channel=email", true).await;
    assert!(bad.text.contains("unsupported_filter"), "{}", bad.text);
    let r = app
        .post(
            "/api/v1/workflows",
            "application/json",
            json!([{"id": "z", "type": "x", "status": "Mystery", "created_at": ts(1)}]).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["code"], "unknown_status");
}

#[tokio::test]
async fn tasks_and_automation_runs_are_counted() {
    let app = spawn().await;
    let post = |path: &'static str, body: Value| {
        app.post(path, "application/json", body.to_string(), Some(KEY))
    };
    post(
        "/api/v1/workflows",
        json!([{"id": "w1", "type": "renewals", "status": "in_progress", "created_at": ts(5)}]),
    )
    .await;
    let r = post("/api/v1/tasks", json!([
        {"id": "t1", "workflow_id": "w1", "title": "Call", "status": "pending", "created_at": ts(5), "due_at": ts(2)},
        {"id": "t2", "workflow_id": "w1", "title": "Quote", "status": "done", "created_at": ts(5), "completed_at": ts(1)},
        {"id": "t3", "title": "Later", "status": "pending", "created_at": ts(5), "due_at": day(-3)}
    ])).await;
    assert_eq!(r.json()["accepted"], 3, "{}", r.text);
    let r = post("/api/v1/automation-runs", json!([
        {"id": "r1", "automation": "welcome-mail", "status": "running", "started_at": ts(1)},
        {"id": "r2", "automation": "welcome-mail", "status": "failed", "started_at": ts(1), "finished_at": ts(1), "error": "SMTP 550"},
        {"id": "r3", "automation": "renewal-reminder", "workflow_id": "w1", "status": "succeeded", "started_at": ts(2), "finished_at": ts(2)}
    ])).await;
    assert_eq!(r.json()["accepted"], 3, "{}", r.text);
    // The run finishes: a report further along replaces it; a late "running" does not.
    post("/api/v1/automation-runs", json!([{"id": "r1", "automation": "welcome-mail", "status": "completed", "started_at": ts(1), "finished_at": ts(1)}])).await;
    let r = post("/api/v1/automation-runs", json!([{"id": "r1", "automation": "welcome-mail", "status": "running", "started_at": ts(1)}])).await;
    assert_eq!(r.json()["duplicates"], 1);
    let j = app.get("/api/v1/workflows?range=30d", true).await.json();
    let f = &j["figures"];
    assert_eq!(
        (
            f["tasks_pending"].clone(),
            f["tasks_overdue"].clone(),
            f["tasks_completed"].clone()
        ),
        (json!(2.0), json!(1.0), json!(1.0))
    );
    assert_eq!(f["automation_completed"], 2.0);
    assert_eq!(f["automation_failed"], 1.0);
    assert_eq!(f["automation_success_rate"], 200.0 / 3.0);
    assert_eq!(j["automation"]["failures"][0]["error"], "SMTP 550");
    let w = workflow(&app, "w1").await.json();
    assert_eq!(w["tasks"].as_array().map(Vec::len), Some(2));
    assert_eq!(w["tasks"][0]["overdue"], true);
}

#[tokio::test]
async fn partner_accounts_read_their_own_workflows_only() {
    let app = spawn().await;
    let r = app
        .post(
            "/api/v1/workflows",
            "application/json",
            json!([
                {"id": "p1", "type": "partner_onboarding", "status": "in_progress", "partner_id": "acme", "created_at": ts(5)},
                {"id": "p2", "type": "partner_onboarding", "status": "in_progress", "partner_id": "globex", "created_at": ts(5)},
                {"id": "c1", "type": "renewals", "status": "in_progress", "created_at": ts(5)}
            ])
            .to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.json()["accepted"], 3);
    let acme = app.session(Role::Partner, Some("acme")).await;
    let j = app
        .get_with("/api/v1/workflows?range=30d", &acme)
        .await
        .json();
    assert_eq!(j["workflows"], 1, "{j}");
    assert_eq!(j["timeline"][0]["id"], "p1");
    assert!(j["recent"]
        .as_array()
        .expect("recent")
        .iter()
        .all(|t| t["workflow_id"] == "p1"));
    assert_eq!(
        app.get_with("/api/v1/workflows/p1", &acme).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get_with("/api/v1/workflows/p2", &acme).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with("/api/v1/workflows/c1", &acme).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get_with("/api/v1/workflows?partner=globex", &acme)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let analyst = app.session(Role::Analyst, None).await;
    let all = app
        .get_with("/api/v1/workflows?range=30d", &analyst)
        .await
        .json();
    assert_eq!(all["workflows"], 3);
    let partners = app
        .get_with("/api/v1/workflows?range=30d&audience=partner", &analyst)
        .await
        .json();
    assert_eq!(partners["workflows"], 2);
}
