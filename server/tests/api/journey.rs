//! Events over the Segment tracking API, the journey view (funnels, breakdowns, engagement,
//! cohorts) and the commerce view, against hand-computed values; bad input and credentials.

use crate::helpers::*;
use app::domain::access::Role;
use app::domain::date::format_rfc3339;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use server::clock::now_ms;

async fn track(app: &TestApp, call: &str, body: &Value) -> Reply {
    let req = Request::post(format!("/v1/{call}"))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, basic(KEY))
        .body(Body::from(body.to_string()))
        .expect("request");
    app.send(req).await
}

/// An ISO timestamp `mins` minutes before `base`.
fn ago(base: i64, mins: i64) -> String {
    format_rfc3339(base - mins * 60_000)
}

#[tokio::test]
async fn segment_calls_store_deduplicate_and_stitch_identities() {
    let app = spawn().await;
    let now = now_ms();
    // An anonymous visitor browses, then identifies as u1 and buys.
    let r = track(
        &app,
        "page",
        &json!({"messageId": "p1", "anonymousId": "anon-1", "name": "Home",
        "timestamp": ago(now, 120), "context": {"campaign": {"source": "Newsletter"}}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 1);
    let r = track(
        &app,
        "track",
        &json!({"messageId": "t1", "anonymousId": "anon-1",
        "event": "Product Added", "timestamp": ago(now, 110)}),
    )
    .await;
    assert_eq!(r.json()["accepted"], 1);
    let r = track(
        &app,
        "identify",
        &json!({"messageId": "i1", "anonymousId": "anon-1", "userId": "u1",
        "traits": {"segment": "SMB"}}),
    )
    .await;
    assert_eq!(r.json()["accepted"], 1);
    // The sender's clock is a day behind: timestamp and sentAt both a day old, 60 s apart,
    // so the event happened 60 s before it was received.
    let r = track(&app, "batch", &json!({
        "sentAt": format_rfc3339(now - 86_400_000),
        "batch": [
            ev("t2", Some("u1"), None, "Order Completed", format_rfc3339(now - 86_400_000 - 60_000)),
            // A replay of a stored message and a repeat within the batch.
            ev("t1", None, Some("anon-1"), "Product Added", ago(now, 110)),
            // The batch's sentAt skews every message: on the sender's clock 5 minutes ago.
            ev("t3", Some("u2"), None, "Page Viewed", format_rfc3339(now - 86_400_000 - 300_000)),
            ev("t3", Some("u2"), None, "Page Viewed", format_rfc3339(now - 86_400_000 - 300_000)),
            {"type": "alias", "messageId": "a1", "previousId": "old-u2", "userId": "u2"},
            {"type": "group", "messageId": "g1", "userId": "u2", "groupId": "acme"},
            {"type": "track", "messageId": "bad", "userId": "u2"}
        ]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(
        (
            v["accepted"].as_i64(),
            v["duplicates"].as_i64(),
            v["rejected"].as_i64()
        ),
        (Some(4), Some(2), Some(1))
    );
    assert_eq!(v["errors"][0]["code"], "missing_event");
    assert_eq!(v["errors"][0]["index"], 6);

    // Funnel: Page Viewed → Product Added → Order Completed, one stitched person.
    let j = app
        .get("/api/v1/journey?range=2d&steps=Page%20Viewed,Product%20Added,Order%20Completed&window=1", true)
        .await;
    assert_eq!(j.status, StatusCode::OK, "{}", j.text);
    let v = j.json();
    let people: Vec<i64> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["people"].as_i64().unwrap())
        .collect();
    // anon-1/u1 completes all three; u2 only views.
    assert_eq!(people, vec![2, 1, 1], "{v}");
    // 10 minutes from page to cart; the order 60 s before now (skew corrected).
    assert_eq!(v["steps"][1]["median_secs"], 600.0);
    let to_order = v["steps"][2]["median_secs"].as_f64().unwrap();
    assert!((to_order - (110.0 * 60.0 - 60.0)).abs() < 5.0, "{to_order}");
    assert_eq!(v["engagement"]["active"], 2);
    assert_eq!(v["people"], 2);
    assert_eq!(v["events"], 4);
    // Breakdown by source: the person is attributed by their first step.
    let j = app
        .get(
            "/api/v1/journey?range=2d&steps=Page%20Viewed,Order%20Completed&breakdown=source",
            true,
        )
        .await;
    let rows = j.json()["breakdown_rows"].clone();
    let newsletter = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == "newsletter")
        .expect("newsletter row");
    assert_eq!(newsletter["steps"][1]["people"], 1);
}

#[tokio::test]
async fn tracking_refuses_bad_credentials_sizes_and_bodies() {
    let app = spawn().await;
    let msg = json!({"messageId": "m1", "userId": "u", "event": "E"});
    let send = |auth: Option<String>, call: &str, body: Vec<u8>, gzip: bool| {
        let mut req =
            Request::post(format!("/v1/{call}")).header(header::CONTENT_TYPE, "application/json");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        if gzip {
            req = req.header(header::CONTENT_ENCODING, "gzip");
        }
        req.body(Body::from(body)).expect("request")
    };
    let body = msg.to_string().into_bytes();
    assert_eq!(
        app.send(send(None, "track", body.clone(), false))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.send(send(
            Some(basic("wrong-key-123")),
            "track",
            body.clone(),
            false
        ))
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    // A key without the events scope.
    server::store::keys::create_key(
        &app.state.store,
        "k-orders",
        "orders-only-key-1",
        "orders",
        "orders",
        "test",
        now_ms(),
    )
    .await
    .expect("key");
    let r = app
        .send(send(
            Some(basic("orders-only-key-1")),
            "track",
            body.clone(),
            false,
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .send(send(Some(basic(KEY)), "fly", body.clone(), false))
        .await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_call"))
    );
    let big = json!({"messageId": "m2", "userId": "u", "event": "E", "properties": {"x": "y".repeat(33 * 1024)}});
    let r = app
        .send(send(
            Some(basic(KEY)),
            "track",
            big.to_string().into_bytes(),
            false,
        ))
        .await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large"))
    );
    let batch: Vec<Value> = (0..20)
        .map(|i| json!({"type": "track", "messageId": format!("b{i}"), "userId": "u", "event": "E", "properties": {"x": "y".repeat(30 * 1024)}}))
        .collect();
    let r = app
        .send(send(
            Some(basic(KEY)),
            "batch",
            json!({"batch": batch}).to_string().into_bytes(),
            false,
        ))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = app
        .send(send(
            Some(basic(KEY)),
            "batch",
            b"{\"batch\": 5}".to_vec(),
            false,
        ))
        .await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("malformed_body"))
    );
    let r = app
        .send(send(
            Some(basic(KEY)),
            "batch",
            json!({"batch": [{"type": "track", "userId": "u"}]})
                .to_string()
                .into_bytes(),
            false,
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Gzipped, with the key in the body only (as some SDKs send it).
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut gz, json!({"writeKey": KEY, "batch": [msg.clone().as_object().cloned().map(|mut o| { o.insert("type".into(), json!("track")); Value::Object(o) }).unwrap()]}).to_string().as_bytes()).unwrap();
    let r = app
        .send(send(None, "batch", gz.finish().unwrap(), true))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 1);
    // Nothing already stored was lost by the refusals.
    assert_eq!(
        server::store::events::count(&app.state.store)
            .await
            .unwrap(),
        1
    );
    // Partner accounts cannot read customer journeys; bad parameters get codes.
    let cookie = app.session(Role::Partner, Some("p1")).await;
    assert_eq!(
        app.get_with("/api/v1/journey", &cookie).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get_with("/api/v1/commerce", &cookie).await.status,
        StatusCode::FORBIDDEN
    );
    for (q, code) in [
        ("steps=OnlyOne", "invalid_steps"),
        ("window=0", "invalid_window"),
        ("breakdown=mood", "invalid_dimension"),
        ("partner=p1", "unsupported_filter"),
    ] {
        let r = app.get(&format!("/api/v1/journey?{q}"), true).await;
        assert_eq!(
            (r.status, r.json()["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{q}"
        );
    }
}

#[tokio::test]
async fn commerce_figures_match_hand_computed_values() {
    let app = spawn().await;
    let now = now_ms();
    let day = 86_400_000;
    let at = |days: i64| format_rfc3339(now - days * day);
    let r = app
        .post("/api/v1/orders", "application/json", json!([
            {"id": "o0", "customer_id": "c1", "amount": 40.0, "ordered_at": at(100), "channel": "web"},
            {"id": "o1", "customer_id": "c1", "amount": 100.0, "ordered_at": at(3), "channel": "web"},
            {"id": "o2", "customer_id": "c1", "amount": 50.0, "ordered_at": at(2), "channel": "web", "returned": true},
            {"id": "o3", "customer_id": "c2", "amount": 200.0, "ordered_at": at(2), "channel": "app"},
            {"id": "o4", "customer_id": "c3", "amount": 10.0, "currency": "EUR", "ordered_at": at(2)}
        ]).to_string(), Some(KEY))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let today = app::domain::date::Day::from_epoch_ms(now);
    let period = format!("{}/{}", today.plus_days(-29), today);
    let r = app
        .post(
            "/api/v1/marketing-spend",
            "application/json",
            json!([{"period": period, "channel": "Search", "amount": 300}]).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["accepted"].as_i64()),
        (StatusCode::OK, Some(1)),
        "{}",
        r.text
    );
    let r = track(
        &app,
        "batch",
        &json!({"batch": [
            ev("e1", Some("c1"), None, "Page Viewed", ago(now, 3 * 24 * 60 + 10)),
            ev("e2", Some("c1"), None, "Checkout Started", ago(now, 3 * 24 * 60 + 5)),
            ev("e3", Some("c1"), None, "Order Completed", ago(now, 3 * 24 * 60)),
            ev("e4", Some("c2"), None, "Page Viewed", ago(now, 2 * 24 * 60)),
            ev("e5", None, Some("v3"), "Checkout Started", ago(now, 3 * 24 * 60)),
        ]}),
    )
    .await;
    assert_eq!(r.json()["accepted"], 5, "{}", r.text);
    let r = app.get("/api/v1/commerce?range=30d", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["other_currencies"], json!(["EUR"]));
    let f = &v["figures"];
    assert_eq!(
        (
            f["orders"].as_i64(),
            f["customers"].as_i64(),
            f["new_customers"].as_i64()
        ),
        (Some(3), Some(2), Some(1))
    );
    let metric = |id: &str| {
        v["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["metric"] == id)
            .expect(id)["value"]
            .as_f64()
    };
    let close = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
    assert!(close(metric("aov"), 350.0 / 3.0));
    assert!(
        close(metric("conversion_rate"), 200.0 / 3.0),
        "c1 and c2 of three active people"
    );
    assert!(close(metric("cart_abandonment"), 50.0));
    assert!(close(metric("repeat_purchase_rate"), 50.0));
    assert!(close(metric("return_rate"), 100.0 / 3.0));
    assert!(close(metric("cac"), 300.0));
    // Year: 4 orders of 2 customers, 390 → AOV 97.5 × 2 a year × 3 years.
    assert!(close(metric("clv"), 585.0));
    assert!(close(metric("clv_cac_ratio"), 1.95));
    assert_eq!(v["trend"].as_array().unwrap().len(), 12);
    let search = f["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "search")
        .expect("search");
    assert_eq!(search["spend"], 300.0);
    // A replayed spend record changes nothing; bad records get codes; wrong scope is 403.
    let r = app
        .post(
            "/api/v1/marketing-spend",
            "application/json",
            json!([{"period": period, "channel": "search", "amount": 300},
                   {"period": "2026-13", "channel": "x", "amount": 1},
                   {"period": "2026-01", "amount": 1}])
            .to_string(),
            Some(KEY),
        )
        .await;
    let v = r.json();
    assert_eq!(
        (
            v["accepted"].as_i64(),
            v["duplicates"].as_i64(),
            v["rejected"].as_i64()
        ),
        (Some(0), Some(1), Some(2)),
        "{v}"
    );
    assert_eq!(v["errors"][0]["code"], "invalid_period");
    assert_eq!(v["errors"][1]["code"], "missing_channel");
    let r = app
        .post(
            "/api/v1/marketing-spend",
            "text/csv",
            "period,channel,amount\n2026-01,tv,abc\n",
            Some(KEY),
        )
        .await;
    assert_eq!(
        (r.status, r.json()["errors"][0]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_amount"))
    );
    let r = app
        .post(
            "/api/v1/marketing-spend",
            "application/json",
            "[]",
            Some("nope-nope-nope"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = app.get("/api/v1/commerce?partner=p1", true).await;
    assert_eq!(r.json()["code"], "unsupported_filter");
    let r = app.get("/api/v1/commerce?channel=web", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
