//! Incidents: generic ingest, the signed PagerDuty webhook, MTTA / MTTR by severity, and the
//! VIP outreach list during an open incident.

use crate::helpers::*;
use app::domain::access::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

const SECRET: &str = "pd-test-secret";

fn at(hours_ago: i64, minutes: i64) -> String {
    app::domain::date::format_rfc3339(
        crate::helpers::fixed_now() - hours_ago * 3_600_000 + minutes * 60_000,
    )
}

fn sign(body: &str, secret: &str) -> String {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("key");
    m.update(body.as_bytes());
    let hex: String = m
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("v1={hex}")
}

fn pd_event(event_id: &str, kind: &str, incident: &str, occurred: &str, created: &str) -> String {
    json!({"event": {
        "id": event_id, "event_type": kind, "resource_type": "incident", "occurred_at": occurred,
        "data": {"id": incident, "type": "incident", "title": "Checkout errors", "urgency": "high",
                 "priority": {"summary": "P1"}, "service": {"summary": "checkout-api"},
                 "created_at": created}
    }})
    .to_string()
}

async fn deliver(app: &TestApp, body: &str, signature: Option<&str>) -> Reply {
    let mut req = Request::post("/api/v1/webhooks/pagerduty")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(s) = signature {
        req = req.header("x-pagerduty-signature", s);
    }
    app.send(req.body(Body::from(body.to_string())).expect("request"))
        .await
}

async fn incidents(app: &TestApp) -> Value {
    let r = app.get("/api/v1/incidents?range=7d", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn pagerduty_events_build_an_incident_and_replays_change_nothing() {
    let app =
        spawn_with(|c| c.pagerduty_secret = Some(server::config::Secret(SECRET.into()))).await;
    let created = at(5, 0);
    let trig = pd_event("e1", "incident.triggered", "PD1", &created, &created);
    let ack = pd_event("e2", "incident.acknowledged", "PD1", &at(5, 4), &created);
    let res = pd_event("e3", "incident.resolved", "PD1", &at(5, 60), &created);
    for body in [&trig, &ack, &res] {
        let r = deliver(&app, body, Some(&sign(body, SECRET))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.json()["applied"], true);
    }
    let replay = deliver(&app, &ack, Some(&sign(&ack, SECRET))).await;
    assert_eq!(replay.json()["applied"], false);
    let s = incidents(&app).await;
    let crit = &s["by_severity"][0];
    assert_eq!(crit["severity"], "critical");
    assert_eq!(crit["incidents"], 1);
    assert_eq!(crit["mtta_median_secs"], 240.0);
    assert_eq!(crit["mttr_mean_secs"], 3_600.0);
    assert_eq!(s["open"], json!([]));
    assert_eq!(s["incidents"][0]["service"], "checkout-api");
    let ignored = json!({"event": {"id": "e9", "event_type": "service.updated", "occurred_at": at(1, 0), "data": {"id": "S1"}}}).to_string();
    assert_eq!(
        deliver(&app, &ignored, Some(&sign(&ignored, SECRET)))
            .await
            .json()["ignored"],
        true
    );
}

#[tokio::test]
async fn a_bad_signature_is_401_and_stores_nothing() {
    let app =
        spawn_with(|c| c.pagerduty_secret = Some(server::config::Secret(SECRET.into()))).await;
    let body = pd_event("e1", "incident.triggered", "PD2", &at(2, 0), &at(2, 0));
    for sig in [
        None,
        Some("v1=00".to_string()),
        Some(sign(&body, "wrong-secret")),
        Some(sign("{}", SECRET)),
    ] {
        let r = deliver(&app, &body, sig.as_deref()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{sig:?}");
        assert!(r.text.contains("invalid_signature"));
    }
    assert_eq!(incidents(&app).await["incidents"], json!([]));
    // Without a configured secret, every delivery is refused.
    let bare = spawn().await;
    let r = deliver(&bare, &body, Some(&sign(&body, SECRET))).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("webhook_not_configured"));
}

#[tokio::test]
async fn a_flood_of_signatures_or_a_large_body_is_refused_without_hashing() {
    let app =
        spawn_with(|c| c.pagerduty_secret = Some(server::config::Secret(SECRET.into()))).await;
    let body = pd_event("e1", "incident.triggered", "PD3", &at(2, 0), &at(2, 0));
    // 5,000 entries used to cost 5,000 HMACs of the body on an async worker.
    let flood = vec!["v1=00"; 5_000].join(",");
    let r = deliver(&app, &body, Some(&flood)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text.contains("too_many_signatures"), "{}", r.text);
    // A rotation's two signatures (one stale) still verify.
    let two = format!("v1={},{}", "ab".repeat(32), sign(&body, SECRET));
    let r = deliver(&app, &body, Some(&two)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Webhook bodies are capped well below the batch ingest limit.
    let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(300 * 1024));
    let r = deliver(&app, &big, Some(&sign(&big, SECRET))).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
}

#[tokio::test]
async fn generic_incidents_merge_reports_and_reject_bad_input() {
    let app = spawn().await;
    let post = |body: Value| {
        app.post(
            "/api/v1/incidents",
            "application/json",
            body.to_string(),
            Some(KEY),
        )
    };
    let r = post(json!([
        {"id": "i1", "title": "DB failover", "severity": "high", "service": "db", "triggered_at": at(30, 0)},
        {"id": "i2", "severity": "sev1", "triggered_at": at(30, 0)},
        {"id": "i3", "severity": "low", "triggered_at": at(30, 0), "resolved_at": at(31, 0)}
    ])).await;
    let j = r.json();
    assert_eq!(
        (j["accepted"].clone(), j["rejected"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(j["errors"][0]["code"], "invalid_severity");
    assert_eq!(j["errors"][1]["code"], "timestamp_order");
    // A later report acknowledges and resolves; the title stays.
    post(json!([{"id": "i1", "severity": "high", "triggered_at": at(30, 0), "acknowledged_at": at(30, 10), "resolved_at": at(30, 90)}])).await;
    let s = incidents(&app).await;
    assert_eq!(s["incidents"][0]["title"], "DB failover");
    assert_eq!(s["by_severity"][1]["mtta_mean_secs"], 600.0);
    assert_eq!(s["by_severity"][1]["mttr_mean_secs"], 5_400.0);
    assert_eq!(s["per_week"].as_array().unwrap().len(), 1);
    // Operational data stays inside the team.
    let partner = app.session(Role::Partner, Some("acme")).await;
    assert_eq!(
        app.get_with("/api/v1/incidents", &partner).await.status,
        StatusCode::FORBIDDEN
    );
    let viewer = app.session(Role::Viewer, None).await;
    assert_eq!(
        app.get_with("/api/v1/incidents", &viewer).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn during_an_open_incident_vip_customers_with_open_tickets_are_listed() {
    let app = spawn().await;
    let none = app.get("/api/v1/support/vip-outreach", true).await.json();
    assert_eq!(none["open_incidents"], 0);
    app.post(
        "/api/v1/incidents",
        "application/json",
        json!([{"id": "o1", "severity": "critical", "triggered_at": at(3, 0)}]).to_string(),
        Some(KEY),
    )
    .await;
    app.post("/api/v1/tickets", "application/json", json!([
        {"id": "v1", "created_at": at(2, 0), "vip": true, "customer_id": "c-1", "partner_id": "acme", "channel": "chat"},
        {"id": "v2", "created_at": at(2, 0), "vip": false, "customer_id": "c-2"},
        {"id": "v3", "created_at": at(5, 0), "vip": true, "customer_id": "c-3"},
        {"id": "v4", "created_at": at(1, 0), "vip": true, "customer_id": "c-4", "resolved_at": at(1, 30)},
        {"id": "v5", "created_at": at(1, 0), "vip": true, "customer_id": "c-5", "partner_id": "globex"}
    ]).to_string(), Some(KEY)).await;
    let list = app.get("/api/v1/support/vip-outreach", true).await.json();
    assert_eq!(list["open_incidents"], 1);
    let ids: Vec<_> = list["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["ticket_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        ["v5", "v1"],
        "newest first; not before the incident, not resolved, not non-VIP"
    );
    let partner = app.session(Role::Partner, Some("acme")).await;
    let own = app
        .get_with("/api/v1/support/vip-outreach", &partner)
        .await
        .json();
    assert_eq!(own["tickets"].as_array().unwrap().len(), 1);
    assert_eq!(own["tickets"][0]["customer_id"], "c-1");
}

#[tokio::test]
async fn an_incident_report_announces_a_change_no_partner_sees() {
    let app = spawn().await;
    let mut rx = app.state.bus.subscribe();
    let r = app
        .post(
            "/api/v1/incidents",
            "application/json",
            json!([{"id": "n1", "severity": "critical", "triggered_at": at(50, 0)}]).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let change = tokio::time::timeout(std::time::Duration::from_secs(2), rx.recv())
        .await
        .expect("a notice")
        .expect("open bus");
    assert_eq!(change.notice.family, "incidents");
    assert_eq!(change.notice.count, 1);
    // Open since two days ago: every day up to today moved.
    let today = app::domain::date::Day::from_epoch_ms(server::clock::now_ms());
    assert_eq!(change.notice.to, today);
    assert!(change.notice.from < today, "{:?}", change.notice);
    assert!(change.for_partner(Some("acme")).is_none());
    assert!(change.for_partner(None).is_some());
}
