use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn rec(id: String, kind: &str, score: i64, days_ago: i64, channel: &str, segment: &str) -> Value {
    let mut r = survey(&id, kind, score, days_ago);
    r["channel"] = json!(channel);
    r["segment"] = json!(segment);
    r
}

#[tokio::test]
async fn nps_from_the_read_api_matches_hand_computation() {
    let app = spawn().await;
    // 20 promoters, 10 passives, 10 detractors: NPS = 50% − 25% = 25.
    let mut batch = Vec::new();
    for i in 0..40 {
        let score = if i < 20 {
            10
        } else if i < 30 {
            8
        } else {
            2
        };
        batch.push(survey(&format!("n{i}"), "nps", score, 2));
    }
    app.post_surveys(&json!(batch)).await;
    let m = app.metric("nps", "range=7d").await;
    assert_eq!(m["metric"], "nps");
    assert_eq!(m["value"], 25.0);
    assert_eq!(m["n"], 40);
    assert_eq!(m["unit"], "points");
    assert_eq!(m["target"], 50.0);
    // se = sqrt((0.5 + 0.25 − 0.0625) / 40) = 0.13110 → ±25.70 points.
    let ci = m["ci95"].as_array().unwrap();
    assert!((ci[0].as_f64().unwrap() + 0.696).abs() < 0.01, "{ci:?}");
    assert!((ci[1].as_f64().unwrap() - 50.696).abs() < 0.01, "{ci:?}");
    assert_eq!(m["series"].as_array().unwrap().len(), 7);
    let point = m["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["n"] == 40)
        .unwrap();
    assert_eq!(point["t"], day(2));
}

#[tokio::test]
async fn below_the_minimum_sample_the_value_is_null_never_zero() {
    let app = spawn().await;
    let batch: Vec<_> = (0..5)
        .map(|i| survey(&format!("s{i}"), "csat", 5, 1))
        .collect();
    app.post_surveys(&json!(batch)).await;
    let m = app.metric("csat", "range=7d").await;
    assert_eq!(m["value"], Value::Null);
    assert_eq!(m["n"], 5);
    assert_eq!(m["min_sample"], 30);
    assert_eq!(
        app.metric("csat", "range=7d&min_sample=5").await["value"],
        100.0
    );
}

#[tokio::test]
async fn one_filter_and_several_filters_give_hand_computed_figures() {
    let app = spawn().await;
    let mut batch = Vec::new();
    // email/smb: 3 of 4 top-2-box; email/enterprise: 0 of 2; chat/smb: 2 of 2.
    for (i, s) in [5, 4, 5, 2].iter().enumerate() {
        batch.push(rec(format!("es{i}"), "csat", *s, 1, "email", "smb"));
    }
    for i in 0..2 {
        batch.push(rec(format!("ee{i}"), "csat", 1, 2, "email", "enterprise"));
        batch.push(rec(format!("cs{i}"), "csat", 4, 3, "chat", "smb"));
    }
    app.post_surveys(&json!(batch)).await;
    let v = |m: Value| (m["value"].as_f64().unwrap(), m["n"].as_i64().unwrap());
    assert_eq!(
        v(app.metric("csat", "range=7d&min_sample=1").await),
        (62.5, 8)
    );
    assert_eq!(
        v(app
            .metric("csat", "range=7d&min_sample=1&channel=email")
            .await),
        (50.0, 6)
    );
    assert_eq!(
        v(app
            .metric("csat", "range=7d&min_sample=1&segment=smb")
            .await),
        (83.33333333333333, 6)
    );
    assert_eq!(
        v(app
            .metric("csat", "range=7d&min_sample=1&channel=email&segment=smb")
            .await),
        (75.0, 4)
    );
    assert_eq!(
        app.metric("csat", "range=7d&min_sample=1&channel=phone")
            .await["n"],
        0
    );
}

#[tokio::test]
async fn the_previous_period_is_reported_beside_the_current_one() {
    let app = spawn().await;
    let mut batch: Vec<_> = (0..4)
        .map(|i| survey(&format!("cur{i}"), "nps", 10, 1))
        .collect();
    batch.extend((0..2).map(|i| survey(&format!("prev{i}"), "nps", 0, 10)));
    app.post_surveys(&json!(batch)).await;
    let m = app.metric("nps", "range=7d&min_sample=1").await;
    assert_eq!(m["value"], 100.0);
    assert_eq!(m["previous"], json!({"value": -100.0, "n": 2}));
    let m = app
        .metric("nps", "range=7d&min_sample=1&compare=none")
        .await;
    assert_eq!(m["previous"], Value::Null);
}

#[tokio::test]
async fn mixed_ces_scales_are_refused_without_an_explicit_scale() {
    let app = spawn().await;
    let mut a = survey("c7", "ces", 6, 1);
    a["scale"] = json!(7);
    let mut b = survey("c5", "ces", 2, 1);
    b["scale"] = json!(5);
    app.post_surveys(&json!([a, b])).await;
    let r = app
        .get("/api/v1/metrics/ces?range=7d&min_sample=1", true)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["code"], "mixed_ces_scales");
    let m = app.metric("ces", "range=7d&min_sample=1&scale=5").await;
    assert_eq!(
        (m["value"].as_f64(), m["direction"].as_str()),
        (Some(2.0), Some("lower_is_better"))
    );
}

#[tokio::test]
async fn bad_queries_get_stable_codes() {
    let app = spawn().await;
    let r = app.get("/api/v1/metrics/happiness", true).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("unknown_metric"))
    );
    for (q, code) in [
        ("from=2026-02-30", "invalid_date"),
        ("from=2026-03-02&to=2026-03-01", "invalid_range"),
        ("bucket=hour", "invalid_bucket"),
        ("channel=pigeon", "invalid_filter"),
        ("min_sample=lots", "invalid_min_sample"),
    ] {
        let r = app.get(&format!("/api/v1/metrics/nps?{q}"), true).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["code"], code, "{q}");
    }
}

#[tokio::test]
async fn rollups_rebuilt_from_facts_match_the_incremental_ones() {
    let app = spawn().await;
    let channels = ["email", "chat", "phone", ""];
    let segments = ["smb", "enterprise", ""];
    let mut batch = Vec::new();
    for i in 0..300i64 {
        let kind = ["nps", "csat", "pnps"][(i % 3) as usize];
        let score = if kind == "csat" {
            1 + (i * 7) % 5
        } else {
            (i * 13) % 11
        };
        let mut r = rec(
            format!("rb{i}"),
            kind,
            score,
            i % 20,
            channels[(i % 4) as usize],
            segments[(i % 3) as usize],
        );
        r["partner_id"] = json!(if i % 5 == 0 { "p1" } else { "" });
        batch.push(r);
    }
    app.post_surveys(&json!(batch)).await;
    let queries = [
        "range=30d&min_sample=1",
        "range=30d&min_sample=1&channel=email",
        "range=30d&min_sample=1&segment=smb&bucket=week",
        "range=30d&min_sample=1&channel=chat&segment=enterprise",
        "range=30d&min_sample=1&partner=p1",
    ];
    let mut before = Vec::new();
    for q in queries {
        for m in ["nps", "csat", "pnps"] {
            before.push(app.metric(m, q).await);
        }
    }
    server::store::surveys::rebuild_rollups(&app.state.store)
        .await
        .unwrap();
    let mut after = Vec::new();
    for q in queries {
        for m in ["nps", "csat", "pnps"] {
            after.push(app.metric(m, q).await);
        }
    }
    assert_eq!(before, after);
    // And the single-filter (rollup) path agrees with the multi-filter (facts) path.
    let rollup = app
        .metric("csat", "range=30d&min_sample=1&channel=email")
        .await;
    let facts = app
        .metric("csat", "range=30d&min_sample=1&channel=email&segment=smb")
        .await;
    assert!(facts["n"].as_i64() < rollup["n"].as_i64());
}

#[tokio::test]
async fn the_catalogue_lists_every_figure_with_its_definition_and_target() {
    let app = spawn().await;
    assert_eq!(
        app.get("/api/v1/metrics", false).await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.get("/api/v1/metrics", true).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let listed = r.json()["metrics"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), app::domain::catalogue::CATALOGUE.len());
    for spec in app::domain::catalogue::CATALOGUE {
        let m = listed
            .iter()
            .find(|m| m["id"] == spec.id)
            .unwrap_or_else(|| panic!("{} is listed", spec.id));
        for field in [
            "family",
            "label",
            "unit",
            "direction",
            "aggregation",
            "dimensions",
            "min_sample",
            "definition",
            "formula",
            "page",
        ] {
            assert!(!m[field].is_null(), "{}.{field}", spec.id);
        }
        assert_eq!(m["target"].as_f64(), spec.target, "{}", spec.id);
        // What the list says is queryable answers, in the documented shape.
        if m["queryable"] == true {
            let one = app.metric(spec.id, "range=30d&min_sample=1").await;
            assert_eq!(one["metric"], spec.id);
            assert_eq!(one["unit"], m["unit"], "{}", spec.id);
            assert_eq!(one["target"].as_f64(), spec.target, "{}", spec.id);
        }
    }
    let csat = listed
        .iter()
        .find(|m| m["id"] == "csat")
        .cloned()
        .unwrap_or_default();
    assert_eq!(csat["target"], 85.0);
    assert_eq!(csat["family"], "survey");
    assert_eq!(csat["alertable"], true);
    let clv = listed
        .iter()
        .find(|m| m["id"] == "clv")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (clv["unit"].as_str(), clv["target"].as_f64()),
        (Some("money"), Some(2_500.0))
    );
}
