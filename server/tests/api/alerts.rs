use crate::helpers::*;
use app::domain::access::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};
use server::clock::now_ms;
use std::time::Duration;

/// A rule on CSAT of one segment: fires below 50% with at least 5 answers.
fn csat_rule(segment: &str, extra: Value) -> Value {
    let mut r = json!({
        "name": format!("CSAT low in {segment}"),
        "metric": "csat",
        "filters": {"segment": segment},
        "condition": {"type": "below", "threshold": 50},
        "severity": "critical",
        "min_sample": 5,
        "for_secs": 0
    });
    if let (Some(o), Some(e)) = (r.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            o.insert(k.clone(), v.clone());
        }
    }
    r
}

/// `n` CSAT answers of `score` in `segment`, with a comment each.
fn answers(prefix: &str, segment: &str, score: i64, n: usize) -> Value {
    Value::Array(
        (0..n)
            .map(|i| {
                json!({"id": format!("{prefix}{i}"), "kind": "csat", "score": score,
                       "responded_at": ts(0), "segment": segment,
                       "comment": format!("answer {i}: {}", if score < 3 { "slow and rude" } else { "great" })})
            })
            .collect(),
    )
}

impl TestApp {
    async fn create_rule(&self, cookie: &str, rule: Value) -> Value {
        let r = self
            .json_call(
                "POST",
                "/api/v1/alert-rules",
                Auth::Cookie(cookie),
                Some(rule),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json()
    }

    async fn alerts_of(&self, cookie: &str, rule_id: &str, states: &str) -> Vec<Value> {
        let r = self
            .get_with(
                &format!("/api/v1/alerts?rule_id={rule_id}&state={states}"),
                cookie,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["alerts"].as_array().cloned().unwrap_or_default()
    }
}

/// An instant early in the UTC day the test data falls on, so controlled evaluations stay
/// inside that day's window.
fn early_in_data_day() -> i64 {
    app::domain::date::Day::from_epoch_ms(data_instant(0)).start_ms() + 60_000
}

#[tokio::test]
async fn the_default_rules_are_seeded_once() {
    let app = spawn().await;
    let cookie = app.session(Role::Viewer, None).await;
    let r = app.get_with("/api/v1/alert-rules", &cookie).await;
    assert_eq!(r.status, StatusCode::OK);
    let rules = r.json()["rules"].as_array().cloned().unwrap();
    let names: Vec<&str> = rules.iter().filter_map(|r| r["name"].as_str()).collect();
    assert!(names.contains(&"CSAT below 60%"), "{names:?}");
    assert!(names.contains(&"First response time above target"));
    assert!(names.contains(&"Negative feedback up 20% on the week before"));
    assert!(rules.iter().all(|r| r["builtin"] == true));
    // A second start does not re-seed (nor restore a deleted default).
    let admin = app.session(Role::Admin, None).await;
    let id = rules[0]["id"].as_str().unwrap();
    let d = app
        .json_call(
            "DELETE",
            &format!("/api/v1/alert-rules/{id}"),
            Auth::Cookie(&admin),
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    server::alerts::defaults::seed_once(&app.state.store, now_ms())
        .await
        .unwrap();
    let after = app.get_with("/api/v1/alert-rules", &cookie).await.json();
    assert_eq!(after["rules"].as_array().unwrap().len(), rules.len() - 1);
}

#[tokio::test]
async fn rules_are_validated_and_need_the_right_credentials() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let viewer = app.session(Role::Viewer, None).await;
    let partner = app.session(Role::Partner, Some("p1")).await;
    let rule = csat_rule("smb", json!({}));
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules",
            Auth::None,
            Some(rule.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules",
            Auth::Cookie(&viewer),
            Some(rule.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules",
            Auth::Key("not-a-key-at-all"),
            Some(rule.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get_with("/api/v1/alerts", &partner).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for (bad, code) in [
        (
            csat_rule("smb", json!({"metric": "revenue"})),
            "unknown_metric",
        ),
        (
            csat_rule("smb", json!({"window_days": 400})),
            "invalid_window",
        ),
        (
            csat_rule("smb", json!({"severity": "meh"})),
            "malformed_body",
        ),
        (
            csat_rule("smb", json!({"webhooks": [{"url": "https://example.com"}]})),
            "unsupported_scheme",
        ),
    ] {
        let r = app
            .json_call(
                "POST",
                "/api/v1/alert-rules",
                Auth::Cookie(&analyst),
                Some(bad),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.text);
        assert_eq!(r.json()["code"], code, "{}", r.text);
    }
    let created = app.create_rule(&analyst, rule.clone()).await;
    assert!(created["signing_secret"]
        .as_str()
        .unwrap()
        .starts_with("whsec_"));
    let id = created["rule"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        created["rule"]["description"],
        "CSAT below 50.0% over today, segment=smb"
    );
    // Update: a bad version changes nothing; a good one replaces the rule.
    let r = app
        .json_call(
            "PUT",
            &format!("/api/v1/alert-rules/{id}"),
            Auth::Cookie(&analyst),
            Some(csat_rule("smb", json!({"min_sample": 0}))),
        )
        .await;
    assert_eq!(r.json()["code"], "invalid_min_sample");
    let r = app
        .json_call(
            "PUT",
            &format!("/api/v1/alert-rules/{id}"),
            Auth::Cookie(&analyst),
            Some(csat_rule(
                "smb",
                json!({"enabled": false, "name": "renamed"}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let got = app
        .get_with(&format!("/api/v1/alert-rules/{id}"), &viewer)
        .await
        .json();
    assert_eq!(
        (got["name"].as_str(), got["enabled"].as_bool()),
        (Some("renamed"), Some(false))
    );
    let r = app
        .json_call(
            "DELETE",
            &format!("/api/v1/alert-rules/{id}"),
            Auth::Cookie(&analyst),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = app
        .json_call(
            "DELETE",
            &format!("/api/v1/alert-rules/{id}"),
            Auth::Cookie(&analyst),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_ingest_that_breaks_a_rule_raises_an_alert_within_one_tick() {
    let app = spawn_with(|c| c.alert_tick = Duration::from_secs(1)).await;
    app.state.alerts.spawn(app.state.shutdown.clone());
    let analyst = app.session(Role::Analyst, None).await;
    let rule = app
        .create_rule(&analyst, csat_rule("tick", json!({})))
        .await;
    let rule_id = rule["rule"]["id"].as_str().unwrap().to_string();
    let mut rx = app.state.bus.subscribe();
    assert_eq!(
        app.post_surveys(&answers("t", "tick", 1, 8)).await.status,
        StatusCode::OK
    );
    let mut found = Vec::new();
    for _ in 0..40 {
        found = app.alerts_of(&analyst, &rule_id, "firing").await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(found.len(), 1, "no alert within 4 s");
    let a = &found[0];
    assert_eq!(a["severity"], "critical");
    assert_eq!(a["evidence"]["value"], 0.0);
    assert_eq!(a["evidence"]["n"], 8);
    assert_eq!(a["evidence"]["threshold"], 50.0);
    let verbatims = a["evidence"]["verbatims"].as_array().unwrap();
    assert_eq!(verbatims.len(), 3);
    assert!(verbatims[0]["text"]
        .as_str()
        .unwrap()
        .contains("slow and rude"));
    // The inbox heard of it.
    let mut heard = false;
    while let Ok(Ok(c)) = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await {
        if c.notice.family == "alerts" {
            heard = true;
            break;
        }
    }
    assert!(heard, "no alerts notice on the bus");
    // Acknowledge through the API: the log records who and when.
    let id = a["id"].as_str().unwrap();
    let r = app
        .json_call(
            "POST",
            &format!("/api/v1/alerts/{id}/actions"),
            Auth::Cookie(&analyst),
            Some(json!({"action": "acknowledge"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["state"], "acknowledged");
    let one = app
        .get_with(&format!("/api/v1/alerts/{id}"), &analyst)
        .await
        .json();
    let log: Vec<(String, String)> = one["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().into(),
                e["actor"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(log[0].0, "acknowledged");
    assert!(log[0].1.starts_with("analyst"), "{log:?}");
    assert_eq!(log[1], ("fired".to_string(), "engine".to_string()));
    assert!(one["alert"]["acknowledged_by"]
        .as_str()
        .unwrap()
        .starts_with("analyst"));
    // Each log row says the action it recorded, not the alert's latest on every row.
    for text in ["called the vendor", "rolled back the release"] {
        let r = app
            .json_call(
                "POST",
                &format!("/api/v1/alerts/{id}/actions"),
                Auth::Cookie(&analyst),
                Some(json!({"action": "record_action", "text": text})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let one = app
        .get_with(&format!("/api/v1/alerts/{id}"), &analyst)
        .await
        .json();
    let taken: Vec<&str> = one["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action_taken"].as_str().unwrap())
        .collect();
    assert_eq!(
        taken,
        ["rolled back the release", "called the vendor", "", ""],
        "{one}"
    );
    // The inbox header counts the tab's own alerts: a CSAT alert is a customer alert.
    let page = |view: &'static str| {
        let app = &app;
        let analyst = analyst.clone();
        async move {
            let r = app
                .call_get("get_alerts_page", Some(&analyst), &format!("view={view}"))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.json()
        }
    };
    let customers = page("customer").await;
    assert_eq!(customers["counts"]["critical"], 1);
    assert_eq!(customers["active"].as_array().unwrap().len(), 1);
    let partners = page("partner").await;
    assert_eq!(partners["counts"]["critical"], 0, "{}", partners["counts"]);
    assert_eq!(partners["active"].as_array().unwrap().len(), 0);
    // Bad actions are refused with stable codes; nothing changes.
    for (body, status, code) in [
        (
            json!({"action": "explode"}),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            json!({"action": "silence", "until": 1, "reason": ""}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_silence",
        ),
        (
            json!({"action": "record_action", "text": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_text",
        ),
    ] {
        let r = app
            .json_call(
                "POST",
                &format!("/api/v1/alerts/{id}/actions"),
                Auth::Cookie(&analyst),
                Some(body),
            )
            .await;
        assert_eq!(
            (r.status, r.json()["code"].as_str().unwrap()),
            (status, code),
            "{}",
            r.text
        );
    }
    let viewer = app.session(Role::Viewer, None).await;
    let r = app
        .json_call(
            "POST",
            &format!("/api/v1/alerts/{id}/actions"),
            Auth::Cookie(&viewer),
            Some(json!({"action": "acknowledge"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .json_call(
            "POST",
            "/api/v1/alerts/nope/actions",
            Auth::Cookie(&analyst),
            Some(json!({"action": "acknowledge"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn small_samples_do_not_fire_and_repeated_passes_never_duplicate() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let rule = app
        .create_rule(&analyst, csat_rule("dup", json!({"min_sample": 10})))
        .await;
    let rule_id = rule["rule"]["id"].as_str().unwrap().to_string();
    app.post_surveys(&answers("a", "dup", 1, 9)).await;
    let t0 = early_in_data_day();
    app.state.alerts.evaluate(t0).await.unwrap();
    assert!(app
        .alerts_of(&analyst, &rule_id, "pending,firing")
        .await
        .is_empty());
    app.post_surveys(&answers("b", "dup", 1, 1)).await;
    for i in 0..5 {
        app.state.alerts.evaluate(t0 + i * 30_000).await.unwrap();
    }
    let firing = app.alerts_of(&analyst, &rule_id, "firing").await;
    assert_eq!(firing.len(), 1);
    // A restart (a new state over the same store) keeps the alert and does not re-raise it.
    let id = firing[0]["id"].clone();
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let reopened = server::AppState::open((*app.state.config).clone(), rx)
        .await
        .unwrap();
    reopened.alerts.evaluate(t0 + 10 * 60_000).await.unwrap();
    let after = app
        .alerts_of(&analyst, &rule_id, "pending,firing,acknowledged,resolved")
        .await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["id"], id);
    assert_eq!(after[0]["state"], "firing");
}

#[tokio::test]
async fn recovery_resolves_after_the_hysteresis_period() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let rule = app
        .create_rule(&analyst, csat_rule("rec", json!({"for_secs": 60})))
        .await;
    let rule_id = rule["rule"]["id"].as_str().unwrap().to_string();
    app.post_surveys(&answers("a", "rec", 1, 6)).await;
    let t0 = early_in_data_day();
    app.state.alerts.evaluate(t0).await.unwrap();
    assert_eq!(app.alerts_of(&analyst, &rule_id, "pending").await.len(), 1);
    app.state.alerts.evaluate(t0 + 60_000).await.unwrap();
    assert_eq!(app.alerts_of(&analyst, &rule_id, "firing").await.len(), 1);
    // Good answers bring CSAT to 75%: clear, but only resolved after 5 minutes clear.
    app.post_surveys(&answers("b", "rec", 5, 18)).await;
    app.state.alerts.evaluate(t0 + 2 * 60_000).await.unwrap();
    assert_eq!(app.alerts_of(&analyst, &rule_id, "firing").await.len(), 1);
    app.state.alerts.evaluate(t0 + 6 * 60_000).await.unwrap();
    assert_eq!(app.alerts_of(&analyst, &rule_id, "firing").await.len(), 1);
    app.state.alerts.evaluate(t0 + 7 * 60_000).await.unwrap();
    let resolved = app.alerts_of(&analyst, &rule_id, "resolved").await;
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert_eq!(resolved[0]["resolved_by"], "engine");
    assert_eq!(resolved[0]["work_status"], "resolved");
}

#[tokio::test]
async fn webhooks_are_signed_and_a_dead_target_does_not_block_delivery() {
    use axum::routing::post;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(String, String, String)>(4);
    let receiver = axum::Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap, body: String| {
            let tx = tx.clone();
            async move {
                let h = |n: &str| {
                    headers
                        .get(n)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string()
                };
                let _ = tx
                    .send((h("x-signalroom-signature"), h("x-signalroom-event"), body))
                    .await;
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, receiver).await });
    // A port nobody listens on.
    let dead = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let dead_addr = dead.local_addr().unwrap();
    drop(dead);

    // The receiver is on loopback, which webhooks may reach only when an operator allows it.
    let app = spawn_with(|c| {
        c.webhook_retry_base_ms = 50;
        c.webhook_allow = server::alerts::ssrf::AllowList::parse("127.0.0.1");
    })
    .await;
    app.state.alerts.spawn(app.state.shutdown.clone());
    let analyst = app.session(Role::Analyst, None).await;
    let rule = app
        .create_rule(
            &analyst,
            csat_rule(
                "hook",
                json!({"webhooks": [
                    {"url": format!("http://{dead_addr}/gone")},
                    {"url": format!("http://{addr}/hook")}
                ]}),
            ),
        )
        .await;
    let secret = rule["signing_secret"].as_str().unwrap().to_string();
    app.post_surveys(&answers("w", "hook", 2, 6)).await;
    let (sig, event, body) = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a delivery within 10 s")
        .unwrap();
    assert_eq!(event, "alert.fired");
    let t: i64 = sig
        .strip_prefix("t=")
        .and_then(|s| s.split(',').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!((now_ms() / 1000 - t).abs() < 60);
    assert_eq!(sig, server::alerts::webhook::sign(&secret, t, &body));
    let doc: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(doc["event"], "alert.fired");
    assert_eq!(doc["alert"]["title"], "CSAT low in hook");
    assert!(doc["link"].as_str().unwrap().contains("/alerts?alert="));
    // The dead target is retried and then marked failed; the log shows both.
    let mut failed = false;
    for _ in 0..100 {
        let d = app
            .get_with("/api/v1/alerts/deliveries", &analyst)
            .await
            .json();
        let list = d["deliveries"].as_array().cloned().unwrap_or_default();
        let dead_one = list
            .iter()
            .find(|x| x["url"].as_str().unwrap().contains("/gone"));
        let ok_one = list
            .iter()
            .find(|x| x["url"].as_str().unwrap().contains("/hook"));
        if ok_one.is_some_and(|x| x["status"] == "delivered")
            && dead_one.is_some_and(|x| x["status"] == "failed")
        {
            assert_eq!(dead_one.unwrap()["attempts"], 6);
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed, "the dead target was not given up on");
}

#[tokio::test]
async fn a_rule_test_shows_what_would_have_fired() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    app.post_surveys(&answers("a", "hist", 1, 6)).await;
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules/test",
            Auth::Cookie(&analyst),
            Some(csat_rule("hist", json!({}))),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let h = r.json();
    let days = h["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(h["breach_days"], 1);
    assert_eq!(h["would_fire"], true);
    assert_eq!(days[29]["breach"], true);
    assert_eq!(days[0]["n"], 0);
}

#[tokio::test]
async fn ticket_rules_see_what_the_support_report_sees() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    // Six chat tickets created an hour ago, answered after 10, 20, … 60 minutes.
    let base = now_ms() - 3_600_000;
    let fmt = app::domain::date::format_rfc3339;
    let tickets: Vec<Value> = (1..=6)
        .map(|i| {
            json!({"id": format!("k{i}"), "created_at": fmt(base - 3 * 3_600_000),
                   "first_response_at": fmt(base - 3 * 3_600_000 + i * 600_000), "channel": "chat"})
        })
        .collect();
    let r = app
        .post(
            "/api/v1/tickets",
            "application/json",
            Value::Array(tickets).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let rule = app
        .create_rule(
            &analyst,
            json!({
                "name": "slow chat", "metric": "first_response_time", "group_by": "channel",
                "condition": {"type": "above", "threshold": 1200}, "severity": "warning",
                "min_sample": 5, "for_secs": 0
            }),
        )
        .await;
    let rule_id = rule["rule"]["id"].as_str().unwrap().to_string();
    let data_day = app::domain::date::Day::from_epoch_ms(base - 3 * 3_600_000);
    app.state
        .alerts
        .evaluate(data_day.start_ms() + 60_000)
        .await
        .unwrap();
    let firing = app.alerts_of(&analyst, &rule_id, "firing").await;
    assert_eq!(firing.len(), 1, "{firing:?}");
    assert_eq!(firing[0]["dim_key"], "channel=chat");
    assert_eq!(firing[0]["title"], "slow chat · channel=chat");
    let day = data_day.to_string();
    let report = app
        .get(
            &format!("/api/v1/support?from={day}&to={day}&channel=chat"),
            true,
        )
        .await
        .json();
    assert_eq!(
        firing[0]["evidence"]["value"],
        report["first_response_time"]["median_secs"]
    );
    assert_eq!(firing[0]["evidence"]["n"], 6);
}

#[tokio::test]
async fn webhooks_to_loopback_private_or_metadata_addresses_are_refused() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    for url in [
        "http://127.0.0.1:3000/internal/admin",
        "http://localhost:8080/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://[::1]:9/hook",
    ] {
        let r = app
            .json_call(
                "POST",
                "/api/v1/alert-rules",
                Auth::Cookie(&analyst),
                Some(csat_rule("ssrf", json!({"webhooks": [{"url": url}]}))),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{url}: {}",
            r.text
        );
        assert!(r.text.contains("forbidden_webhook_target"), "{}", r.text);
    }
    // Public hosts are fine to save (they are checked again after DNS at delivery).
    app.create_rule(
        &analyst,
        csat_rule(
            "ok",
            json!({"webhooks": [{"url": "http://hooks.example.com/x"}]}),
        ),
    )
    .await;
    // A viewer does not read the delivery log (it would map the network).
    let viewer = app.session(Role::Viewer, None).await;
    assert_eq!(
        app.get_with("/api/v1/alerts/deliveries", &viewer)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_silence_mutes_deliveries_and_the_unread_count_until_it_ends() {
    let app =
        spawn_with(|c| c.webhook_allow = server::alerts::ssrf::AllowList::parse("127.0.0.1")).await;
    let analyst = app.session(Role::Analyst, None).await;
    let viewer = app.session(Role::Viewer, None).await;
    let rule = app
        .create_rule(
            &analyst,
            csat_rule(
                "quiet",
                json!({"webhooks": [{"url": "http://127.0.0.1:9/hook"}]}),
            ),
        )
        .await;
    let rule_id = rule["rule"]["id"].as_str().unwrap().to_string();
    let until = now_ms() + 3_600_000;
    for (body, code) in [
        (
            json!({"rule_id": rule_id, "until": now_ms() - 1}),
            "invalid_silence",
        ),
        (json!({"rule_id": "nope", "until": until}), "unknown_rule"),
        (
            json!({"rule_id": rule_id, "dim_key": "colour=red", "until": until}),
            "invalid_dim_key",
        ),
    ] {
        let r = app
            .json_call(
                "POST",
                "/api/v1/alert-silences",
                Auth::Cookie(&analyst),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json()["code"], code);
    }
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-silences",
            Auth::Cookie(&viewer),
            Some(json!({"rule_id": rule_id, "until": until})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-silences",
            Auth::Cookie(&analyst),
            Some(json!({"rule_id": rule_id, "until": until, "reason": "maintenance"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let silence_id = r.json()["id"].as_str().unwrap().to_string();
    app.post_surveys(&answers("q", "quiet", 1, 6)).await;
    app.state
        .alerts
        .evaluate(early_in_data_day())
        .await
        .unwrap();
    let firing = app.alerts_of(&analyst, &rule_id, "firing").await;
    assert_eq!(firing.len(), 1);
    assert_eq!(firing[0]["silenced_until"], until);
    let list = app
        .get_with("/api/v1/alerts?state=firing", &analyst)
        .await
        .json();
    assert_eq!(list["counts"]["unread"], 0);
    let d = app
        .get_with("/api/v1/alerts/deliveries", &analyst)
        .await
        .json();
    assert_eq!(
        d["deliveries"].as_array().unwrap().len(),
        0,
        "a silenced alert was delivered"
    );
    let s = app.get_with("/api/v1/alert-silences", &viewer).await.json();
    assert_eq!(s["silences"][0]["reason"], "maintenance");
    // Ending it unmutes the alert.
    let r = app
        .json_call(
            "DELETE",
            &format!("/api/v1/alert-silences/{silence_id}"),
            Auth::Cookie(&analyst),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let list = app
        .get_with("/api/v1/alerts?state=firing", &analyst)
        .await
        .json();
    assert_eq!(list["counts"]["unread"], 1);
    let r = app
        .json_call(
            "DELETE",
            &format!("/api/v1/alert-silences/{silence_id}"),
            Auth::Cookie(&analyst),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_negative_feedback_rule_fires_with_the_customers_words_as_evidence() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let rule = app
        .create_rule(
            &analyst,
            json!({
                "name": "Negative share in enterprise", "metric": "negative_share",
                "filters": {"segment": "enterprise"}, "severity": "warning",
                "condition": {"type": "above", "threshold": 50.0},
                "window_days": 1, "for_secs": 0, "min_sample": 4
            }),
        )
        .await;
    let rule_id = rule["rule"]["id"].as_str().unwrap().to_string();
    let texts = [
        "The export is broken and support is useless.",
        "Terrible update, everything is slow.",
        "Awful invoice errors again.",
        "Nice new dashboard.",
    ];
    let batch: Vec<Value> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            json!({"id": format!("neg{i}"), "source": "review", "text": t, "at": ts(0),
                   "segment": "enterprise"})
        })
        .collect();
    let r = app
        .post(
            "/api/v1/feedback",
            "application/json",
            Value::Array(batch).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.json()["accepted"], 4, "{}", r.text);
    app.state
        .alerts
        .evaluate(early_in_data_day())
        .await
        .unwrap();
    let firing = app.alerts_of(&analyst, &rule_id, "firing").await;
    assert_eq!(firing.len(), 1, "3 of 4 texts are negative: 75% > 50%");
    let evidence = &firing[0]["evidence"];
    assert_eq!(evidence["value"], 75.0);
    assert_eq!(evidence["n"], 4);
    let verbatims = evidence["verbatims"].as_array().unwrap();
    assert_eq!(verbatims.len(), 3);
    assert!(verbatims
        .iter()
        .all(|v| v["sentiment"].as_f64().unwrap() <= -0.05));
}

#[tokio::test]
async fn rule_filter_values_are_read_as_the_data_spells_them() {
    let app = spawn().await;
    assert_eq!(
        app.post_surveys(&answers("s", "smb", 5, 3)).await.status,
        StatusCode::OK
    );
    let analyst = app.session(Role::Analyst, None).await;
    // "Chat" is the chat channel; "SMB" is the stored "smb".
    let mut rule = csat_rule("SMB", json!({}));
    rule["filters"] = json!({"channel": "Chat", "segment": "SMB"});
    let created = app.create_rule(&analyst, rule).await;
    assert_eq!(created["rule"]["filters"]["channel"], "chat", "{created}");
    assert_eq!(created["rule"]["filters"]["segment"], "smb", "{created}");
    // A channel that does not exist is refused with the list of channels.
    let mut bad = csat_rule("smb", json!({}));
    bad["filters"] = json!({"channel": "fax"});
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules",
            Auth::Cookie(&analyst),
            Some(bad),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json()["code"], "invalid_filter");
    assert!(r.json()["message"].as_str().unwrap_or("").contains("chat"));
    // The form's list of values.
    let r = app.call_get("list_filter_values", Some(&analyst), "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let segments = r
        .json()
        .as_array()
        .and_then(|a| a.iter().find(|d| d["dimension"] == "segment").cloned())
        .expect("segment values");
    assert_eq!(segments["values"], json!(["smb"]));
    let partner = app.session(Role::Partner, Some("p1")).await;
    let r = app.call_get("list_filter_values", Some(&partner), "").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

#[tokio::test]
async fn passes_keep_their_reads_and_see_every_change_announced_since() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let rule = |name: &str, metric: &str, filters: Value, threshold: f64| {
        json!({
            "name": name, "metric": metric, "filters": filters, "severity": "warning",
            "condition": {"type": "above", "threshold": threshold},
            "window_days": 1, "for_secs": 0, "min_sample": 1
        })
    };
    let mut ids = Vec::new();
    for r in [
        rule(
            "busy email",
            "ticket_volume",
            json!({"channel": "email"}),
            3.0,
        ),
        rule("major incident", "major_incidents_open", json!({}), 0.0),
        rule(
            "unhappy memo",
            "negative_share",
            json!({"segment": "memo"}),
            50.0,
        ),
        rule("csat memo", "csat", json!({"segment": "memo"}), 90.0),
    ] {
        let v = app.create_rule(&analyst, r).await;
        ids.push(v["rule"]["id"].as_str().unwrap().to_string());
    }
    let post = |path: &'static str, body: Value| {
        let app = &app;
        async move {
            let r = app
                .post(path, "application/json", body.to_string(), Some(KEY))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
        }
    };
    let tickets = |prefix: &str, n: usize| {
        Value::Array(
            (0..n)
                .map(|i| json!({"id": format!("{prefix}{i}"), "created_at": ts(0), "channel": "email"}))
                .collect(),
        )
    };
    let feedback = |prefix: &str, text: &str, n: usize| {
        Value::Array(
            (0..n)
                .map(|i| {
                    json!({"id": format!("{prefix}{i}"), "source": "review", "text": text,
                                "at": ts(0), "segment": "memo"})
                })
                .collect(),
        )
    };
    // Answers without comments, so that they add no feedback.
    let csat = |prefix: &str, score: i64, n: usize| {
        Value::Array(
            (0..n)
                .map(|i| {
                    json!({"id": format!("{prefix}{i}"), "kind": "csat", "score": score,
                                "responded_at": ts(0), "segment": "memo"})
                })
                .collect(),
        )
    };
    // Under every line: the first pass reads each family and keeps what it read.
    post("/api/v1/tickets", tickets("t", 2)).await;
    post(
        "/api/v1/feedback",
        feedback("f", "Lovely, fast and helpful.", 2),
    )
    .await;
    app.post_surveys(&csat("s", 1, 3)).await;
    let t = early_in_data_day();
    app.state.alerts.evaluate(t).await.unwrap();
    for id in &ids {
        let open = app.alerts_of(&analyst, id, "pending,firing").await;
        assert!(open.is_empty(), "rule {id}: {open:?}");
    }
    // A pass with nothing announced since reads the same figures.
    app.state.alerts.evaluate(t + 10_000).await.unwrap();
    for id in &ids {
        let open = app.alerts_of(&analyst, id, "pending,firing").await;
        assert!(open.is_empty(), "rule {id}: {open:?}");
    }
    // Each family moves past its line; the next pass sees every change.
    post("/api/v1/tickets", tickets("u", 2)).await;
    let incident = json!([{"id": "memo-1", "severity": "critical", "triggered_at": ts(0)}]);
    post("/api/v1/incidents", incident).await;
    post(
        "/api/v1/feedback",
        feedback("g", "Awful, broken and useless.", 3),
    )
    .await;
    app.post_surveys(&csat("v", 5, 40)).await;
    app.state.alerts.evaluate(t + 20_000).await.unwrap();
    for id in &ids {
        let firing = app.alerts_of(&analyst, id, "firing").await;
        assert_eq!(firing.len(), 1, "rule {id}: {firing:?}");
    }
}
