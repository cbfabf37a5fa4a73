//! Orders: upserts by id that keep the rollups equal to the facts, the operations figures
//! read back over HTTP, partner scoping and bad input.

use crate::helpers::*;
use app::domain::access::Role;
use app::domain::order::OrderAgg;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn post_orders(app: &TestApp, body: &Value) -> Reply {
    app.post(
        "/api/v1/orders",
        "application/json",
        body.to_string(),
        Some(KEY),
    )
    .await
}

fn at(days_ago: i64, hours: i64) -> String {
    app::domain::date::format_rfc3339(
        crate::helpers::fixed_now() - days_ago * 86_400_000 - 12 * 3_600_000 + hours * 3_600_000,
    )
}

#[tokio::test]
async fn order_figures_match_hand_computed_values() {
    let app = spawn().await;
    let r = post_orders(
        &app,
        &json!([
            {"id": "o1", "amount": 100.0, "ordered_at": at(5, 0), "promised_at": at(3, 0),
             "delivered_at": at(4, 0), "accurate": true, "cost": 60.0, "channel": "web", "partner_id": "p1"},
            {"id": "o2", "amount": 50.0, "ordered_at": at(5, 0), "promised_at": at(4, 0),
             "delivered_at": at(3, 0), "accurate": false, "returned": true, "channel": "web"},
            {"id": "o3", "amount": 30.0, "ordered_at": at(2, 0), "promised_at": at(1, 0), "channel": "app"},
            {"id": "o4", "amount": 20.0, "currency": "eur", "ordered_at": at(2, 0)}
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 4);
    let s = app.get("/api/v1/orders/summary?range=30d", true).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    let v = s.json();
    let cur = v["currencies"].as_array().unwrap();
    assert_eq!(cur.len(), 2, "EUR and USD are never summed together");
    let eur = &cur[0];
    assert_eq!(
        (eur["currency"].as_str(), eur["orders"].as_i64()),
        (Some("EUR"), Some(1))
    );
    let usd = &cur[1];
    assert_eq!(usd["orders"], 3);
    assert_eq!(usd["revenue"], 180.0);
    assert_eq!(usd["aov"], 60.0);
    // o1 on time, o2 late; o3 not delivered yet is neither.
    assert_eq!(usd["on_time_delivery_pct"], 50.0);
    assert_eq!(usd["order_accuracy_pct"], 50.0);
    assert!((usd["return_rate_pct"].as_f64().unwrap() - 100.0 / 3.0).abs() < 1e-9);
    // Lead times 1 day and 2 days.
    assert_eq!(usd["lead_time_secs"], 1.5 * 86_400.0);
    assert_eq!(usd["margin_pct"], 40.0);
    let web = app
        .get("/api/v1/orders/summary?range=30d&channel=web", true)
        .await
        .json();
    assert_eq!(web["currencies"][0]["orders"], 2);
}

#[tokio::test]
async fn upserts_keep_the_rollup_equal_to_the_facts() {
    let app = spawn().await;
    // Five rounds of changing versions of 40 orders, then compare rollup and facts.
    for round in 0..5i64 {
        const CHANNELS: [&str; 3] = ["web", "app", "phone"];
        let batch: Vec<Value> = (0..40i64)
            .map(|i| {
                let channel = CHANNELS[(i % 3) as usize];
                let delivered = (i + round) % 3 == 0;
                json!({
                    "id": format!("o{i}"), "amount": 10.0 + ((i * 7 + round * 3) % 50) as f64,
                    "ordered_at": at(1 + (i + round) % 9, 0),
                    "promised_at": at((i + round) % 9, 0),
                    "delivered_at": if delivered { Some(at((i + round) % 9, (i % 3) * 10 - 10)) } else { None },
                    "accurate": if i % 4 == 0 { Value::Null } else { json!((i + round) % 2 == 0) },
                    "returned": (i * round) % 5 == 1,
                    "channel": channel,
                    "partner_id": if i % 2 == 0 { "p1" } else { "" },
                    "cost": if i % 3 == 0 { Some(5.0) } else { None },
                })
            })
            .collect();
        let r = post_orders(&app, &Value::Array(batch)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let replay = post_orders(
        &app,
        &json!([{"id": "o0", "amount": 1.0, "ordered_at": at(1, 0)}, {"id": "o0", "amount": 1.0, "ordered_at": at(1, 0)}]),
    )
    .await
    .json();
    assert_eq!(replay["accepted"], 1);
    assert_eq!(replay["duplicates"], 1);
    let store = &app.state.store;
    let today = app::domain::date::Day::from_epoch_ms(server::clock::now_ms()).0;
    let facts = server::store::orders::facts(store, today - 30, today)
        .await
        .unwrap();
    assert_eq!(facts.len(), 40);
    let mut want = OrderAgg::default();
    for o in &facts {
        want.add(&OrderAgg::one(o), 1);
    }
    let got = server::store::orders::totals(store, None, today - 30, today)
        .await
        .unwrap();
    assert_eq!(got, vec![("USD".to_string(), want)]);
    let mut web = OrderAgg::default();
    for o in facts.iter().filter(|o| o.channel == "web") {
        web.add(&OrderAgg::one(o), 1);
    }
    let got = server::store::orders::totals(store, Some(("channel", "web")), today - 30, today)
        .await
        .unwrap();
    assert_eq!(got, vec![("USD".to_string(), web)]);
}

#[tokio::test]
async fn bad_orders_get_codes_and_partners_see_their_own() {
    let app = spawn().await;
    let r = post_orders(
        &app,
        &json!([
            {"id": "ok", "amount": 5, "ordered_at": at(1, 0), "partner_id": "p1"},
            {"id": "b1", "ordered_at": at(1, 0)},
            {"id": "b2", "amount": 5, "currency": "dollars", "ordered_at": at(1, 0)},
            {"id": "b3", "amount": 5, "ordered_at": at(1, 0), "delivered_at": at(3, 0)},
            {"id": "other", "amount": 7, "ordered_at": at(1, 0), "partner_id": "p2"}
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let codes: Vec<String> = r.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        codes,
        ["missing_amount", "invalid_currency", "timestamp_order"]
    );
    let csv = format!(
        "id,amount,ordered_at,returned\nc1,12.5,{},yes\nc2,x,{},no\n",
        at(1, 0),
        at(1, 0)
    );
    let r = app.post("/api/v1/orders", "text/csv", csv, Some(KEY)).await;
    assert_eq!(r.json()["accepted"], 1, "{}", r.text);
    assert_eq!(r.json()["errors"][0]["code"], "invalid_amount");
    assert_eq!(
        app.post("/api/v1/orders", "application/json", "[]", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let partner = app.session(Role::Partner, Some("p1")).await;
    let mine = app
        .get_with("/api/v1/orders/summary?range=7d", &partner)
        .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.json()["currencies"][0]["orders"], 1);
    assert_eq!(mine.json()["currencies"][0]["revenue"], 5.0);
    let theirs = app
        .get_with("/api/v1/orders/summary?partner=p2", &partner)
        .await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN);
    let two = app
        .get("/api/v1/orders/summary?channel=web&partner=p1", true)
        .await;
    assert_eq!(two.status, StatusCode::BAD_REQUEST);
    assert_eq!(two.json()["code"], "unsupported_filter");
}
