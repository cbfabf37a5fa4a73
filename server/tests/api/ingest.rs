use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;

fn nps_batch(prefix: &str, scores: &[i64]) -> serde_json::Value {
    json!(scores
        .iter()
        .enumerate()
        .map(|(i, s)| survey(&format!("{prefix}-{i}"), "nps", *s, 1))
        .collect::<Vec<_>>())
}

#[tokio::test]
async fn a_valid_batch_is_stored_and_counted() {
    let app = spawn().await;
    let r = app.post_surveys(&nps_batch("a", &[10, 9, 3])).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.json(),
        json!({"accepted": 3, "duplicates": 0, "rejected": 0, "errors": []})
    );
    let m = app.metric("nps", "range=7d&min_sample=1").await;
    assert_eq!(m["n"], 3);
}

#[tokio::test]
async fn replayed_batch_is_not_double_counted() {
    let app = spawn().await;
    let batch = nps_batch("r", &[10, 10, 0, 7]);
    assert_eq!(app.post_surveys(&batch).await.json()["accepted"], 4);
    let again = app.post_surveys(&batch).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["accepted"], 0);
    assert_eq!(again.json()["duplicates"], 4);
    let m = app.metric("nps", "range=7d&min_sample=1").await;
    assert_eq!(m["n"], 4);
    assert_eq!(m["value"], 25.0);
}

#[tokio::test]
async fn duplicates_within_one_batch_count_once() {
    let app = spawn().await;
    let batch = json!([
        survey("d-1", "csat", 5, 1),
        survey("d-1", "csat", 1, 1),
        survey("d-2", "csat", 4, 1)
    ]);
    let r = app.post_surveys(&batch).await.json();
    assert_eq!(
        (r["accepted"].as_i64(), r["duplicates"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        app.metric("csat", "range=7d&min_sample=1").await["value"],
        100.0
    );
}

#[tokio::test]
async fn invalid_records_are_rejected_with_codes_and_valid_ones_kept() {
    let app = spawn().await;
    let batch = json!([
        survey("ok-1", "nps", 9, 1),
        {"kind": "nps", "score": 9, "responded_at": ts(1)},
        survey("bad-kind", "happiness", 9, 1),
        survey("bad-score", "csat", 6, 1),
        {"id": "bad-time", "kind": "nps", "score": 9, "responded_at": "last tuesday"},
        {"id": "no-scale", "kind": "ces", "score": 3, "responded_at": ts(1)},
        {"id": "bad-type", "kind": "nps", "score": "nine", "responded_at": ts(1)},
        {"id": "x".repeat(300), "kind": "nps", "score": 9, "responded_at": ts(1)},
        survey("ok-2", "nps", 0, 1),
    ]);
    let r = app.post_surveys(&batch).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let body = r.json();
    assert_eq!(body["accepted"], 2);
    assert_eq!(body["rejected"], 7);
    let codes: Vec<(i64, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["index"].as_i64().unwrap(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (1, "missing_id".to_string()),
            (2, "invalid_kind".into()),
            (3, "invalid_score".into()),
            (4, "invalid_timestamp".into()),
            (5, "missing_scale".into()),
            (6, "invalid_record".into()),
            (7, "field_too_long".into()),
        ]
    );
    assert_eq!(app.metric("nps", "range=7d&min_sample=1").await["n"], 2);
}

#[tokio::test]
async fn a_batch_with_only_bad_records_is_422_and_stores_nothing() {
    let app = spawn().await;
    let r = app.post_surveys(&json!([survey("b1", "nps", 11, 1)])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["code"], "invalid_score");
}

#[tokio::test]
async fn ndjson_and_csv_bodies_are_accepted() {
    let app = spawn().await;
    let nd = format!(
        "{}\n{}\n",
        survey("n-1", "ces", 6, 1)
            .to_string()
            .replace("}", ",\"scale\":7}"),
        survey("n-2", "ces", 7, 1)
            .to_string()
            .replace("}", ",\"scale\":7}")
    );
    let r = app
        .post("/api/v1/surveys", "application/x-ndjson", nd, Some(KEY))
        .await;
    assert_eq!(r.json()["accepted"], 2, "{}", r.text);
    let csv = format!(
        "id,kind,score,scale,responded_at,channel,segment,comment\n\
         c-1,ces,5,7,{},Email,smb,\"Easy, fast\"\n\
         c-2,ces,four,7,{},email,smb,\n",
        ts(1),
        ts(1)
    );
    let r = app
        .post("/api/v1/surveys", "text/csv; charset=utf-8", csv, Some(KEY))
        .await;
    let body = r.json();
    assert_eq!(
        (body["accepted"].as_i64(), body["rejected"].as_i64()),
        (Some(1), Some(1)),
        "{}",
        r.text
    );
    assert_eq!(body["errors"][0]["code"], "invalid_score");
    let m = app.metric("ces", "range=7d&min_sample=1").await;
    assert_eq!(m["n"], 3);
    assert_eq!(m["value"], 6.0);
    assert_eq!(m["scale"], 7);
    assert_eq!(
        app.metric("ces", "range=7d&min_sample=1&channel=email")
            .await["n"],
        1
    );
}

#[tokio::test]
async fn missing_or_wrong_key_is_401_and_nothing_is_stored() {
    let app = spawn().await;
    let body = nps_batch("k", &[9]).to_string();
    for key in [None, Some("wrong-key-123")] {
        let r = app
            .post("/api/v1/surveys", "application/json", body.clone(), key)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["code"], "unauthorized");
    }
    assert_eq!(
        app.get("/api/v1/metrics/nps", false).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.metric("nps", "range=7d&min_sample=1").await["n"], 0);
}

#[tokio::test]
async fn malformed_or_unsupported_bodies_are_rejected_whole() {
    let app = spawn().await;
    let r = app
        .post(
            "/api/v1/surveys",
            "application/json",
            "[{\"id\": \"a\",",
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["code"], "malformed_body");
    let r = app
        .post(
            "/api/v1/surveys",
            "application/json",
            survey("o", "nps", 9, 1).to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.json()["code"], "malformed_body");
    let r = app
        .post("/api/v1/surveys", "application/xml", "<a/>", Some(KEY))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.json()["code"], "unsupported_media_type");
    assert_eq!(app.metric("nps", "range=7d&min_sample=0").await["n"], 0);
}

#[tokio::test]
async fn oversized_body_is_413_and_nothing_is_stored() {
    let app = spawn_with(|c| c.max_body_bytes = 5 * 1024 * 1024).await;
    let records: Vec<_> = (0..40_000)
        .map(|i| {
            let mut r = survey(&format!("big-{i}"), "nps", 9, 1);
            r["comment"] = json!("x".repeat(120));
            r
        })
        .collect();
    let body = serde_json::to_string(&records).unwrap();
    assert!(body.len() > 5 * 1024 * 1024);
    let r = app
        .post("/api/v1/surveys", "application/json", body, Some(KEY))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.json()["code"], "payload_too_large");
    assert_eq!(app.metric("nps", "range=7d&min_sample=0").await["n"], 0);
}

#[tokio::test]
async fn concurrent_batches_are_all_counted() {
    let app = spawn().await;
    let bodies = (0..4)
        .map(|t| nps_batch(&format!("c{t}"), &[10; 250]).to_string())
        .collect();
    for (status, body) in app.post_concurrently(bodies).await {
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["accepted"], 250);
    }
    assert_eq!(app.metric("nps", "range=7d").await["n"], 1000);
}

#[tokio::test]
async fn the_same_batch_posted_concurrently_is_stored_once() {
    let app = spawn().await;
    let batch = nps_batch("same", &[9; 250]).to_string();
    let answers = app.post_concurrently(vec![batch; 4]).await;
    let accepted: i64 = answers
        .iter()
        .map(|(_, b)| b["accepted"].as_i64().unwrap())
        .sum();
    let duplicates: i64 = answers
        .iter()
        .map(|(_, b)| b["duplicates"].as_i64().unwrap())
        .sum();
    assert_eq!((accepted, duplicates), (250, 750));
    assert_eq!(app.metric("nps", "range=7d").await["n"], 250);
}
