//! Customer voice: feedback ingest (scored, upserted), survey comments as feedback, the
//! feedback log, sentiment summaries, keywords, social mentions, scoping and bad input.

use crate::helpers::*;
use app::domain::access::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn post_feedback(app: &TestApp, body: &Value) -> Reply {
    app.post(
        "/api/v1/feedback",
        "application/json",
        body.to_string(),
        Some(KEY),
    )
    .await
}

async fn read(app: &TestApp, path: &str) -> Value {
    let r = app.get(path, true).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    r.json()
}

fn fb(id: &str, source: &str, text: &str, days_ago: i64) -> Value {
    json!({"id": id, "source": source, "text": text, "at": ts(days_ago)})
}

#[tokio::test]
async fn feedback_is_scored_listed_newest_first_and_summarised() {
    let app = spawn().await;
    let r = post_feedback(
        &app,
        &json!([
            fb("a", "review", "The app is great, I love it!", 3),
            fb("b", "email", "Terrible support, slow and rude.", 2),
            fb("c", "review", "The invoice arrived on Monday.", 1),
            {"id": "d", "source": "social", "text": "Best checkout ever 😍", "at": ts(1),
             "author": "@ann", "followers": 1200, "likes": 10, "shares": 2, "comments": 3}
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 4);

    let page = read(&app, "/api/v1/feedback?range=7d").await;
    assert_eq!(page["total"], 4);
    let items = page["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    // c and d share a timestamp to the millisecond or nearly: check the distinct days.
    assert_eq!(&ids[2..], &["b", "a"]);
    let b = items.iter().find(|i| i["id"] == "b").unwrap();
    assert_eq!(b["sentiment_label"], "negative");
    assert!(b["sentiment_score"].as_f64().unwrap() < -0.05);
    let c = items.iter().find(|i| i["id"] == "c").unwrap();
    assert_eq!(c["sentiment_label"], "neutral");

    let s = read(&app, "/api/v1/sentiment?range=7d").await;
    assert_eq!(s["overall"]["n"], 4);
    assert_eq!(s["overall"]["positive_pct"], 50.0);
    assert_eq!(s["overall"]["negative_pct"], 25.0);
    assert_eq!(s["overall"]["neutral_pct"], 25.0);
    // Mean compound equals the mean of the listed scores.
    let mean: f64 = items
        .iter()
        .map(|i| i["sentiment_score"].as_f64().unwrap())
        .sum::<f64>()
        / 4.0;
    assert!((s["overall"]["score"].as_f64().unwrap() - mean).abs() < 1e-9);
    let sources: Vec<(&str, i64)> = s["by_source"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["source"].as_str().unwrap(),
                x["mix"]["n"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(sources[0], ("review", 2));
    assert_eq!(sources.len(), 3);

    // Filters by class, source and search words.
    let neg = read(&app, "/api/v1/feedback?range=7d&sentiment=negative").await;
    assert_eq!(neg["total"], 1);
    let reviews = read(&app, "/api/v1/feedback?range=7d&source=review&q=LOVE").await;
    assert_eq!(reviews["total"], 1);
    assert_eq!(reviews["items"][0]["id"], "a");

    let social = read(&app, "/api/v1/social?range=7d").await;
    assert_eq!(social["mentions"], 1);
    assert_eq!(social["engagement_per_mention"], 15.0);
    assert_eq!(social["influencers"][0]["author"], "@ann");
    assert_eq!(social["influencers"][0]["followers"], 1200);
}

#[tokio::test]
async fn an_upsert_moves_the_rollup_and_a_replay_changes_nothing() {
    let app = spawn().await;
    let mut x = fb("x", "chat", "Wonderful, helpful agent", 2);
    x["channel"] = json!("chat");
    x["segment"] = json!("smb");
    let first = json!([x]);
    assert_eq!(post_feedback(&app, &first).await.json()["accepted"], 1);
    let replay = post_feedback(&app, &first).await.json();
    assert_eq!(replay["accepted"], 0);
    assert_eq!(replay["duplicates"], 1);
    let s = read(&app, "/api/v1/sentiment?range=7d&channel=").await;
    assert_eq!(s["overall"]["positive_pct"], 100.0);
    // The same id with another text replaces it: one text, now negative.
    let mut x = fb("x", "chat", "Awful, useless agent", 2);
    x["channel"] = json!("chat");
    x["segment"] = json!("smb");
    let changed = post_feedback(&app, &json!([x])).await.json();
    assert_eq!(changed["updated"], 1);
    let s = read(&app, "/api/v1/sentiment?range=7d").await;
    assert_eq!(s["overall"]["n"], 1);
    assert_eq!(s["overall"]["negative_pct"], 100.0);
    // The facts path (two filters) agrees with the rollup.
    let f = read(&app, "/api/v1/sentiment?range=7d&channel=chat&segment=smb").await;
    assert_eq!(f["overall"], s["overall"]);
    // Within one batch the last version wins.
    let r = post_feedback(
        &app,
        &json!([fb("y", "chat", "bad", 1), fb("y", "chat", "good", 1)]),
    )
    .await
    .json();
    assert_eq!(r["accepted"], 1);
    let page = read(&app, "/api/v1/feedback?range=7d&q=good").await;
    assert_eq!(page["total"], 1);
}

#[tokio::test]
async fn bad_feedback_gets_stable_codes_and_keys_are_checked() {
    let app = spawn().await;
    let r = post_feedback(
        &app,
        &json!([
            {"id": "ok", "source": "review", "text": "fine", "at": ts(1)},
            {"id": "n1", "source": "review", "at": ts(1)},
            {"id": "n2", "source": "fax", "text": "x", "at": ts(1)},
            {"id": "n3", "source": "social", "text": "x", "at": ts(1), "likes": -4},
            {"id": "n4", "source": "review", "text": "x", "at": "2999-01-01T00:00:00Z"}
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    assert_eq!(v["accepted"], 1);
    let codes: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "missing_text",
            "invalid_source",
            "invalid_count",
            "timestamp_out_of_range"
        ]
    );
    let all_bad = post_feedback(&app, &json!([{"id": "z"}])).await;
    assert_eq!(all_bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_key = app
        .post("/api/v1/feedback", "application/json", "[]", None)
        .await;
    assert_eq!(no_key.status, StatusCode::UNAUTHORIZED);
    let wrong = app
        .post(
            "/api/v1/feedback",
            "application/json",
            "[]",
            Some("nope-nope-nope"),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // CSV with the same columns.
    let csv = format!(
        "id,source,text,at,likes\ncsv1,social,\"Love it, truly\",{},7\n",
        ts(1)
    );
    let r = app
        .post("/api/v1/feedback", "text/csv", csv, Some(KEY))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["accepted"], 1);
    // Reads validate their parameters.
    for (q, code) in [
        ("touchpoint=support", "unsupported_filter"),
        ("audience=robots", "invalid_audience"),
        ("sentiment=meh", "invalid_sentiment"),
        ("page=0", "invalid_page"),
    ] {
        let r = app.get(&format!("/api/v1/feedback?{q}"), true).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{q}");
        assert_eq!(r.json()["code"], code);
    }
    assert_eq!(
        app.get("/api/v1/keywords", false).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Nothing stored was lost along the way.
    assert_eq!(read(&app, "/api/v1/feedback?range=7d").await["total"], 2);
}

#[tokio::test]
async fn survey_comments_become_feedback_once() {
    let app = spawn().await;
    let mut s = survey("s1", "csat", 1, 1);
    s["comment"] = json!("Billing was wrong again and nobody called back.");
    let mut p = survey("s2", "pss", 5, 1);
    p["comment"] = json!("Great partner portal, thanks!");
    p["partner_id"] = json!("p1");
    let batch = json!([s, p, survey("s3", "nps", 9, 1)]);
    assert_eq!(app.post_surveys(&batch).await.json()["accepted"], 3);
    assert_eq!(app.post_surveys(&batch).await.json()["duplicates"], 3);
    let customers = read(&app, "/api/v1/feedback?range=7d&source=survey").await;
    assert_eq!(customers["total"], 1);
    assert_eq!(customers["items"][0]["id"], "survey:s1");
    assert_eq!(customers["items"][0]["sentiment_label"], "negative");
    let partners = read(&app, "/api/v1/feedback?range=7d&audience=partner").await;
    assert_eq!(partners["total"], 1);
    assert_eq!(partners["items"][0]["partner_id"], "p1");

    // Responses stored without going through ingest (an older store) are back-filled.
    let mut direct = app::domain::survey::SurveyRecord::validate(
        serde_json::from_value(json!({"id": "old", "kind": "csat", "score": 5,
            "responded_at": ts(2), "comment": "Lovely"}))
        .unwrap(),
        server::clock::now_ms(),
    )
    .unwrap();
    direct.channel = "email".into();
    server::store::surveys::insert_batch(&app.state.store, vec![direct], server::clock::now_ms())
        .await
        .unwrap();
    let analyzer = app.state.sentiment.analyzer();
    let added = server::voice::backfill_survey_comments(
        &app.state.store,
        &analyzer,
        server::clock::now_ms(),
    )
    .await
    .unwrap();
    assert_eq!(added, 1);
    assert_eq!(
        server::voice::backfill_survey_comments(
            &app.state.store,
            &analyzer,
            server::clock::now_ms()
        )
        .await
        .unwrap(),
        0
    );
    // Re-scoring with an unchanged engine reads everything and changes nothing.
    let (read_n, changed) =
        server::voice::rescore_all(&app.state.store, &analyzer, None, server::clock::now_ms())
            .await
            .unwrap();
    assert_eq!((read_n, changed), (3, 0));
}

#[tokio::test]
async fn keywords_rank_by_contrast_and_a_cloud_word_filters_the_log() {
    let app = spawn().await;
    let mut batch = Vec::new();
    for i in 0..12 {
        batch.push(fb(
            &format!("p{i}"),
            "review",
            "Friendly agent and quick answers, great!",
            2,
        ));
        batch.push(fb(
            &format!("n{i}"),
            "review",
            "Slow response, awful deliveries, terrible.",
            2,
        ));
        batch.push(fb(
            &format!("m{i}"),
            "review",
            "The product arrived today.",
            2,
        ));
    }
    batch.push(fb("one", "review", "A late delivery again, sad", 1));
    assert_eq!(
        post_feedback(&app, &json!(batch)).await.json()["accepted"],
        37
    );
    let k = read(&app, "/api/v1/keywords?range=7d").await;
    let terms = |side: &str| -> Vec<String> {
        k[side]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["term"].as_str().unwrap().to_string())
            .collect()
    };
    let pos = terms("positive");
    let neg = terms("negative");
    assert!(pos.contains(&"friendly agent".to_string()), "{pos:?}");
    assert!(neg.contains(&"slow response".to_string()), "{neg:?}");
    assert!(neg.contains(&"delivery".to_string()), "{neg:?}");
    assert!(
        !pos.iter().chain(&neg).any(|t| t == "product"),
        "neutral words rank nowhere"
    );
    assert_eq!(k["texts"], 37);
    assert_eq!(k["sampled"], false);
    let cloud = k["cloud"].as_array().unwrap();
    let delivery = cloud.iter().find(|w| w["term"] == "delivery").unwrap();
    assert_eq!(delivery["count"], 13);
    // Clicking "delivery" lists the texts with "deliveries" and "delivery".
    let page = read(&app, "/api/v1/feedback?range=7d&term=delivery&per_page=50").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 13);
}

#[tokio::test]
async fn partner_accounts_read_their_own_partner_only() {
    let app = spawn().await;
    post_feedback(
        &app,
        &json!([
            {"id": "1", "source": "portal", "text": "Great enablement", "at": ts(1), "partner_id": "p1"},
            {"id": "2", "source": "portal", "text": "Poor margins", "at": ts(1), "partner_id": "p2"}
        ]),
    )
    .await;
    let cookie = app.session(Role::Partner, Some("p1")).await;
    let r = app
        .get_with("/api/v1/feedback?audience=partner&range=7d", &cookie)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["items"][0]["partner_id"], "p1");
    let other = app
        .get_with("/api/v1/feedback?audience=partner&partner=p2", &cookie)
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    // The page's server function answers with the same scope.
    let f = app
        .call_get("get_voice_page", Some(&cookie), "query=audience%3Dpartner")
        .await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.text);
    assert_eq!(f.json()["feedback"]["total"], 1);
    // And the page renders for a signed-in analyst.
    let analyst = app.session(Role::Analyst, None).await;
    let page = app.get_with("/voice?audience=partner", &analyst).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Word cloud"), "{}", page.text);
}

#[tokio::test]
async fn ticket_descriptions_become_feedback_and_older_versions_do_not_overwrite() {
    let app = spawn().await;
    let post = |body: Value| {
        let app = &app;
        async move {
            app.post(
                "/api/v1/tickets",
                "application/json",
                body.to_string(),
                Some(KEY),
            )
            .await
        }
    };
    let created = ts(2);
    let updated = ts(1);
    let v2 = json!([{"id": "t1", "created_at": created, "updated_at": updated, "channel": "email",
        "description": "The export is broken and nobody answers, awful."}]);
    let r = post(v2).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // An older version with another description arrives late: the ticket keeps v2, and so
    // does its feedback.
    let v1 = json!([{"id": "t1", "created_at": created, "updated_at": created, "channel": "email",
        "description": "Great help, thanks!"}]);
    assert_eq!(post(v1).await.json()["duplicates"], 1);
    // A replay of the stored version (a client retrying) leaves one text.
    let v2_again = json!([{"id": "t1", "created_at": created, "updated_at": updated, "channel": "email",
        "description": "The export is broken and nobody answers, awful."}]);
    assert_eq!(post(v2_again).await.json()["duplicates"], 1);
    let page = read(&app, "/api/v1/feedback?range=7d&source=ticket").await;
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], "ticket:t1");
    assert_eq!(page["items"][0]["channel"], "email");
    assert_eq!(page["items"][0]["sentiment_label"], "negative");
    let long = json!([{"id": "t2", "created_at": created, "description": "x".repeat(5_001)}]);
    let r = post(long).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["code"], "field_too_long");
}
