//! The metric API for every family (issue 19): `GET /api/v1/metrics/{id}` against
//! hand-computed values, with one filter, with a breakdown, under partner scope; the codes
//! for what a metric does not support; CSV; and alert rules on commerce and journey figures.

use crate::helpers::*;
use app::domain::access::Role;
use app::domain::date::{format_rfc3339, Day};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use server::clock::now_ms;

const DAY_MS: i64 = 86_400_000;

/// Noon `days` days ago plus `minutes`: whole days stay whole whatever the time of the run.
fn noon(days: i64, minutes: i64) -> String {
    let today = Day::from_epoch_ms(now_ms());
    format_rfc3339(today.plus_days(-days).start_ms() + DAY_MS / 2 + minutes * 60_000)
}

async fn post(app: &TestApp, path: &str, body: Value) {
    let r = app
        .post(path, "application/json", body.to_string(), Some(KEY))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    assert_eq!(
        r.json()["rejected"].as_i64().unwrap_or(0),
        0,
        "{path}: {}",
        r.text
    );
}

/// The metric answer through a session (an API key's hash check per request would dominate
/// these tests; `metrics.rs` and the CSV check below read with the key).
/// Posts a Segment `/v1/batch` body and checks how many events it accepted.
async fn post_events(app: &TestApp, batch: &Value, accepted: i64) {
    let req = Request::post("/v1/batch")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, basic(KEY))
        .body(Body::from(batch.to_string()))
        .expect("request");
    let r = app.send(req).await;
    assert_eq!(r.json()["accepted"], accepted, "{}", r.text);
}

async fn metric_as(app: &TestApp, cookie: &str, id: &str, query: &str) -> Value {
    let path = format!("/api/v1/metrics/{id}?{query}");
    let r = app.get_with(&path, cookie).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json()
}

/// `(value, n)` of one metric read through a session.
async fn figure(app: &TestApp, cookie: &str, id: &str, query: &str) -> (Option<f64>, Option<i64>) {
    let m = metric_as(app, cookie, id, query).await;
    (m["value"].as_f64(), m["n"].as_i64())
}

fn close(v: &Value, want: f64, tolerance: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - want).abs() <= tolerance)
}

/// `(value, n)` of every breakdown row.
fn rows(m: &Value) -> Vec<(String, Option<f64>, i64)> {
    m["breakdown"]
        .as_array()
        .expect("breakdown")
        .iter()
        .map(|r| {
            (
                r["value"].as_str().unwrap_or_default().to_string(),
                r["metric_value"].as_f64(),
                r["n"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

async fn code_of(app: &TestApp, cookie: &str, path: &str) -> (StatusCode, String) {
    let r = app.get_with(path, cookie).await;
    let code = r.json()["code"].as_str().unwrap_or_default().to_string();
    (r.status, code)
}

#[tokio::test]
async fn support_metrics_are_hand_computed_filtered_broken_down_and_scoped() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    post(&app, "/api/v1/tickets", json!([
        {"id": "t1", "created_at": noon(2, 0), "first_response_at": noon(2, 1), "resolved_at": noon(2, 60), "channel": "email", "partner_id": "p1"},
        {"id": "t2", "created_at": noon(2, 0), "first_response_at": noon(2, 3), "channel": "email", "partner_id": "p1"},
        {"id": "t3", "created_at": noon(2, 0), "first_response_at": noon(2, 5), "resolved_at": noon(2, 180), "channel": "chat", "customer_contacts": 2, "partner_id": "p2"},
        {"id": "t4", "created_at": noon(1, 0), "channel": "phone"}
    ])).await;
    // FCR: t1 resolved on first contact, t3 after two: 1 of 2.
    let m = metric_as(&app, &viewer, "fcr", "range=7d&min_sample=1").await;
    assert_eq!(
        (m["value"].as_f64(), m["n"].as_i64()),
        (Some(50.0), Some(2)),
        "{m}"
    );
    assert_eq!(m["family"], "support");
    assert_eq!(m["unit"], "percent");
    assert!(m["target"].is_number(), "{m}");
    assert_eq!(m["series"].as_array().unwrap().len(), 7);
    let last = m["series"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(last["partial"], true, "today is not over: {last}");
    let day2 = m["series"].as_array().unwrap()[4].clone();
    assert_eq!(
        (day2["value"].as_f64(), day2["n"].as_i64()),
        (Some(50.0), Some(2))
    );
    // First response 60, 180, 300 s: median 180 within the histogram's 1 %.
    let frt = metric_as(
        &app,
        &viewer,
        "first_response_time",
        "range=7d&min_sample=1",
    )
    .await;
    assert!(close(&frt["value"], 180.0, 1.8), "{frt}");
    assert_eq!(frt["n"], 3);
    assert_eq!(frt["unit"], "seconds");
    // One filter: email's one resolved ticket was first-contact.
    let email = metric_as(&app, &viewer, "fcr", "range=7d&min_sample=1&channel=email").await;
    assert_eq!(
        (email["value"].as_f64(), email["n"].as_i64()),
        (Some(100.0), Some(1))
    );
    let frt_email = metric_as(
        &app,
        &viewer,
        "first_response_time",
        "range=7d&min_sample=1&channel=email",
    )
    .await;
    // Two values: the histogram's median is the lower one (rank ⌊0.5 × 2⌋ of 60, 180).
    assert!(close(&frt_email["value"], 60.0, 0.6), "{frt_email}");
    // A breakdown: best first.
    let by = metric_as(
        &app,
        &viewer,
        "fcr",
        "range=7d&min_sample=1&breakdown=channel",
    )
    .await;
    assert_eq!(by["breakdown_by"], "channel");
    assert_eq!(
        rows(&by),
        [
            ("email".to_string(), Some(100.0), 1),
            ("chat".to_string(), Some(0.0), 1)
        ]
    );
    // The backlog is a level at the range's end: t2 and t4 are open.
    let backlog = metric_as(&app, &viewer, "backlog", "range=7d&breakdown=channel").await;
    assert_eq!(backlog["value"], 2.0, "{backlog}");
    assert_eq!(
        rows(&backlog),
        [
            ("email".to_string(), Some(1.0), 1),
            ("phone".to_string(), Some(1.0), 1)
        ]
    );
    // Channel share: email holds two of the four tickets; by channel, each of the same whole.
    let share = metric_as(&app, &viewer, "channel_share", "range=7d&channel=email").await;
    assert_eq!(
        (share["value"].as_f64(), share["n"].as_i64()),
        (Some(50.0), Some(4)),
        "{share}"
    );
    let shares = metric_as(&app, &viewer, "channel_share", "range=7d&breakdown=channel").await;
    assert_eq!(
        rows(&shares),
        [
            ("email".to_string(), Some(50.0), 4),
            ("chat".to_string(), Some(25.0), 4),
            ("phone".to_string(), Some(25.0), 4)
        ]
    );
    // A partner sees its own tickets' mix: p1's two are both email.
    let p1_share = metric_as(
        &app,
        &app.session(Role::Partner, Some("p1")).await,
        "channel_share",
        "range=7d&channel=email",
    )
    .await;
    assert_eq!(
        (p1_share["value"].as_f64(), p1_share["n"].as_i64()),
        (Some(100.0), Some(2)),
        "{p1_share}"
    );
    // The executive summary shows the same median response time, scoped the same way.
    let summary = app
        .call_get("get_summary", Some(&viewer), "query=range%3D7d")
        .await
        .json();
    let service = summary["service"]
        .as_array()
        .expect("service figures")
        .clone();
    let frt_tile = service
        .iter()
        .find(|f| f["metric"] == "first_response_time")
        .expect("first response time");
    assert!(close(&frt_tile["value"], 180.0, 1.8), "{frt_tile}");
    assert_eq!(frt_tile["n"], 3);
    let p1_summary = app
        .call_get(
            "get_summary",
            Some(&app.session(Role::Partner, Some("p1")).await),
            "query=range%3D7d",
        )
        .await
        .json();
    let own_frt = p1_summary["service"]
        .as_array()
        .expect("service figures")
        .iter()
        .find(|f| f["metric"] == "first_response_time")
        .cloned()
        .expect("first response time");
    assert_eq!(own_frt["n"], 2, "p1's two tickets: {own_frt}");
    // A touchpoint filter (tickets have none) leaves the figure out rather than unfiltered.
    let touch = app
        .call_get(
            "get_summary",
            Some(&viewer),
            "query=range%3D7d%26touchpoint%3Dapp",
        )
        .await
        .json();
    assert!(
        touch["service"]
            .as_array()
            .expect("service figures")
            .iter()
            .all(|f| f["metric"] != "first_response_time"),
        "{}",
        touch["service"]
    );
    // Compared with the same dates a month earlier (nothing then).
    let month = metric_as(&app, &viewer, "fcr", "range=7d&min_sample=1&compare=month").await;
    assert_eq!(month["previous"], json!({"value": null, "n": 0}), "{month}");
    // Below the minimum sample the value is null, never 0.
    let thin = metric_as(&app, &viewer, "fcr", "range=7d&min_sample=3").await;
    assert_eq!(
        (thin["value"].clone(), thin["n"].as_i64()),
        (Value::Null, Some(2))
    );
    // A partner account sees its own tickets only, in the total and the breakdown.
    let p1 = app.session(Role::Partner, Some("p1")).await;
    let own = metric_as(&app, &p1, "fcr", "range=7d&min_sample=1&breakdown=channel").await;
    assert_eq!(
        (own["value"].as_f64(), own["n"].as_i64()),
        (Some(100.0), Some(1)),
        "{own}"
    );
    assert_eq!(rows(&own), [("email".to_string(), Some(100.0), 1)]);
    let other = app
        .get_with("/api/v1/metrics/fcr?range=7d&partner=p2", &p1)
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    // CSV of the breakdown and of the series.
    let r = app
        .get(
            "/api/v1/metrics/fcr?range=7d&min_sample=1&breakdown=channel&format=csv",
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.starts_with("channel,fcr,n\nemail,100,1\nchat,0,1\n"),
        "{}",
        r.text
    );
    let r = app
        .send(
            Request::get("/api/v1/metrics/fcr?range=7d&min_sample=1")
                .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
                .header(header::ACCEPT, "text/csv")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    let lines: Vec<&str> = r.text.lines().collect();
    assert_eq!(lines[0], "t,fcr,n,partial");
    assert_eq!(lines.len(), 8, "{}", r.text);
    assert!(lines[7].ends_with(",true"), "{}", r.text);
}

#[tokio::test]
async fn incident_metrics_are_hand_computed_and_refuse_dimensions() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    post(&app, "/api/v1/incidents", json!([
        {"id": "i1", "severity": "high", "triggered_at": noon(3, 0), "acknowledged_at": noon(3, 10)},
        {"id": "i2", "severity": "critical", "triggered_at": noon(2, 0), "acknowledged_at": noon(2, 2), "resolved_at": noon(2, 60)}
    ])).await;
    // MTTA (600 + 120) / 2 s; MTTR only i2 (3,600 s); i1 is still open.
    let mtta = metric_as(&app, &viewer, "mtta", "range=7d").await;
    assert_eq!(
        (mtta["value"].as_f64(), mtta["n"].as_i64()),
        (Some(360.0), Some(2)),
        "{mtta}"
    );
    assert_eq!(mtta["status"], "good", "360 s is within the 15 min default");
    let mttr = metric_as(&app, &viewer, "mttr", "range=7d").await;
    assert_eq!(
        (mttr["value"].as_f64(), mttr["n"].as_i64()),
        (Some(3_600.0), Some(1))
    );
    let open = metric_as(&app, &viewer, "open_incidents", "range=7d").await;
    assert_eq!(open["value"], 1.0);
    // i1 is high: the default downtime rule fires, critical, while it is open.
    let major = metric_as(&app, &viewer, "major_incidents_open", "range=1d").await;
    assert_eq!(
        (major["value"].as_f64(), major["status"].as_str()),
        (Some(1.0), Some("bad"))
    );
    server::alerts::defaults::seed_once(&app.state.store, now_ms())
        .await
        .expect("seed");
    app.state.alerts.evaluate(now_ms()).await.expect("a pass");
    let alerts = app
        .get_with("/api/v1/alerts?state=firing", &viewer)
        .await
        .json();
    let down: Vec<&Value> = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| a["metric"] == "major_incidents_open")
        .collect();
    assert_eq!(down.len(), 1, "{alerts}");
    assert_eq!(down[0]["severity"], "critical");
    // Resolved a minute ago: none open, and the alert resolves once that has held 5 minutes.
    let now = now_ms();
    post(&app, "/api/v1/incidents", json!([
        {"id": "i1", "severity": "high", "triggered_at": noon(3, 0), "acknowledged_at": noon(3, 10),
         "resolved_at": format_rfc3339(now - 60_000)}
    ])).await;
    let none = metric_as(&app, &viewer, "major_incidents_open", "range=1d").await;
    assert_eq!(
        (none["value"].as_f64(), none["n"].as_i64()),
        (Some(0.0), Some(1))
    );
    app.state.alerts.evaluate(now).await.expect("a pass");
    app.state
        .alerts
        .evaluate(now + 6 * 60_000)
        .await
        .expect("a pass");
    let firing = app
        .get_with("/api/v1/alerts?state=firing", &viewer)
        .await
        .json();
    assert!(
        firing["alerts"]
            .as_array()
            .expect("alerts")
            .iter()
            .all(|a| a["metric"] != "major_incidents_open"),
        "{firing}"
    );
    // The previous 7 days had none.
    assert_eq!(mtta["previous"]["n"], 0);
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/mtta?channel=chat").await,
        (StatusCode::BAD_REQUEST, "unsupported_filter".into())
    );
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/mtta?breakdown=segment").await,
        (StatusCode::BAD_REQUEST, "unsupported_breakdown".into())
    );
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/mtta?breakdown=colour").await,
        (StatusCode::BAD_REQUEST, "invalid_dimension".into())
    );
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/mtta?format=xml").await,
        (StatusCode::BAD_REQUEST, "invalid_format".into())
    );
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/uptime_of_the_moon").await,
        (StatusCode::NOT_FOUND, "unknown_metric".into())
    );
    // Incidents span every customer: a partner account may not read them.
    let p1 = app.session(Role::Partner, Some("p1")).await;
    let r = app.get_with("/api/v1/metrics/mtta", &p1).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
}

/// The commerce data of `journey.rs`'s hand-computed test, plus two people active before the
/// range (c4 leaves, c1 stays) for churn.
async fn seed_commerce(app: &TestApp) {
    post(app, "/api/v1/orders", json!([
        {"id": "o0", "customer_id": "c1", "amount": 40.0, "ordered_at": noon(100, 0), "channel": "web"},
        {"id": "o1", "customer_id": "c1", "amount": 100.0, "ordered_at": noon(3, 0), "channel": "web"},
        {"id": "o2", "customer_id": "c1", "amount": 50.0, "ordered_at": noon(2, 0), "channel": "web", "returned": true},
        {"id": "o3", "customer_id": "c2", "amount": 200.0, "ordered_at": noon(2, 0), "channel": "app"},
        {"id": "o4", "customer_id": "c3", "amount": 10.0, "currency": "EUR", "ordered_at": noon(2, 0)}
    ])).await;
    let today = Day::from_epoch_ms(now_ms());
    let period = format!("{}/{}", today.plus_days(-29), today);
    post(
        app,
        "/api/v1/marketing-spend",
        json!([{"period": period, "channel": "Search", "amount": 300}]),
    )
    .await;
    let batch = json!({"batch": [
        ev("e1", Some("c1"), None, "Page Viewed", noon(3, -10)),
        ev("e2", Some("c1"), None, "Checkout Started", noon(3, -5)),
        ev("e3", Some("c1"), None, "Order Completed", noon(3, 0)),
        ev("e4", Some("c2"), None, "Page Viewed", noon(2, 0)),
        ev("e5", None, Some("v3"), "Checkout Started", noon(3, 0)),
        ev("e6", Some("c4"), None, "Page Viewed", noon(40, 0)),
        ev("e7", Some("c1"), None, "Page Viewed", noon(35, 0)),
    ]});
    post_events(app, &batch, 7).await;
}

#[tokio::test]
async fn commerce_and_journey_metrics_are_hand_computed() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    seed_commerce(&app).await;
    let value = |m: &Value| m["value"].as_f64();
    let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
    let conv = metric_as(&app, &viewer, "conversion_rate", "range=30d").await;
    assert!(
        near(value(&conv), 200.0 / 3.0),
        "c1 and c2 of three active: {conv}"
    );
    assert_eq!(conv["n"], 3);
    assert_eq!(conv["family"], "commerce");
    let cac = metric_as(&app, &viewer, "cac", "range=30d").await;
    assert!(near(value(&cac), 300.0), "{cac}");
    assert_eq!(
        (cac["n"].as_i64(), cac["status"].as_str()),
        (Some(1), Some("bad"))
    );
    // A target people set moves the API's status and the sales page's verdict at once.
    let analyst = app.session(Role::Analyst, None).await;
    let r = app
        .json_call(
            "PUT",
            "/api/v1/targets/cac",
            Auth::Cookie(&analyst),
            Some(json!({"threshold": 400})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cac = metric_as(&app, &viewer, "cac", "range=30d").await;
    assert_eq!(
        (cac["target"].as_f64(), cac["status"].as_str()),
        (Some(400.0), Some("good"))
    );
    let sales = app
        .get_with("/api/v1/commerce?range=30d", &viewer)
        .await
        .json();
    let row = sales["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == "cac")
        .cloned()
        .expect("cac");
    assert_eq!(
        (row["target"].as_f64(), row["meets"].as_bool()),
        (Some(400.0), Some(true))
    );
    // Year: 4 orders of 2 customers, 390 → AOV 97.5 × 2 a year × 3 years.
    let clv = metric_as(&app, &viewer, "clv", "range=30d").await;
    assert!(near(value(&clv), 585.0), "{clv}");
    let abandon = metric_as(&app, &viewer, "cart_abandonment", "range=30d").await;
    assert!(near(value(&abandon), 50.0), "{abandon}");
    // Churn: c1 and c4 were active in the 30 days before; c4 did not come back.
    let churn = metric_as(&app, &viewer, "churn_rate", "range=30d").await;
    assert!(near(value(&churn), 50.0), "{churn}");
    assert_eq!(churn["n"], 2);
    assert_eq!(churn["family"], "journey");
    // DAU over 7 days: c1 and v3 on day −3, c2 on day −2.
    let dau = metric_as(&app, &viewer, "dau", "range=7d").await;
    assert!(near(value(&dau), 3.0 / 7.0), "{dau}");
    let series: Vec<Option<f64>> = dau["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64())
        .collect();
    assert_eq!(
        series,
        [
            Some(0.0),
            Some(0.0),
            Some(0.0),
            Some(2.0),
            Some(1.0),
            Some(0.0),
            Some(0.0)
        ]
    );
    // Events carry no channel here: a channel filter finds nobody.
    let chat = metric_as(&app, &viewer, "dau", "range=7d&channel=chat").await;
    assert!(near(value(&chat), 0.0), "{chat}");
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/cac?touchpoint=app").await,
        (StatusCode::BAD_REQUEST, "unsupported_filter".into())
    );
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/dau?partner=p1").await,
        (StatusCode::BAD_REQUEST, "unsupported_filter".into())
    );
    let p1 = app.session(Role::Partner, Some("p1")).await;
    assert_eq!(
        app.get_with("/api/v1/metrics/clv", &p1).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn commerce_metrics_take_channel_category_segment_and_region_filters() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    seed_commerce(&app).await;
    post(&app, "/api/v1/orders", json!([
        {"id": "o5", "customer_id": "c2", "amount": 30.0, "ordered_at": noon(1, 0), "channel": "app", "category": "books"}
    ])).await;
    let traits = |id: &str, user: &str, segment: &str, region: &str| {
        let mut e = ev(id, Some(user), None, "Page Viewed", noon(1, 0));
        e["properties"] = json!({"segment": segment, "region": region});
        e
    };
    let batch = json!({"batch": [
        traits("t1", "c1", "smb", "emea"),
        traits("t2", "c2", "enterprise", "amer"),
    ]});
    post_events(&app, &batch, 2).await;
    for (id, query, want) in [
        // Web: o1 (100) and o2 (50, returned).
        ("aov", "range=30d&channel=web", (Some(75.0), Some(2))),
        (
            "return_rate",
            "range=30d&channel=web",
            (Some(50.0), Some(2)),
        ),
        // App: o3 (200) and o5 (30), both c2's.
        ("aov", "range=30d&channel=app", (Some(115.0), Some(2))),
        (
            "repeat_purchase_rate",
            "range=30d&channel=app",
            (Some(100.0), Some(1)),
        ),
        (
            "aov",
            "range=30d&product_category=books",
            (Some(30.0), Some(1)),
        ),
        // Segment and region are the customer's, from their latest events.
        ("aov", "range=30d&segment=smb", (Some(75.0), Some(2))),
        ("aov", "range=30d&region=amer", (Some(115.0), Some(2))),
        // Conversion among the people whose events say smb: c1, who ordered.
        (
            "conversion_rate",
            "range=30d&segment=smb",
            (Some(100.0), Some(1)),
        ),
        // Spend is booked per channel: under a segment there is none to attribute.
        ("cac", "range=30d&segment=enterprise", (None, Some(1))),
        ("cac", "range=30d", (Some(300.0), Some(1))),
    ] {
        assert_eq!(figure(&app, &viewer, id, query).await, want, "{id}?{query}");
    }
    let by = metric_as(&app, &viewer, "aov", "range=30d&breakdown=channel").await;
    assert_eq!(
        rows(&by),
        [
            ("app".to_string(), Some(115.0), 2),
            ("web".to_string(), Some(75.0), 2)
        ]
    );
    // The sales page takes the same filters.
    let sales = app
        .get_with("/api/v1/commerce?range=30d&channel=web", &viewer)
        .await;
    assert_eq!(sales.status, StatusCode::OK, "{}", sales.text);
    assert_eq!(sales.json()["figures"]["orders"], 2, "{}", sales.text);
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/aov?partner=p1").await,
        (StatusCode::BAD_REQUEST, "unsupported_filter".into())
    );
}

#[tokio::test]
async fn partner_metrics_are_hand_computed_per_partner_and_scoped() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    let at = |days: i64| noon(days, 0);
    post(
        &app,
        "/api/v1/partners",
        json!([
            {"id": "p1", "name": "Partner One", "signed_at": at(200), "live_at": at(170)},
            {"id": "p2", "name": "Partner Two", "signed_at": at(100), "live_at": at(90)}
        ]),
    )
    .await;
    post(&app, "/api/v1/orders", json!([
        {"id": "o1", "partner_id": "p1", "amount": 100, "ordered_at": at(5), "promised_at": at(3), "delivered_at": at(4)},
        {"id": "o2", "partner_id": "p1", "amount": 50, "ordered_at": at(5), "promised_at": at(4), "delivered_at": at(3)},
        {"id": "o3", "partner_id": "p2", "amount": 80, "ordered_at": at(2), "promised_at": at(1), "delivered_at": at(1)},
        {"id": "o4", "amount": 200, "ordered_at": at(3)}
    ])).await;
    // On time: o1 and o3 of three promised deliveries.
    let on_time = metric_as(&app, &viewer, "on_time_delivery", "range=30d").await;
    assert!(close(&on_time["value"], 200.0 / 3.0, 1e-6), "{on_time}");
    assert_eq!(on_time["n"], 3);
    let one = metric_as(&app, &viewer, "on_time_delivery", "range=30d&partner=p1").await;
    assert_eq!(
        (one["value"].as_f64(), one["n"].as_i64()),
        (Some(50.0), Some(2))
    );
    let by = metric_as(
        &app,
        &viewer,
        "on_time_delivery",
        "range=30d&breakdown=partner",
    )
    .await;
    assert_eq!(
        rows(&by),
        [
            ("p2".to_string(), Some(100.0), 1),
            ("p1".to_string(), Some(50.0), 2)
        ]
    );
    // Revenue of registered partners: 100 + 50 + 80 (o4 has no partner).
    let revenue = metric_as(&app, &viewer, "partner_revenue", "range=30d").await;
    assert_eq!(
        (revenue["value"].as_f64(), revenue["n"].as_i64()),
        (Some(230.0), Some(3))
    );
    assert_eq!(revenue["unit"], "money");
    let p1 = app.session(Role::Partner, Some("p1")).await;
    let own = metric_as(&app, &p1, "partner_revenue", "range=30d&breakdown=partner").await;
    assert_eq!(
        (own["value"].as_f64(), own["n"].as_i64()),
        (Some(150.0), Some(2)),
        "{own}"
    );
    assert_eq!(rows(&own), [("p1".to_string(), Some(150.0), 2)]);
    // The registry and operations figures: the page's headline for the same scope.
    assert_eq!(
        figure(&app, &viewer, "active_partners", "range=30d").await,
        (Some(2.0), Some(2))
    );
    assert_eq!(
        figure(&app, &viewer, "partner_orders", "range=30d").await,
        (Some(3.0), Some(2))
    );
    let (aov, n) = figure(&app, &viewer, "partner_aov", "range=30d").await;
    assert!(aov.is_some_and(|v| (v - 230.0 / 3.0).abs() < 1e-6) && n == Some(3));
    // Lead time: 1 day (o1), 2 days (o2), 1 day (o3); p1 alone 1.5 days.
    let (lead, n) = figure(&app, &viewer, "lead_time", "range=30d").await;
    assert!(lead.is_some_and(|v| (v - 4.0 * 86_400.0 / 3.0).abs() < 1e-3) && n == Some(3));
    assert_eq!(
        figure(&app, &viewer, "lead_time", "range=30d&partner=p1").await,
        (Some(1.5 * 86_400.0), Some(2))
    );
    assert_eq!(
        figure(&app, &viewer, "partner_return_rate", "range=30d").await,
        (Some(0.0), Some(3))
    );
    // Onboarding completed within the year: 30 and 10 days, median 20 (n = 2).
    assert_eq!(
        figure(&app, &viewer, "onboarding_time", "range=365d").await,
        (Some(20.0 * 86_400.0), Some(2))
    );
    let by = metric_as(
        &app,
        &viewer,
        "partner_orders",
        "range=30d&breakdown=partner",
    )
    .await;
    assert_eq!(
        rows(&by),
        [
            ("p1".to_string(), Some(2.0), 1),
            ("p2".to_string(), Some(1.0), 1)
        ]
    );
    let own = metric_as(&app, &p1, "partner_orders", "range=30d").await;
    assert_eq!(
        (own["value"].as_f64(), own["n"].as_i64()),
        (Some(2.0), Some(1))
    );
    // Revenue share spans every customer's orders: not for a partner account.
    assert_eq!(
        app.get_with("/api/v1/metrics/partner_revenue_share", &p1)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let share = metric_as(&app, &viewer, "partner_revenue_share", "range=30d").await;
    assert!(
        close(&share["value"], 100.0 * 230.0 / 430.0, 1e-6),
        "{share}"
    );
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/partner_revenue?channel=web").await,
        (StatusCode::BAD_REQUEST, "unsupported_filter".into())
    );
}

#[tokio::test]
async fn every_catalogue_metric_answers_in_one_shape() {
    let app = spawn().await;
    seed_commerce(&app).await;
    app.post_surveys(&json!([
        survey("s1", "nps", 9, 1),
        survey("s2", "pss", 5, 1)
    ]))
    .await;
    let list = app.get("/api/v1/metrics", true).await.json();
    let viewer = app.session(Role::Viewer, None).await;
    let mut answered = 0;
    for m in list["metrics"].as_array().unwrap() {
        let id = m["id"].as_str().unwrap();
        // A session: an API key's hash check per request would dominate the walk.
        let r = app
            .get_with(&format!("/api/v1/metrics/{id}?range=30d"), &viewer)
            .await;
        assert_eq!(m["queryable"], true, "{id}");
        assert_eq!(m["alertable"], true, "{id}");
        assert_eq!(r.status, StatusCode::OK, "{id}: {}", r.text);
        let v = r.json();
        for key in [
            "metric",
            "family",
            "unit",
            "direction",
            "value",
            "n",
            "target",
            "status",
            "min_sample",
            "previous",
            "series",
            "breakdown",
        ] {
            assert!(v.get(key).is_some(), "{id} lacks {key}: {v}");
        }
        assert_eq!(v["metric"], id);
        assert_eq!(v["unit"], m["unit"], "{id}");
        assert_eq!(v["series"].as_array().map(Vec::len), Some(30), "{id}");
        answered += 1;
    }
    assert_eq!(answered, list["metrics"].as_array().map_or(0, Vec::len));
    assert!(answered >= 66, "{answered} metrics answer");
}

#[tokio::test]
async fn social_metrics_read_the_social_mentions_only() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    let at = |days: i64| noon(days, 0);
    post(
        &app,
        "/api/v1/feedback",
        json!([
            {"id": "s1", "source": "social", "text": "Best checkout ever, love it", "at": at(2),
             "author": "@ann", "likes": 10, "shares": 2, "comments": 3},
            {"id": "s2", "source": "social", "text": "The parcel arrived", "at": at(1),
             "author": "@bob", "likes": 1, "shares": 0, "comments": 0},
            {"id": "r1", "source": "review", "text": "Terrible, slow and broken", "at": at(1)}
        ]),
    )
    .await;
    let mentions = metric_as(&app, &viewer, "social_mentions", "range=7d").await;
    assert_eq!(
        (mentions["value"].as_f64(), mentions["n"].as_i64()),
        (Some(2.0), Some(2)),
        "{mentions}"
    );
    let engagement = metric_as(&app, &viewer, "social_engagement", "range=7d").await;
    assert_eq!(
        engagement["value"].as_f64(),
        Some(8.0),
        "(15 + 1) / 2: {engagement}"
    );
    let tone = metric_as(&app, &viewer, "social_sentiment", "range=7d").await;
    assert!(
        tone["value"].as_f64().is_some_and(|v| v > 0.0),
        "the review's negative tone is not a mention: {tone}"
    );
    let day = &tone["series"].as_array().expect("series")[5];
    assert_eq!(day["n"], 1, "{day}");
    assert_eq!(
        code_of(&app, &viewer, "/api/v1/metrics/social_mentions?channel=web").await,
        (StatusCode::BAD_REQUEST, "unsupported_filter".into())
    );
}

async fn rule_fires(app: &TestApp, cookie: &str, metric: &str, condition: Value) {
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules",
            Auth::Cookie(cookie),
            Some(json!({
                "name": format!("{metric} rule"), "metric": metric, "condition": condition,
                "severity": "warning", "min_sample": 1, "for_secs": 0, "window_days": 30
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{metric}: {}", r.text);
    let rule = r.json()["rule"]["id"]
        .as_str()
        .expect("rule id")
        .to_string();
    app.state.alerts.evaluate(now_ms()).await.expect("a pass");
    let r = app
        .get_with(
            &format!("/api/v1/alerts?rule_id={rule}&state=firing"),
            cookie,
        )
        .await;
    let alerts = r.json()["alerts"].as_array().cloned().unwrap_or_default();
    assert_eq!(alerts.len(), 1, "{metric}: {}", r.text);
    assert_eq!(alerts[0]["metric"], metric);
}

#[tokio::test]
async fn rules_on_churn_and_cart_abandonment_fire_from_ingested_data() {
    let app = spawn().await;
    seed_commerce(&app).await;
    let analyst = app.session(Role::Analyst, None).await;
    // Churn is 50 % and abandonment 50 % over the last 30 days.
    rule_fires(
        &app,
        &analyst,
        "churn_rate",
        json!({"type": "above", "threshold": 20}),
    )
    .await;
    rule_fires(
        &app,
        &analyst,
        "cart_abandonment",
        json!({"type": "above", "threshold": 40}),
    )
    .await;
    // The rule tester sees the same figure.
    let r = app
        .json_call(
            "POST",
            "/api/v1/alert-rules/test",
            Auth::Cookie(&analyst),
            Some(json!({
                "name": "t", "metric": "cart_abandonment", "condition": {"type": "above", "threshold": 40},
                "severity": "warning", "min_sample": 1, "for_secs": 0, "window_days": 30
            })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("50"), "{}", r.text);
}

/// The home's live counts, each equal to the total of the list it links to; company-wide,
/// so a partner account never gets them.
#[tokio::test]
async fn the_home_notifications_count_what_their_lists_hold() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    post(&app, "/api/v1/tickets", json!([
        {"id": "t1", "created_at": noon(2, 0), "status": "open", "priority": "high", "channel": "email"},
        {"id": "t2", "created_at": noon(3, 0), "status": "solved", "priority": "urgent", "resolved_at": noon(3, 30), "channel": "email"},
        {"id": "t3", "created_at": noon(4, 0), "status": "pending", "priority": "normal", "channel": "chat"},
        {"id": "t4", "created_at": noon(5, 0), "status": "closed", "priority": "low", "resolved_at": noon(5, 30), "channel": "chat"},
        {"id": "t5", "created_at": noon(40, 0), "status": "open", "priority": "urgent", "channel": "chat"}
    ])).await;
    post(&app, "/api/v1/incidents", json!([
        {"id": "i1", "title": "Checkout down", "severity": "critical", "service": "web", "triggered_at": noon(1, 0)},
        {"id": "i2", "title": "Slow search", "severity": "high", "service": "search", "triggered_at": noon(2, 0)},
        {"id": "i3", "title": "DB failover", "severity": "critical", "service": "db", "triggered_at": noon(3, 0), "resolved_at": noon(3, 45)},
        {"id": "i4", "title": "Old", "severity": "low", "service": "db", "triggered_at": noon(61, 0), "resolved_at": noon(60, 0)}
    ])).await;
    post(&app, "/api/v1/feedback", json!([
        {"id": "f1", "source": "review", "text": "Terrible update, everything is broken.", "at": ts(0)},
        {"id": "f2", "source": "email", "text": "Awful, slow and useless support.", "at": ts(0)},
        {"id": "f3", "source": "review", "text": "Horrible checkout.", "at": ts(2)}
    ])).await;
    rule_fires(
        &app,
        &analyst,
        "negative_share",
        json!({"type": "above", "threshold": 50}),
    )
    .await;
    let summary = app
        .call_get("get_summary", Some(&analyst), "query=range%3D30d")
        .await
        .json();
    let n = &summary["notifications"];
    let count = |k: &str| n[k].as_i64().unwrap_or(-1);
    assert_eq!(count("critical_incidents"), 1, "{n}");
    assert_eq!(count("open_incidents"), 2, "{n}");
    assert_eq!(count("resolved_incidents"), 1, "{n}");
    assert_eq!(count("high_priority_tickets"), 1, "{n}");
    assert_eq!(count("unresolved_tickets"), 2, "{n}");
    assert_eq!(count("resolved_tickets"), 2, "{n}");
    assert_eq!(count("new_feedback"), 2, "{n}");
    // Each ticket count is the total of the list its link opens.
    let (from, to) = (
        n["from"].as_str().expect("from"),
        n["to"].as_str().expect("to"),
    );
    for (list, want) in [
        ("status=unresolved&priority=high,urgent", 1),
        ("status=unresolved", 2),
        ("status=resolved", 2),
    ] {
        let q = format!("from={from}&to={to}&{list}");
        let r = app
            .call_get(
                "get_ticket_list",
                Some(&analyst),
                &format!("query={}", app::domain::query::percent_encode(&q)),
            )
            .await;
        assert_eq!(r.json()["total"], want, "{q}: {}", r.text);
    }
    // The voice page's total for today.
    let today = Day::from_epoch_ms(data_instant(0));
    let voice = app
        .get_with(
            &format!("/api/v1/feedback?from={today}&to={today}"),
            &analyst,
        )
        .await
        .json();
    assert_eq!(voice["total"], 2, "{voice}");
    // Active alerts on the customers' sentiment figures, as the inbox lists them.
    let alerts = app.get_with("/api/v1/alerts", &analyst).await.json();
    let sentiment = alerts["alerts"]
        .as_array()
        .expect("alerts")
        .iter()
        .filter(|a| {
            ["negative_share", "sentiment_score"].contains(&a["metric"].as_str().unwrap_or(""))
                && ["firing", "acknowledged"].contains(&a["state"].as_str().unwrap_or(""))
        })
        .count() as i64;
    assert!(sentiment >= 1, "{alerts}");
    assert_eq!(count("negative_sentiment_alerts"), sentiment, "{n}");
    assert_eq!(count("partner_negative_sentiment_alerts"), 0, "{n}");
    // A filtered view keeps the company-wide counts; a partner account never sees them.
    let filtered = app
        .call_get(
            "get_summary",
            Some(&analyst),
            "query=range%3D30d%26channel%3Demail",
        )
        .await
        .json();
    assert_eq!(filtered["notifications"], summary["notifications"]);
    let partner = app.session(Role::Partner, Some("p1")).await;
    let scoped = app
        .call_get("get_summary", Some(&partner), "query=range%3D30d")
        .await
        .json();
    assert!(scoped["notifications"].is_null(), "{scoped}");
    // A bad priority in the ticket list is a coded error.
    let r = app
        .call_get("get_ticket_list", Some(&analyst), "query=priority%3Dasap")
        .await;
    assert!(r.text.contains("invalid_priority"), "{}", r.text);
}

/// The support tiles' change: the same figures over the comparison period, the way the
/// tiles compute them, with and without a filter; `compare=none` drops it.
#[tokio::test]
async fn support_tiles_carry_the_comparison_period() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    post(&app, "/api/v1/tickets", json!([
        // This week (range=7d): two tickets, one resolved at first contact.
        {"id": "n1", "created_at": noon(1, 0), "first_response_at": noon(1, 2), "resolved_at": noon(1, 30), "status": "solved", "channel": "email"},
        {"id": "n2", "created_at": noon(2, 0), "first_response_at": noon(2, 4), "status": "open", "channel": "chat"},
        // The week before: three tickets, two resolved, one at first contact.
        {"id": "p1", "created_at": noon(8, 0), "first_response_at": noon(8, 10), "resolved_at": noon(8, 40), "status": "solved", "channel": "email"},
        {"id": "p2", "created_at": noon(9, 0), "first_response_at": noon(9, 20), "resolved_at": noon(9, 90), "status": "solved", "channel": "email", "customer_contacts": 3},
        {"id": "p3", "created_at": noon(10, 0), "first_response_at": noon(10, 30), "status": "open", "channel": "chat"}
    ])).await;
    let page = app
        .call_get("get_support_page", Some(&viewer), "query=range%3D7d")
        .await
        .json();
    let p = &page["previous"];
    let today = Day::from_epoch_ms(now_ms());
    assert_eq!(p["from"], today.plus_days(-13).to_string(), "{p}");
    assert_eq!(p["to"], today.plus_days(-7).to_string(), "{p}");
    assert_eq!(p["tickets"], 3, "{p}");
    assert_eq!(p["fcr"]["value"].as_f64(), Some(50.0), "{p}");
    assert_eq!(p["fcr"]["n"], 2, "{p}");
    assert!(close(&p["first_response_median_secs"], 1200.0, 12.0), "{p}");
    // The backlog at the comparison period's end: p3 open (n1, n2 not yet created).
    assert_eq!(p["backlog"], 1, "{p}");
    assert_eq!(page["report"]["tickets"], 2);
    // One filter: email only.
    let email = app
        .call_get(
            "get_support_page",
            Some(&viewer),
            "query=range%3D7d%26channel%3Demail",
        )
        .await
        .json();
    assert_eq!(email["previous"]["tickets"], 2, "{}", email["previous"]);
    assert_eq!(email["previous"]["fcr"]["value"].as_f64(), Some(50.0));
    let none = app
        .call_get(
            "get_support_page",
            Some(&viewer),
            "query=range%3D7d%26compare%3Dnone",
        )
        .await
        .json();
    assert!(none["previous"].is_null(), "{}", none["previous"]);
}

/// People on two channels over two months, with orders and spend: the journey and commerce
/// figures each get a filter and a breakdown to check by hand.
async fn seed_channels(app: &TestApp) {
    let on = |id: &str, user: &str, channel: &str, days: i64| {
        let mut e = ev(id, Some(user), None, "Page Viewed", noon(days, 0));
        e["properties"] = json!({"channel": channel});
        e
    };
    let batch = json!({"batch": [
        // The 30 days before the range: u1 and u2 on web, u3, u4 and u5 on the app.
        on("p1", "u1", "web", 35), on("p2", "u2", "web", 40),
        on("p3", "u3", "app", 45), on("p4", "u4", "app", 50), on("p5", "u5", "app", 55),
        // The range: u1 and u3 come back, u6 is new; the last 7 days hold all of it.
        on("c1", "u1", "web", 3), on("c3", "u3", "app", 5),
        on("c6", "u6", "web", 3), on("c7", "u6", "web", 2),
    ]});
    post_events(app, &batch, 9).await;
    post(app, "/api/v1/orders", json!([
        {"id": "w1", "customer_id": "u1", "amount": 100.0, "ordered_at": noon(3, 5), "channel": "web"},
        {"id": "a1", "customer_id": "u3", "amount": 50.0, "ordered_at": noon(5, 5), "channel": "app"}
    ])).await;
    let today = Day::from_epoch_ms(now_ms());
    let period = format!("{}/{}", today.plus_days(-29), today);
    post(
        app,
        "/api/v1/marketing-spend",
        json!([
            {"period": period, "channel": "web", "amount": 200},
            {"period": period, "channel": "app", "amount": 30}
        ]),
    )
    .await;
}

#[tokio::test]
async fn journey_and_commerce_metrics_take_a_filter_and_a_breakdown_by_hand() {
    let app = spawn().await;
    let viewer = app.session(Role::Viewer, None).await;
    seed_channels(&app).await;
    let third = 100.0 / 3.0;
    for (id, query, want) in [
        // Churn: of u1–u5 (active the 30 days before), u2, u4 and u5 did not come back.
        ("churn_rate", "range=30d", (Some(60.0), Some(5))),
        ("churn_rate", "range=30d&channel=web", (Some(50.0), Some(2))),
        (
            "churn_rate",
            "range=30d&channel=app",
            (Some(2.0 * third), Some(3)),
        ),
        // DAU over 7 days: u3 on day −5, u1 and u6 on day −3, u6 on day −2.
        ("dau", "range=7d", (Some(4.0 / 7.0), Some(3))),
        ("dau", "range=7d&channel=web", (Some(3.0 / 7.0), Some(2))),
        ("dau", "range=7d&channel=app", (Some(1.0 / 7.0), Some(1))),
        // Conversion: u1 and u3 ordered of u1, u3 and u6 active.
        ("conversion_rate", "range=30d", (Some(2.0 * third), Some(3))),
        (
            "conversion_rate",
            "range=30d&channel=web",
            (Some(50.0), Some(2)),
        ),
        (
            "conversion_rate",
            "range=30d&channel=app",
            (Some(100.0), Some(1)),
        ),
        // CLV: year AOV 75 × 1 order a customer × 3 years; per channel its own orders.
        ("clv", "range=30d", (Some(225.0), Some(2))),
        ("clv", "range=30d&channel=web", (Some(300.0), Some(1))),
        ("clv", "range=30d&channel=app", (Some(150.0), Some(1))),
        // CAC: 230 of spend over two new customers; per channel its spend over its new one.
        ("cac", "range=30d", (Some(115.0), Some(2))),
        ("cac", "range=30d&channel=web", (Some(200.0), Some(1))),
        ("cac", "range=30d&channel=app", (Some(30.0), Some(1))),
    ] {
        let (v, n) = figure(&app, &viewer, id, query).await;
        let (want_v, want_n) = want;
        assert!(
            v.zip(want_v).is_some_and(|(a, b)| (a - b).abs() < 1e-6) && n == want_n,
            "{id}?{query}: {v:?} n = {n:?}, want {want_v:?} n = {want_n:?}"
        );
    }
    // A breakdown by channel answers each channel as its filter does.
    for (id, range) in [
        ("churn_rate", "30d"),
        ("dau", "7d"),
        ("conversion_rate", "30d"),
        ("clv", "30d"),
        ("cac", "30d"),
    ] {
        let by = metric_as(
            &app,
            &viewer,
            id,
            &format!("range={range}&breakdown=channel"),
        )
        .await;
        let mut got = rows(&by);
        got.sort_by(|a, b| a.0.cmp(&b.0));
        let mut want = Vec::new();
        for channel in ["app", "web"] {
            let (v, n) = figure(
                &app,
                &viewer,
                id,
                &format!("range={range}&channel={channel}"),
            )
            .await;
            want.push((channel.to_string(), v, n.unwrap_or_default()));
        }
        let same = got.len() == want.len()
            && got.iter().zip(&want).all(|(g, w)| {
                g.0 == w.0
                    && g.2 == w.2
                    && match (g.1, w.1) {
                        (Some(a), Some(b)) => (a - b).abs() < 1e-6,
                        (a, b) => a == b,
                    }
            });
        assert!(same, "{id} by channel: {got:?}, want {want:?}");
    }
    // Customer figures are the team's: a partner account reads none of them.
    let p1 = app.session(Role::Partner, Some("p1")).await;
    for id in ["churn_rate", "dau", "conversion_rate", "clv", "cac"] {
        assert_eq!(
            app.get_with(&format!("/api/v1/metrics/{id}"), &p1)
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{id}"
        );
    }
}
