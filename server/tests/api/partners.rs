//! Partner experience: the registry, activity and deals, inventory; every figure of the
//! partner dashboards against hand-computed values; upsert order; bad input; scoping.

use crate::helpers::*;
use app::domain::access::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn at(days_ago: i64, hours: i64) -> String {
    app::domain::date::format_rfc3339(
        crate::helpers::fixed_now() - days_ago * 86_400_000 - 12 * 3_600_000 + hours * 3_600_000,
    )
}

async fn post(app: &TestApp, path: &str, body: &Value) -> Value {
    let r = app
        .post(path, "application/json", body.to_string(), Some(KEY))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json()
}

/// A batch where every record is bad: 422 with every record's code.
async fn post_bad(app: &TestApp, path: &str, body: &Value) -> Value {
    let r = app
        .post(path, "application/json", body.to_string(), Some(KEY))
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{path}: {}",
        r.text
    );
    r.json()
}

fn close(v: &Value, want: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() < 1e-6)
}

/// Three partners (one live, one onboarding, one churned) with orders, surveys, activity,
/// deals, stock and tickets whose figures are worked out by hand in the test below.
async fn seed(app: &TestApp) {
    let r = post(
        app,
        "/api/v1/partners",
        &json!([
            {"id": "p1", "name": "Partner One", "tier": "Gold", "region": "EMEA",
             "signed_at": at(200, 0), "live_at": at(170, 0)},
            {"id": "p2", "name": "Partner Two", "tier": "silver", "signed_at": at(20, 0)},
            {"id": "p3", "name": "Partner Three", "signed_at": at(300, 0), "live_at": at(290, 0),
             "status": "churned", "churned_at": at(10, 0)}
        ]),
    )
    .await;
    assert_eq!(r["accepted"], 3);
    post(
        app,
        "/api/v1/orders",
        &json!([
            {"id": "o1", "partner_id": "p1", "amount": 100, "ordered_at": at(5, 0),
             "promised_at": at(3, 0), "delivered_at": at(4, 0), "accurate": true, "cost": 60},
            {"id": "o2", "partner_id": "p1", "amount": 50, "ordered_at": at(5, 0),
             "promised_at": at(4, 0), "delivered_at": at(3, 0), "accurate": false},
            {"id": "o3", "partner_id": "p2", "amount": 50, "ordered_at": at(2, 0)},
            {"id": "o4", "amount": 200, "ordered_at": at(3, 0)},
            {"id": "o5", "partner_id": "p1", "amount": 75, "ordered_at": at(369, 0)},
            {"id": "o6", "partner_id": "p1", "amount": 20, "currency": "EUR", "ordered_at": at(3, 0)}
        ]),
    )
    .await;
    let surveys = json!([
        {"id": "s1", "kind": "pss", "score": 5, "responded_at": at(3, 0), "partner_id": "p1"},
        {"id": "s2", "kind": "pss", "score": 4, "responded_at": at(3, 0), "partner_id": "p1"},
        {"id": "s3", "kind": "pss", "score": 2, "responded_at": at(3, 0), "partner_id": "p1"}
    ]);
    assert_eq!(app.post_surveys(&surveys).await.status, StatusCode::OK);
    let r = post(
        app,
        "/api/v1/partner-activity",
        &json!([
            {"id": "a1", "partner_id": "p1", "type": "login", "count": 5, "at": at(3, 0)},
            {"id": "a2", "partner_id": "p1", "type": "interaction", "at": at(2, 0)},
            {"id": "a3", "partner_id": "p1", "type": "communication", "medium": "email", "at": at(4, 0)},
            {"id": "a4", "partner_id": "p1", "type": "communication", "medium": "meeting", "at": at(4, 0)},
            {"id": "a5", "partner_id": "p1", "type": "program", "program": "elite", "at": at(6, 0)},
            {"id": "a6", "partner_id": "p1", "type": "training_started", "course": "basics", "person": "ann", "at": at(8, 0)},
            {"id": "a7", "partner_id": "p1", "type": "training_completed", "course": "basics", "person": "ann", "at": at(6, 0)},
            {"id": "a8", "partner_id": "p1", "type": "training_started", "course": "adv", "person": "ann", "at": at(5, 0)},
            {"id": "a9", "partner_id": "p1", "type": "lead", "count": 3, "at": at(2, 0)},
            {"id": "a10", "partner_id": "p1", "type": "certification", "course": "basics", "at": at(6, 0)},
            {"deal_id": "d1", "partner_id": "p1", "type": "deal", "value": 500, "stage": "won", "at": at(2, 0)},
            {"deal_id": "d2", "partner_id": "p1", "type": "deal", "value": 300, "stage": "lost", "at": at(3, 0)},
            {"deal_id": "d3", "partner_id": "p1", "type": "deal", "value": 1000, "stage": "proposal", "at": at(4, 0)}
        ]),
    )
    .await;
    assert_eq!(r["accepted"], 13, "{r}");
    // The registration of d1 arrives after its win: it must not move the deal back.
    let r = post(
        app,
        "/api/v1/partner-activity",
        &json!([{"deal_id": "d1", "partner_id": "p1", "type": "deal", "value": 400, "stage": "registered", "at": at(10, 0)}]),
    )
    .await;
    assert_eq!(
        (r["accepted"].as_i64(), r["duplicates"].as_i64()),
        (Some(0), Some(1))
    );
    post(
        app,
        "/api/v1/inventory",
        &json!([
            {"partner_id": "p1", "sku": "A", "on_hand": 100, "reorder_level": 40, "at": at(9, 0)},
            {"partner_id": "p1", "sku": "A", "on_hand": 60, "reorder_level": 40, "at": at(6, 0)},
            {"partner_id": "p1", "sku": "A", "on_hand": 30, "reorder_level": 40, "at": at(2, 0)},
            {"partner_id": "p1", "sku": "B", "on_hand": 500, "reorder_level": 10, "at": at(5, 0)}
        ]),
    )
    .await;
    post(
        app,
        "/api/v1/tickets",
        &json!([
            {"id": "t1", "created_at": at(3, 0), "partner_id": "p1", "channel": "email"},
            {"id": "t2", "created_at": at(3, 0), "resolved_at": at(2, 0), "partner_id": "p1", "channel": "email"},
            {"id": "t3", "created_at": at(3, 0), "partner_id": "p2", "channel": "email"}
        ]),
    )
    .await;
}

#[tokio::test]
async fn partner_figures_match_hand_computed_values() {
    let app = spawn().await;
    seed(&app).await;
    let r = app.get("/api/v1/partners?range=30d", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["other_currencies"], json!(["EUR"]));
    let h = &v["headline"];
    assert_eq!(
        (h["partners"].as_i64(), h["active"].as_i64()),
        (Some(3), Some(2))
    );
    // At the start: p1 and p3 (p2 signed inside); p3 churned inside.
    assert_eq!(h["retention"]["at_start"], 2);
    assert_eq!(h["retention"]["retention_pct"], 50.0);
    assert_eq!(h["onboarding"]["in_progress"], 1);
    assert!(close(&h["pss"], 200.0 / 3.0), "{}", h["pss"]);
    assert_eq!(h["pss_n"], 3);
    // Partner revenue 150 + 50 of 400 (o4 has no partner; o6 is in EUR).
    assert_eq!(h["revenue"], 200.0);
    assert_eq!(h["total_revenue"], 400.0);
    assert_eq!(h["revenue_share_pct"], 50.0);
    assert!(close(&h["yoy_growth_pct"], 100.0 * 125.0 / 75.0));
    assert_eq!(h["orders"], 4);
    assert_eq!(h["leads"], 3);
    assert_eq!(h["conversion_pct"], 50.0);
    assert_eq!(h["engagement_rate_pct"], 50.0);
    assert_eq!(h["program_participation_pct"], 50.0);
    assert_eq!(h["communications_per_partner_30d"], 1.0);
    assert_eq!(h["training_pct"], 50.0);
    assert_eq!(h["certifications"], 1);
    assert_eq!(h["on_time_pct"], 50.0);
    assert_eq!(h["accuracy_pct"], 50.0);
    assert_eq!(h["margin_pct"], 40.0);
    assert_eq!(h["lead_time_secs"], 1.5 * 86_400.0);
    assert!(close(
        &h["inventory_turnover"],
        70.0 / (190.0 / 3.0 + 500.0)
    ));
    assert_eq!(h["skus_below_reorder"], 1);
    assert_eq!(h["open_tickets"], 2);
    assert_eq!(
        (h["pipeline_deals"].as_i64(), h["pipeline_value"].as_f64()),
        (Some(1), Some(1000.0))
    );
    assert!(close(&h["mean_index"], (75.0 + 25.0) / 2.0));

    let rows = v["rows"].as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["p1", "p2", "p3"], "by index, none last");
    let p1 = &rows[0];
    assert_eq!(
        (p1["tier"].as_str(), p1["onboarding_days"].as_f64()),
        (Some("gold"), Some(30.0))
    );
    assert_eq!(p1["revenue"], 150.0);
    assert_eq!(p1["revenue_share_pct"], 37.5);
    assert_eq!(p1["yoy_growth_pct"], 100.0);
    assert_eq!(p1["orders"], 3);
    assert_eq!(p1["aov"], 75.0);
    assert_eq!(p1["engagement_pctile"], 75.0);
    assert_eq!(p1["skus_below_reorder"], 1);
    assert_eq!(p1["open_tickets"], 1);
    // Two promised deliveries are too few for the delivery component (minimum 3), so:
    // (30 × 66.67 + 20 × 100 + 15 × 75 + 10 × 50) / 75.
    assert!(close(&p1["index"], 75.0), "{}", p1["index"]);
    let weeks: f64 = p1["revenue_weeks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_f64)
        .sum();
    assert_eq!(weeks, 150.0);
    let p2 = &rows[1];
    assert_eq!(p2["onboarding_days"], Value::Null);
    assert_eq!(p2["index"], 25.0, "engagement only");
    assert_eq!(rows[2]["status"], "churned");
    assert_eq!(
        rows[2]["index"],
        Value::Null,
        "partners that left have no index"
    );
    let pipeline = v["pipeline"].as_array().unwrap();
    let won = pipeline.iter().find(|s| s["stage"] == "won").unwrap();
    assert_eq!(
        (won["deals"].as_i64(), won["value_cents"].as_i64()),
        (Some(1), Some(50_000))
    );
    assert_eq!(v["reorder"][0]["sku"], "A");

    // Sorting, and one partner's own page.
    let by_name = app
        .get("/api/v1/partners?range=30d&sort=name", true)
        .await
        .json();
    assert_eq!(by_name["rows"][0]["id"], "p1");
    assert_eq!(by_name["desc"], false);
    let bad = app.get("/api/v1/partners?sort=colour", true).await;
    assert_eq!(
        (bad.status, bad.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_sort"))
    );
    let bad = app.get("/api/v1/partners?channel=web", true).await;
    assert_eq!(bad.json()["code"], "unsupported_filter");
    let d = app
        .get("/api/v1/partners/p1?range=30d&compare=previous", true)
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let d = d.json();
    assert_eq!(d["row"]["revenue"], 150.0);
    assert_eq!(d["deals"][0]["deal_id"], "d1");
    assert_eq!(d["deals"][0]["stage"], "won");
    assert_eq!(d["inventory"].as_array().unwrap().len(), 2);
    let eng: f64 = d["engagement_weeks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["value"].as_f64())
        .sum();
    assert_eq!(eng, 6.0);
    let missing = app.get("/api/v1/partners/nobody", true).await;
    assert_eq!(
        (missing.status, missing.json()["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_partner"))
    );
}

#[tokio::test]
async fn partner_upserts_apply_in_order_and_bad_input_gets_codes() {
    let app = spawn().await;
    seed(&app).await;
    // A replay changes nothing; a changed partner is an update.
    let r = post(
        &app,
        "/api/v1/partners",
        &json!([
            {"id": "p2", "name": "Partner Two", "tier": "silver", "signed_at": at(20, 0)},
            {"id": "p2", "name": "Partner Two", "tier": "silver", "signed_at": at(20, 0), "live_at": at(5, 0)}
        ]),
    )
    .await;
    assert_eq!(
        (
            r["accepted"].as_i64(),
            r["updated"].as_i64(),
            r["duplicates"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );
    let v = app.get("/api/v1/partners?range=30d", true).await.json();
    assert_eq!(v["headline"]["onboarding"]["completed"], 1);
    assert_eq!(v["headline"]["onboarding"]["median_days"], 15.0);
    // A deal moving forward is an update; the pipeline follows it.
    let r = post(
        &app,
        "/api/v1/partner-activity",
        &json!([{"deal_id": "d3", "partner_id": "p1", "type": "deal", "value": 1000, "stage": "won", "at": at(1, 0)}]),
    )
    .await;
    assert_eq!(r["updated"], 1);
    let v = app.get("/api/v1/partners?range=30d", true).await.json();
    assert_eq!(v["headline"]["pipeline_deals"], 0);
    assert!(close(&v["headline"]["conversion_pct"], 200.0 / 3.0));

    let codes = |r: &Value| -> Vec<String> {
        r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_string())
            .collect()
    };
    let r = post_bad(
        &app,
        "/api/v1/partners",
        &json!([
            {"name": "no id", "signed_at": at(1, 0)},
            {"id": "x1"},
            {"id": "x2", "signed_at": at(5, 0), "live_at": at(9, 0)},
            {"id": "x3", "signed_at": at(5, 0), "status": "paused"}
        ]),
    )
    .await;
    assert_eq!(
        codes(&r),
        [
            "missing_id",
            "missing_timestamp",
            "timestamp_order",
            "invalid_status"
        ]
    );
    let r = post_bad(
        &app,
        "/api/v1/partner-activity",
        &json!([
            {"id": "b1", "partner_id": "p1", "type": "webinar", "at": at(1, 0)},
            {"id": "b2", "type": "login", "at": at(1, 0)},
            {"id": "b3", "partner_id": "p1", "type": "communication", "medium": "fax", "at": at(1, 0)},
            {"deal_id": "b4", "partner_id": "p1", "type": "deal", "value": 5, "stage": "maybe", "at": at(1, 0)},
            {"id": "b5", "partner_id": "p1", "type": "login", "count": 0, "at": at(1, 0)}
        ]),
    )
    .await;
    assert_eq!(
        codes(&r),
        [
            "invalid_type",
            "missing_partner",
            "invalid_medium",
            "invalid_stage",
            "invalid_count"
        ]
    );
    let r = post_bad(
        &app,
        "/api/v1/inventory",
        &json!([
            {"partner_id": "p1", "on_hand": 3, "at": at(1, 0)},
            {"partner_id": "p1", "sku": "A", "on_hand": -3, "at": at(1, 0)}
        ]),
    )
    .await;
    assert_eq!(codes(&r), ["missing_sku", "invalid_quantity"]);
    // CSV, with a bad number in one row.
    let csv = format!(
        "id,partner_id,type,count,at\nc1,p1,login,2,{}\nc2,p1,login,two,{}\n",
        at(1, 0),
        at(1, 0)
    );
    let r = app
        .post("/api/v1/partner-activity", "text/csv", csv, Some(KEY))
        .await;
    assert_eq!(r.json()["accepted"], 1, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["code"], "invalid_count");
    let csv = format!(
        "partner_id,sku,on_hand,reorder_level,at\np1,C,4,5,{}\n",
        at(1, 0)
    );
    let r = app
        .post("/api/v1/inventory", "text/csv", csv, Some(KEY))
        .await;
    assert_eq!(r.json()["accepted"], 1, "{}", r.text);
    let csv = format!("id,name,signed_at\np9,Nine,{}\n", at(1, 0));
    let r = app
        .post("/api/v1/partners", "text/csv", csv, Some(KEY))
        .await;
    assert_eq!(r.json()["accepted"], 1, "{}", r.text);
    // Credentials: none is 401, a key without the scope 403; nothing stored is lost.
    for path in [
        "/api/v1/partners",
        "/api/v1/partner-activity",
        "/api/v1/inventory",
    ] {
        let r = app.post(path, "application/json", "[]", None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    let admin = app.session(Role::Admin, None).await;
    let key = app
        .call("create_api_key", Some(&admin), "name=s&scopes=orders")
        .await
        .json();
    let secret = key["secret"].as_str().unwrap();
    let r = app
        .post(
            "/api/v1/partners",
            "application/json",
            json!([{"id": "p1", "signed_at": at(1, 0)}]).to_string(),
            Some(secret),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let partners = server::store::partners::list_partners(&app.state.store)
        .await
        .unwrap();
    assert_eq!(partners.len(), 4);
    assert_eq!(partners[0].name, "Partner One");
}

#[tokio::test]
async fn partner_accounts_see_only_their_own_partner() {
    let app = spawn().await;
    seed(&app).await;
    let p1 = app.session(Role::Partner, Some("p1")).await;
    let mine = app.get_with("/api/v1/partners?range=30d", &p1).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    let v = mine.json();
    let ids: Vec<&str> = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["p1"]);
    assert_eq!(v["headline"]["revenue"], 150.0);
    assert_eq!(
        v["headline"]["total_revenue"], 0.0,
        "no company-wide revenue"
    );
    assert_eq!(v["rows"][0]["revenue_share_pct"], Value::Null);
    assert_eq!(v["headline"]["open_tickets"], 1);
    assert_eq!(v["scoped_partner"], "p1");
    for path in ["/api/v1/partners?partner=p2", "/api/v1/partners/p2"] {
        assert_eq!(
            app.get_with(path, &p1).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        app.get_with("/api/v1/partners/p1", &p1).await.status,
        StatusCode::OK
    );
    // The server functions and pages enforce the same.
    let r = app
        .call_get("get_partners_page", Some(&p1), "query=range%3D30d")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["rows"].as_array().unwrap().len(), 1);
    let r = app
        .call_get("get_partner_detail", Some(&p1), "id=p2&query=")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let page = app.get_with("/partners/p2", &p1).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = app.get_with("/partners?range=30d", &p1).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Partner One"));
    assert!(!page.text.contains("Partner Two"));
    let admin = app.session(Role::Viewer, None).await;
    let page = app.get_with("/partners/p2?range=30d", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Partner Two"));
    assert_eq!(
        app.get_with("/partners/nobody", &admin).await.status,
        StatusCode::NOT_FOUND
    );
    // Without credentials: 401.
    assert_eq!(
        app.get("/api/v1/partners", false).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn default_partner_rules_fire_per_partner() {
    let app = spawn().await;
    seed(&app).await;
    app.state
        .alerts
        .evaluate(server::clock::now_ms())
        .await
        .unwrap();
    let viewer = app.session(Role::Viewer, None).await;
    let r = app.get_with("/api/v1/alerts?state=firing", &viewer).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let alerts = r.json()["alerts"].as_array().cloned().unwrap_or_default();
    let stock: Vec<&Value> = alerts
        .iter()
        .filter(|a| a["metric"] == "inventory_below_reorder")
        .collect();
    // p1's SKU A is below its level; p2 and p3 have no stock records (no sample).
    assert_eq!(stock.len(), 1, "{alerts:?}");
    assert_eq!(stock[0]["dim_key"], "partner=p1");
    assert_eq!(stock[0]["evidence"]["value"], 1.0);
    // Two deliveries are below the rule's minimum sample of 10: no delivery alert.
    assert!(alerts.iter().all(|a| a["metric"] != "on_time_delivery"));
}

#[tokio::test]
async fn a_revenue_alert_states_its_currency() {
    let app = spawn().await;
    seed(&app).await;
    let analyst = app.session(Role::Analyst, None).await;
    let r = app
        .send(
            axum::http::Request::post("/api/v1/alert-rules")
                .header(axum::http::header::CONTENT_TYPE, "application/json")
                .header(axum::http::header::HOST, "localhost")
                .header("origin", "http://localhost")
                .header(axum::http::header::COOKIE, &analyst)
                .body(axum::body::Body::from(
                    json!({
                        "name": "Partner revenue below 1,000", "metric": "partner_revenue",
                        "condition": {"type": "below", "threshold": 1000}, "severity": "warning",
                        "min_sample": 1, "for_secs": 0, "window_days": 30
                    })
                    .to_string(),
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rule = r.json()["rule"]["id"].as_str().unwrap().to_string();
    app.state
        .alerts
        .evaluate(server::clock::now_ms())
        .await
        .unwrap();
    let r = app
        .get_with(
            &format!("/api/v1/alerts?rule_id={rule}&state=firing"),
            &analyst,
        )
        .await;
    let alerts = r.json()["alerts"].as_array().cloned().unwrap_or_default();
    assert_eq!(alerts.len(), 1, "{}", r.text);
    // USD has the most revenue in the window (200 of it), so revenue is reported in USD.
    assert_eq!(alerts[0]["evidence"]["currency"], "USD", "{}", alerts[0]);
    // Other metrics carry no currency.
    let r = app.get_with("/api/v1/alerts?state=firing", &analyst).await;
    for a in r.json()["alerts"].as_array().unwrap() {
        if a["metric"] != "partner_revenue" {
            assert!(a["evidence"].get("currency").is_none(), "{a}");
        }
    }
}
