//! Tickets: upserts that keep rollups exact (including out-of-order updates), the support
//! metrics read back over HTTP, and bad input.

use crate::helpers::*;
use app::domain::access::Role;
use app::domain::histogram::exact_quantile;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn post_tickets(app: &TestApp, body: &Value) -> Reply {
    app.post(
        "/api/v1/tickets",
        "application/json",
        body.to_string(),
        Some(KEY),
    )
    .await
}

fn at(days_ago: i64, minutes: i64) -> String {
    app::domain::date::format_rfc3339(
        crate::helpers::fixed_now() - days_ago * 86_400_000 - 6 * 3_600_000 + minutes * 60_000,
    )
}

async fn support(app: &TestApp, query: &str) -> Value {
    let r = app.get(&format!("/api/v1/support?{query}"), true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()
}

#[tokio::test]
async fn support_metrics_match_hand_computed_values() {
    let app = spawn().await;
    let batch = json!([
        {"id": "t1", "created_at": at(2, 0), "first_response_at": at(2, 1), "resolved_at": at(2, 60), "channel": "email", "satisfaction": 5},
        {"id": "t2", "created_at": at(2, 0), "first_response_at": at(2, 3), "channel": "email", "satisfaction": 2},
        {"id": "t3", "created_at": at(2, 0), "first_response_at": at(2, 5), "resolved_at": at(2, 180), "channel": "chat", "customer_contacts": 2},
        {"id": "t4", "created_at": at(1, 0), "channel": "phone"}
    ]);
    let r = post_tickets(&app, &batch).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 4);
    let s = support(&app, "range=7d").await;
    assert_eq!(s["tickets"], 4);
    // FRT 60, 180, 300 s → median 180 (±1%), mean 180, p90 rank ⌊1.8⌋ = 1 → 180.
    let frt = &s["first_response_time"];
    assert_eq!(frt["n"], 3);
    assert!((frt["median_secs"].as_f64().unwrap() - 180.0).abs() <= 1.8);
    assert_eq!(frt["mean_secs"], 180.0);
    // Resolution 3600 and 10800 → mean 7200; FCR 1 of 2 resolved; CSAT 1 of 2.
    assert_eq!(s["resolution_time"]["mean_secs"], 7_200.0);
    assert_eq!(s["fcr"], json!({"value": 50.0, "n": 2}));
    assert_eq!(s["csat"], json!({"value": 50.0, "n": 2}));
    assert_eq!(s["backlog"], 2, "t2 and t4 are open");
    let channels = s["channels"].as_array().unwrap();
    let email = channels.iter().find(|c| c["channel"] == "email").unwrap();
    assert_eq!(email["tickets"], 2);
    assert_eq!(email["share_pct"], 50.0);
    assert_eq!(email["in_band"], true, "email 30–50%");
    let phone = channels.iter().find(|c| c["channel"] == "phone").unwrap();
    assert_eq!(phone["in_band"], true, "phone 25% < 40%");
    let chat = channels.iter().find(|c| c["channel"] == "chat").unwrap();
    assert_eq!(chat["in_band"], true, "chat 25% in 20–30%");
    // The daily trend and the heatmap hold the same tickets, hand-checked.
    let points = s["trend"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 7);
    let point_of = |ts: String| {
        let d =
            app::domain::date::Day::from_epoch_ms(app::domain::date::parse_rfc3339(&ts).unwrap());
        points.iter().find(|p| p["start"] == json!(d)).unwrap()
    };
    let two_days_ago = point_of(at(2, 0));
    assert_eq!(two_days_ago["tickets"], 3);
    assert_eq!(s["trend"]["channels"], json!(["chat", "email", "phone"]));
    assert_eq!(two_days_ago["by_channel"], json!([1, 2, 0]));
    assert!((two_days_ago["frt_median_secs"].as_f64().unwrap() - 180.0).abs() <= 1.8);
    assert_eq!(two_days_ago["frt_n"], 3);
    assert_eq!(two_days_ago["csat_pct"], 50.0);
    assert_eq!(point_of(at(1, 0))["by_channel"], json!([0, 0, 1]));
    assert_eq!(point_of(at(1, 0))["frt_median_secs"], Value::Null);
    let (w, h) = app::domain::support_trend::weekday_hour(
        app::domain::date::parse_rfc3339(&at(2, 0)).unwrap(),
    );
    assert_eq!(s["heatmap"]["counts"][w][h], 3);
    let total: i64 = s["heatmap"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(|n| n.as_i64().unwrap()))
        .sum();
    assert_eq!(total, 4);
    // One filter reads the channel rollup.
    let e = support(&app, "range=7d&channel=email").await;
    assert_eq!(e["tickets"], 2);
    assert_eq!(e["fcr"], json!({"value": 100.0, "n": 1}));
}

#[tokio::test]
async fn weekly_rollups_equal_the_facts_over_long_ranges_with_moving_updates() {
    let app = spawn().await;
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        seed >> 33
    };
    let channels = ["email", "chat", "phone"];
    // 400 tickets over 85 days; then newer versions of every third that move their creation
    // day (and so their week) and change their first response.
    let mut make = |i: u64, version: i64| {
        let days = (next() % 85) as i64;
        let created = at(days, 0);
        json!({
            "id": format!("w{i}"), "created_at": created,
            "updated_at": at(days, 500 + version),
            "first_response_at": at(days, 1 + (next() % 400) as i64),
            "channel": channels[(next() % 3) as usize],
            "satisfaction": 1 + (next() % 5) as i64,
        })
    };
    let first: Vec<Value> = (0..400).map(|i| make(i, 0)).collect();
    let moved: Vec<Value> = (0..400).step_by(3).map(|i| make(i, 1)).collect();
    for b in [first, moved] {
        assert_eq!(post_tickets(&app, &json!(b)).await.status, StatusCode::OK);
    }
    let store = &app.state.store;
    let today = app::domain::date::Day::from_epoch_ms(server::clock::now_ms());
    let everything = std::collections::BTreeMap::from([
        (app::domain::dimension::Dimension::Segment, String::new()),
        (app::domain::dimension::Dimension::Region, String::new()),
    ]);
    // Weekly trends (whole weeks from the week table, edge days from the day table) and
    // odd spans that start and end mid-week.
    let from = today.plus_days(-80).to_string();
    let to = today.plus_days(-3).to_string();
    for query in ["range=90d", "range=30d", &format!("from={from}&to={to}")] {
        let rollups = support(&app, query).await;
        let mut q = app::domain::query::DashboardQuery::parse_str(query, today).unwrap();
        q.filters = everything.clone();
        let facts = server::support::report(store, &q).await.unwrap();
        let facts: Value = serde_json::from_str(&serde_json::to_string(&facts).unwrap()).unwrap();
        for key in [
            "tickets",
            "first_response_time",
            "channels",
            "trend",
            "heatmap",
        ] {
            assert_eq!(rollups[key], facts[key], "{query}: {key}");
        }
        assert!(rollups["tickets"].as_i64().unwrap() > 0, "{query}");
    }
    assert_eq!(support(&app, "range=90d").await["trend"]["bucket"], "week");
}

async fn list(app: &TestApp, query: &str) -> Value {
    let r = app.get(&format!("/api/v1/tickets?{query}"), true).await;
    assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
    r.json()
}

fn ids(v: &Value) -> Vec<String> {
    v["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn the_ticket_list_filters_sorts_pages_and_refuses_bad_parameters() {
    let app = spawn().await;
    // One base instant, so every timestamp below agrees on hours.
    let t0 = server::clock::now_ms() - 3 * 86_400_000 - 6 * 3_600_000;
    let at3 = |minutes: i64| app::domain::date::format_rfc3339(t0 + minutes * 60_000);
    // 120 tickets: channels by i % 3, FRT i minutes (none for every tenth), CSAT 1 + i % 5,
    // partner p1 for even ids, solved for i % 4 == 0.
    let batch: Vec<Value> = (0..120)
        .map(|i: i64| {
            let channel = ["email", "chat", "phone"][(i % 3) as usize];
            let mut t = json!({
                "id": format!("L{i:03}"), "created_at": at3(i),
                "channel": channel,
                "satisfaction": 1 + i % 5,
                "partner_id": if i % 2 == 0 { "p1" } else { "p2" },
                "vip": i == 7,
            });
            if i % 10 != 0 {
                t["first_response_at"] = json!(at3(2 * i));
            }
            if i % 4 == 0 {
                t["status"] = json!("solved");
                t["resolved_at"] = json!(at3(2 * i + 1));
            }
            t
        })
        .collect();
    assert_eq!(
        post_tickets(&app, &json!(batch)).await.status,
        StatusCode::OK
    );

    let all = list(&app, "range=7d").await;
    assert_eq!(
        (all["total"].clone(), all["pages"].clone()),
        (json!(120), json!(3))
    );
    assert_eq!(ids(&all).len(), 50);
    assert_eq!(ids(&all)[0], "L119", "newest first by default");
    let last = list(&app, "range=7d&page=3").await;
    assert_eq!(ids(&last).len(), 20);
    assert_eq!(ids(&last)[19], "L000");
    assert!(
        ids(&list(&app, "range=7d&page=9").await).is_empty(),
        "past the end"
    );

    let chat = list(&app, "range=7d&channel=chat").await;
    assert_eq!(chat["total"], 40);
    assert!(chat["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["channel"] == "chat"));

    // Slowest first response first; tickets without one go last in either direction.
    let slow = list(&app, "range=7d&sort=first_response").await;
    assert_eq!(ids(&slow)[0], "L119");
    let fast = list(&app, "range=7d&sort=first_response&dir=asc&page=3").await;
    let fast_ids = ids(&fast);
    assert_eq!(fast_ids.len(), 20);
    assert!(fast["rows"].as_array().unwrap()[8..]
        .iter()
        .all(|r| r["first_response_secs"].is_null()));
    assert!(fast["rows"].as_array().unwrap()[..8]
        .iter()
        .all(|r| !r["first_response_secs"].is_null()));
    let worst = list(&app, "range=7d&sort=satisfaction").await;
    let sat: Vec<i64> = worst["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["satisfaction"].as_i64().unwrap())
        .collect();
    assert_eq!(
        (sat[0], sat[23], sat[24], sat[49]),
        (1, 1, 2, 3),
        "lowest first"
    );

    let open = list(&app, "range=7d&status=unresolved").await;
    assert_eq!(open["total"], 90);
    let solved = list(&app, "range=7d&status=solved&channel=email").await;
    assert_eq!(solved["total"], 10, "i % 12 == 0");
    let (w, h) = app::domain::support_trend::weekday_hour(
        app::domain::date::parse_rfc3339(&at3(0)).unwrap(),
    );
    let in_cell = (0..120)
        .filter(|i| {
            let ms = app::domain::date::parse_rfc3339(&at3(*i)).unwrap();
            app::domain::support_trend::weekday_hour(ms) == (w, h)
        })
        .count();
    let cell = list(&app, &format!("range=7d&weekday={w}&hour={h}")).await;
    assert_eq!(cell["total"], in_cell, "the first ticket's hour");

    for (q, code) in [
        ("sort=price", "invalid_sort"),
        ("dir=sideways", "invalid_direction"),
        ("page=0", "invalid_page"),
        ("status=lost", "invalid_status"),
        ("hour=25", "invalid_hour"),
        ("touchpoint=web", "unsupported_filter"),
    ] {
        let r = app.get(&format!("/api/v1/tickets?{q}"), true).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["code"], code, "{q}");
    }
    assert_eq!(
        app.get("/api/v1/tickets", false).await.status,
        StatusCode::UNAUTHORIZED
    );

    // A partner account lists its own partner's tickets, through the API and the server
    // function, and is refused another partner's.
    let partner = app.session(Role::Partner, Some("p1")).await;
    let mine = app.get_with("/api/v1/tickets?range=7d", &partner).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    assert_eq!(mine.json()["total"], 60);
    let other = app
        .get_with("/api/v1/tickets?range=7d&partner=p2", &partner)
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let via_fn = app
        .call_get(
            "get_ticket_list",
            Some(&partner),
            "query=range%3D7d%26sort%3Dsatisfaction",
        )
        .await;
    assert_eq!(via_fn.status, StatusCode::OK, "{}", via_fn.text);
    let v = via_fn.json();
    assert_eq!(v["total"], 60);
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["partner_id"] == "p1"));
    let page = app
        .get_with("/support/tickets?range=7d&channel=chat", &partner)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("data-testid=\"ticket-table\""));
}

#[tokio::test]
async fn an_update_moves_the_ticket_and_never_double_counts() {
    let app = spawn().await;
    post_tickets(&app, &json!([{"id": "u1", "created_at": at(3, 0), "updated_at": at(3, 1), "channel": "email", "status": "open"}])).await;
    let r = post_tickets(&app, &json!([{"id": "u1", "created_at": at(3, 0), "updated_at": at(3, 90), "first_response_at": at(3, 10), "resolved_at": at(3, 90), "status": "solved", "channel": "chat"}])).await;
    let report = r.json();
    assert_eq!(
        (report["accepted"].clone(), report["updated"].clone()),
        (json!(1), json!(1))
    );
    let s = support(&app, "range=7d").await;
    assert_eq!(s["tickets"], 1);
    assert_eq!(s["fcr"], json!({"value": 100.0, "n": 1}));
    assert_eq!(s["backlog"], 0);
    assert_eq!(
        s["channels"],
        json!([{"channel": "chat", "tickets": 1, "share_pct": 100.0, "band_min_pct": 20.0, "band_max_pct": 30.0, "in_band": false}])
    );
    assert_eq!(support(&app, "range=7d&channel=email").await["tickets"], 0);
    assert_eq!(support(&app, "range=7d&channel=chat").await["tickets"], 1);
}

#[tokio::test]
async fn an_older_version_arriving_late_changes_nothing() {
    let app = spawn().await;
    let newer = json!([{"id": "o1", "created_at": at(3, 0), "updated_at": at(3, 90), "resolved_at": at(3, 90), "status": "closed", "channel": "chat"}]);
    let older = json!([{"id": "o1", "created_at": at(3, 0), "updated_at": at(3, 5), "status": "open", "channel": "email"}]);
    post_tickets(&app, &newer).await;
    let r = post_tickets(&app, &older).await.json();
    assert_eq!(
        (r["accepted"].clone(), r["duplicates"].clone()),
        (json!(0), json!(1))
    );
    let replay = post_tickets(&app, &newer).await.json();
    assert_eq!(replay["duplicates"], 1);
    let s = support(&app, "range=7d").await;
    assert_eq!(s["tickets"], 1);
    assert_eq!(s["backlog"], 0, "still closed");
    assert_eq!(support(&app, "range=7d&channel=chat").await["tickets"], 1);
    // Versions inside one batch: the newest wins whatever the order.
    let r = post_tickets(
        &app,
        &json!([
            {"id": "o2", "created_at": at(2, 0), "updated_at": at(2, 50), "channel": "phone"},
            {"id": "o2", "created_at": at(2, 0), "updated_at": at(2, 10), "channel": "web"}
        ]),
    )
    .await
    .json();
    assert_eq!(
        (r["accepted"].clone(), r["duplicates"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(support(&app, "range=7d&channel=phone").await["tickets"], 1);
}

#[tokio::test]
async fn rollups_equal_the_facts_after_many_random_updates() {
    let app = spawn().await;
    // Deterministic pseudo-random versions of 60 tickets, posted out of order.
    let mut seed: u64 = 11;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        seed >> 33
    };
    let channels = ["email", "chat", "phone", "web"];
    let mut batches = Vec::new();
    for _round in 0..5 {
        let batch: Vec<Value> = (0..60)
            .map(|i| {
                let v = (next() % 500) as i64;
                let resolved = next() % 2 == 0;
                let mut t = json!({
                    "id": format!("r{i}"), "created_at": at(4, 0), "updated_at": at(4, 600 + v),
                    "first_response_at": at(4, 1 + (next() % 300) as i64),
                    "channel": channels[(next() % 4) as usize],
                    "customer_contacts": 1 + (next() % 3) as i64, "satisfaction": 1 + (next() % 5) as i64,
                });
                if resolved {
                    t["resolved_at"] = json!(at(4, 600 + v));
                    t["status"] = json!("solved");
                }
                t
            })
            .collect();
        batches.push(batch);
    }
    for b in &batches {
        assert_eq!(post_tickets(&app, &json!(b)).await.status, StatusCode::OK);
    }
    let from_rollups = support(&app, "range=7d").await;
    // Two filters force the facts path; `segment=` matches tickets stored without one.
    let store = &app.state.store;
    let q = app::domain::query::DashboardQuery::parse_str(
        "range=7d",
        app::domain::date::Day::from_epoch_ms(server::clock::now_ms()),
    )
    .unwrap();
    let facts = facts_agg(store, &q.filters, &q).await;
    assert_eq!(from_rollups["tickets"], facts.tickets);
    assert_eq!(from_rollups["tickets"], 60);
    assert_eq!(from_rollups["fcr"]["n"], facts.resolved);
    assert_eq!(from_rollups["csat"]["n"], facts.csat_n);
    assert_eq!(
        from_rollups["first_response_time"]["mean_secs"],
        facts.first_response.mean().unwrap()
    );
    assert_eq!(
        from_rollups["first_response_time"]["median_secs"],
        facts.first_response.quantile(0.5).unwrap()
    );
    assert_eq!(
        from_rollups["resolution_time"]["n"],
        facts.resolution.count()
    );
    for c in channels {
        let per = support(&app, &format!("range=7d&channel={c}")).await;
        let mut f = q.filters.clone();
        f.insert(app::domain::dimension::Dimension::Channel, c.to_string());
        let facts = facts_agg(store, &f, &q).await;
        assert_eq!(per["tickets"], facts.tickets, "{c}");
        assert_eq!(per["fcr"]["n"], facts.resolved, "{c}");
    }
    // Backlog from rollups (Σ created − Σ done) equals the facts' count: two filters that
    // match every ticket (none has a segment or region) force the facts path.
    let everything = std::collections::BTreeMap::from([
        (app::domain::dimension::Dimension::Segment, String::new()),
        (app::domain::dimension::Dimension::Region, String::new()),
    ]);
    let by_facts = server::store::tickets::backlog_at(store, &everything, q.to.0)
        .await
        .unwrap();
    assert_eq!(from_rollups["backlog"], by_facts);
    // The whole report — trend and heatmap included — is the same through the facts path.
    let mut all = q.clone();
    all.filters = everything.clone();
    let via_facts = server::support::report(store, &all).await.unwrap();
    // Through text, as the HTTP answer went, so floats parse the same way.
    let via_facts: Value =
        serde_json::from_str(&serde_json::to_string(&via_facts).unwrap()).unwrap();
    for key in [
        "tickets",
        "first_response_time",
        "resolution_time",
        "fcr",
        "csat",
        "channels",
        "backlog",
        "trend",
        "heatmap",
    ] {
        assert_eq!(from_rollups[key], via_facts[key], "{key}");
    }
    let points = from_rollups["trend"]["points"].as_array().unwrap();
    assert_eq!(points.len(), 7);
    assert_eq!(
        points
            .iter()
            .map(|p| p["tickets"].as_i64().unwrap())
            .sum::<i64>(),
        60
    );
    assert!(by_facts > 0 && by_facts < 60, "{by_facts}");
    // The rollup median is within 2% of the exact median of the raw first-response times.
    let raw: Vec<i64> = {
        let mut latest: std::collections::BTreeMap<String, (String, i64)> = Default::default();
        for b in &batches {
            for t in b {
                let id = t["id"].as_str().unwrap().to_string();
                let updated = t["updated_at"].as_str().unwrap().to_string();
                let frt =
                    app::domain::date::parse_rfc3339(t["first_response_at"].as_str().unwrap())
                        .unwrap()
                        - app::domain::date::parse_rfc3339(t["created_at"].as_str().unwrap())
                            .unwrap();
                let keep = latest.get(&id).is_none_or(|(u, _)| updated > *u);
                if keep {
                    latest.insert(id, (updated, frt / 1000));
                }
            }
        }
        latest.into_values().map(|(_, f)| f).collect()
    };
    let exact = exact_quantile(&raw, 0.5).unwrap();
    let got = from_rollups["first_response_time"]["median_secs"]
        .as_f64()
        .unwrap();
    assert!((got - exact).abs() / exact <= 0.02, "{got} vs {exact}");
}

#[tokio::test]
async fn bad_tickets_are_rejected_per_record_and_keys_need_the_tickets_scope() {
    let app = spawn().await;
    let r = post_tickets(
        &app,
        &json!([
            {"id": "b1", "created_at": at(1, 0), "status": "done"},
            {"id": "b2", "created_at": at(1, 0), "resolved_at": at(2, 0)},
            {"id": "b3", "created_at": at(1, 0)}
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let j = r.json();
    assert_eq!(
        (j["accepted"].clone(), j["rejected"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(j["errors"][0]["code"], "invalid_status");
    assert_eq!(j["errors"][1]["code"], "timestamp_order");
    let csv = format!(
        "id,created_at,channel,vip\nc1,{},chat,yes\nc2,{},chat,maybe\n",
        at(1, 0),
        at(1, 0)
    );
    let r = app
        .post("/api/v1/tickets", "text/csv", csv, Some(KEY))
        .await
        .json();
    assert_eq!(
        (r["accepted"].clone(), r["rejected"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(
        app.post(
            "/api/v1/tickets",
            "application/json",
            "[".to_string(),
            Some(KEY)
        )
        .await
        .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.post(
            "/api/v1/tickets",
            "application/json",
            "[]".to_string(),
            None
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    // A surveys-only key may not write tickets.
    let admin = app.session(Role::Admin, None).await;
    let key = app
        .call("create_api_key", Some(&admin), "name=s&scopes=surveys")
        .await
        .json();
    let secret = key["secret"].as_str().unwrap();
    let r = app
        .post(
            "/api/v1/tickets",
            "application/json",
            json!([{"id": "k", "created_at": at(1, 0)}]).to_string(),
            Some(secret),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server::store::tickets::count(&app.state.store)
            .await
            .unwrap(),
        2
    );
}

#[tokio::test]
async fn partners_read_only_their_own_tickets() {
    let app = spawn().await;
    post_tickets(
        &app,
        &json!([
            {"id": "p1", "created_at": at(1, 0), "partner_id": "acme", "channel": "email"},
            {"id": "p2", "created_at": at(1, 0), "partner_id": "globex", "channel": "email"}
        ]),
    )
    .await;
    let partner = app.session(Role::Partner, Some("acme")).await;
    let own = app.get_with("/api/v1/support?range=7d", &partner).await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.json()["tickets"], 1);
    let other = app
        .get_with("/api/v1/support?range=7d&partner=globex", &partner)
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let tp = app.get("/api/v1/support?touchpoint=web", true).await;
    assert_eq!(tp.status, StatusCode::BAD_REQUEST);
    assert!(tp.text.contains("unsupported_filter"));
}

#[tokio::test]
async fn the_support_page_renders_on_the_server_with_scope() {
    let app = spawn().await;
    post_tickets(&app, &json!([
        {"id": "s1", "created_at": at(1, 0), "first_response_at": at(1, 7), "channel": "email", "partner_id": "acme"},
        {"id": "s2", "created_at": at(1, 0), "channel": "chat", "partner_id": "globex"}
    ])).await;
    app.post(
        "/api/v1/incidents",
        "application/json",
        json!([{"id": "i1", "title": "Search down", "severity": "high", "triggered_at": at(2, 0)}])
            .to_string(),
        Some(KEY),
    )
    .await;
    let r = app.get("/support?range=7d", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("7 min"), "FRT median shown");
    assert!(r.text.contains("Search down"), "open incident shown");
    assert!(r.text.contains(r#"data-testid="incident-times""#));
    let partner = app.session(Role::Partner, Some("acme")).await;
    let p = app
        .call_get("get_support_page", Some(&partner), "query=range%3D7d")
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let j = p.json();
    assert_eq!(j["report"]["tickets"], 1, "own tickets only");
    assert_eq!(
        j["by_severity"],
        Value::Null,
        "no incident data for partners"
    );
    assert_eq!(j["open_incidents"], json!([]));
    let other = app
        .call_get("get_support_page", Some(&partner), "query=partner%3Dglobex")
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

/// The support aggregate of the stored tickets under `filters`, summed from the facts.
async fn facts_agg(
    store: &server::store::Store,
    filters: &std::collections::BTreeMap<app::domain::dimension::Dimension, String>,
    q: &app::domain::query::DashboardQuery,
) -> app::domain::ticket::SupportAgg {
    let mut agg = app::domain::ticket::SupportAgg::default();
    for t in server::store::tickets::facts(store, filters, q.from.0, q.to.0)
        .await
        .expect("facts")
    {
        agg.add(&t);
    }
    agg
}
