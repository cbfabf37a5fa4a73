//! Targets that people own (issue 19): set through the API by admins, analysts and
//! `targets`-scoped keys, refused to viewers and partners, checked (422 with a code), audited,
//! and used at once by the tiles, the metric API and off-target alert rules.

use crate::helpers::*;
use app::domain::access::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

/// 40 CSAT answers today: 32 satisfied → 80 %; the chat half is 95 %, email 65 %.
async fn seed(app: &TestApp) {
    let records: Vec<Value> = (0..40)
        .map(|i| {
            let chat = i % 2 == 0;
            // chat: 19 of 20 satisfied; email: 13 of 20.
            let satisfied = if chat { i != 0 } else { i < 27 };
            let mut r = survey(&format!("t{i}"), "csat", if satisfied { 5 } else { 2 }, 0);
            r["channel"] = json!(if chat { "chat" } else { "email" });
            r
        })
        .collect();
    let r = app.post_surveys(&json!(records)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

async fn tile(app: &TestApp, cookie: &str, query: &str) -> Value {
    let r = app
        .call_get(
            "get_summary",
            Some(cookie),
            &format!("query={}", app::domain::query::percent_encode(query)),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["tiles"]
        .as_array()
        .expect("tiles")
        .iter()
        .find(|t| t["metric"] == "csat")
        .expect("csat tile")
        .clone()
}

/// Whether the off-target rule would fire today (the rule tester's verdict).
async fn verdict(app: &TestApp, cookie: &str, rule: &Value) -> Value {
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules/test",
            Auth::Cookie(cookie),
            Some(rule.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["would_fire"].clone()
}

#[tokio::test]
async fn a_target_set_through_the_api_changes_tiles_reports_and_rules() {
    let app = spawn().await;
    seed(&app).await;
    let analyst = app.session(Role::Analyst, None).await;
    let report = app.metric("csat", "range=7d&min_sample=1").await;
    assert_eq!(report["value"], 80.0);
    assert_eq!(report["target"], 85.0, "the catalogue default");
    assert_eq!(report["status"], "warn");
    assert_eq!(tile(&app, &analyst, "range=7d").await["status"], "warn");

    // An off-target rule (10 %: below 76.5 against 85) does not fire at 80 ...
    let rule = json!({
        "name": "CSAT off target", "metric": "csat",
        "condition": {"type": "off_target", "pct": 2}, "severity": "warning",
        "min_sample": 5, "for_secs": 0
    });
    assert_eq!(verdict(&app, &analyst, &rule).await, true, "80 < 85 − 2 %");

    // The analyst lowers the target to 78: on target everywhere at once.
    let put = app
        .json_call(
            "PUT",
            "/api/v1/targets/csat",
            Auth::Cookie(&analyst),
            Some(json!({"threshold": 78})),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    assert_eq!(put.json()["target"], 78.0);
    let report = app.metric("csat", "range=7d&min_sample=1").await;
    assert_eq!(
        (report["target"].clone(), report["status"].clone()),
        (json!(78.0), json!("good"))
    );
    let t = tile(&app, &analyst, "range=7d").await;
    assert_eq!(
        (t["target"].clone(), t["status"].clone()),
        (json!(78.0), json!("good"))
    );
    assert_eq!(verdict(&app, &analyst, &rule).await, false);

    // A band for chat only, from a key with the `targets` scope only; a `read` key cannot.
    let now = server::clock::now_ms();
    for (id, key, scopes) in [
        ("tb1", "targets-key-0001", "targets"),
        ("rd1", "read-key-0001", "read"),
    ] {
        server::store::keys::create_key(&app.state.store, id, key, id, scopes, "test", now)
            .await
            .expect("key");
    }
    let band = json!({"min": 60, "max": 90, "dimension": "channel", "value": "chat"});
    let r = app
        .json_call(
            "PUT",
            "/api/v1/targets/csat",
            Auth::Key("read-key-0001"),
            Some(band.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let put = app
        .json_call(
            "PUT",
            "/api/v1/targets/csat",
            Auth::Key("targets-key-0001"),
            Some(band),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.text);
    let chat = app
        .metric("csat", "range=7d&min_sample=1&channel=chat")
        .await;
    assert_eq!(chat["value"], 95.0);
    assert_eq!(chat["target"], json!({"min": 60.0, "max": 90.0}));
    assert_eq!(chat["status"], "warn", "5 points above the band");
    let email = app
        .metric("csat", "range=7d&min_sample=1&channel=email")
        .await;
    assert_eq!(
        (email["value"].clone(), email["target"].clone()),
        (json!(65.0), json!(78.0))
    );
    let catalogue = app.get("/api/v1/metrics", true).await.json();
    let csat = catalogue["metrics"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["id"] == "csat"))
        .expect("csat listed");
    assert_eq!(
        (csat["target"].clone(), csat["target_set"].clone()),
        (json!(85.0), json!(78.0))
    );
    let listed = app.get_with("/api/v1/targets", &analyst).await.json();
    assert_eq!(
        listed["targets"].as_array().map(Vec::len),
        Some(2),
        "{listed}"
    );

    // Viewers and partners cannot change targets; nor can a key without the scope.
    for role in [Role::Viewer, Role::Partner] {
        let c = app
            .session(role, (role == Role::Partner).then_some("p1"))
            .await;
        let r = app
            .json_call(
                "PUT",
                "/api/v1/targets/csat",
                Auth::Cookie(&c),
                Some(json!({"threshold": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}: {}", r.text);
        let r = app
            .json_call("DELETE", "/api/v1/targets/csat", Auth::Cookie(&c), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?}: {}", r.text);
    }
    let r = app
        .json_call(
            "PUT",
            "/api/v1/targets/csat",
            Auth::None,
            Some(json!({"threshold": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Bad values: a stable code each, and the stored target is untouched.
    for (path, body, status, code) in [
        (
            "csat",
            json!({"threshold": 120}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "target_out_of_range",
        ),
        (
            "csat",
            json!({"min": 50, "max": 40}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_band",
        ),
        (
            "csat",
            json!({"threshold": 80, "min": 1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_target",
        ),
        (
            "csat",
            json!({}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_target",
        ),
        (
            "csat",
            json!({"threshold": 80, "dimension": "touchpoint", "value": "x"}),
            StatusCode::OK,
            "",
        ),
        (
            "first_response_time",
            json!({"threshold": 60, "dimension": "touchpoint", "value": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "unsupported_dimension",
        ),
        (
            "csat",
            json!({"threshold": "high"}),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "nope",
            json!({"threshold": 1}),
            StatusCode::NOT_FOUND,
            "unknown_metric",
        ),
    ] {
        let r = app
            .json_call(
                "PUT",
                &format!("/api/v1/targets/{path}"),
                Auth::Cookie(&analyst),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, status, "{body}: {}", r.text);
        if !code.is_empty() {
            assert_eq!(r.json()["code"], code, "{body}");
        }
    }
    assert_eq!(
        app.metric("csat", "range=7d&min_sample=1").await["target"],
        78.0
    );

    // DELETE restores the default; a second DELETE finds nothing.
    let reset = |path: &'static str| app.json_call("DELETE", path, Auth::Cookie(&analyst), None);
    let r = reset("/api/v1/targets/csat").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        app.metric("csat", "range=7d&min_sample=1").await["target"],
        85.0
    );
    let r = reset("/api/v1/targets/csat").await;
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (StatusCode::NOT_FOUND, json!("not_found"))
    );
    let r = reset("/api/v1/targets/csat?dimension=channel").await;
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("invalid_target"))
    );
    let r = reset("/api/v1/targets/csat?dimension=channel&value=chat").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert_eq!(
        app.metric("csat", "range=7d&min_sample=1&channel=chat")
            .await["target"],
        85.0
    );

    // Every change is in the audit log.
    let seen = app.audited("target.").await;
    for want in [
        ("target.put", "csat"),
        ("target.put", "csat channel=chat"),
        ("target.put", "csat touchpoint=x"),
        ("target.delete", "csat"),
        ("target.delete", "csat channel=chat"),
    ] {
        assert!(
            seen.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {seen:?}"
        );
    }
}
