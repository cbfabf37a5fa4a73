//! The domain lexicon (issue 18, item 11): shipped customer-service words score texts the
//! general lexicon calls neutral; admins add, change and remove terms over the API and the
//! admin page's server functions; every change re-scores stored texts and their rollups, is
//! audited, and is refused to other roles; the voice filters apply to the whole page.

use crate::helpers::*;
use app::domain::access::Role;
use axum::http::StatusCode;
use serde_json::{json, Value};

async fn post_feedback(app: &TestApp, body: &Value) {
    let r = app
        .post(
            "/api/v1/feedback",
            "application/json",
            body.to_string(),
            Some(KEY),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

fn fb(id: &str, text: &str, days_ago: i64) -> Value {
    json!({"id": id, "source": "review", "text": text, "at": ts(days_ago)})
}

/// A lexicon request with a session cookie (from this site) or a bearer key.
async fn lexicon(
    app: &TestApp,
    method: &str,
    term: &str,
    body: Option<Value>,
    cookie: Option<&str>,
    key: Option<&str>,
) -> Reply {
    let auth = match (cookie, key) {
        (Some(c), _) => Auth::Cookie(c),
        (None, Some(k)) => Auth::Key(k),
        (None, None) => Auth::None,
    };
    let path = format!("/api/v1/voice/lexicon/{}", term.replace(' ', "%20"));
    app.json_call(method, &path, auth, body).await
}
/// Waits until stored texts are scored with the current lexicon.
async fn rescored(app: &TestApp) -> Value {
    for _ in 0..200 {
        let r = app.get("/api/v1/voice/lexicon", true).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let v = r.json();
        if v["rescore"]["running"] == false {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("re-scoring did not finish");
}

async fn label_of(app: &TestApp, id: &str) -> (String, f64) {
    let page = app
        .get("/api/v1/feedback?range=7d&per_page=200", true)
        .await
        .json();
    let item = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id} listed"))
        .clone();
    (
        item["sentiment_label"].as_str().expect("label").to_string(),
        item["sentiment_score"].as_f64().expect("score"),
    )
}

#[tokio::test]
async fn shipped_terms_score_customer_service_complaints() {
    let app = spawn().await;
    post_feedback(
        &app,
        &json!([
            fb("slow", "The delivery is slow and keeps crashing.", 1),
            fb("hold", "I was on hold for an hour", 1),
            fb("fast", "Fast delivery, on time", 1),
        ]),
    )
    .await;
    let (label, score) = label_of(&app, "slow").await;
    assert_eq!(label, "negative");
    // slow −1.5, "keeps crashing" −2.4: −3.9 / √(3.9² + 15), to four places.
    let want = (-3.9 / (3.9f64 * 3.9 + 15.0).sqrt() * 10_000.0).round() / 10_000.0;
    assert_eq!(score, want);
    assert_eq!(label_of(&app, "hold").await.0, "negative");
    assert_eq!(label_of(&app, "fast").await.0, "positive");
    let v = app.get("/api/v1/voice/lexicon", true).await.json();
    let terms = v["terms"].as_array().unwrap();
    let slow = terms.iter().find(|t| t["term"] == "slow").unwrap();
    assert_eq!(slow["valence"], -1.5);
    assert_eq!(slow["origin"], "default");
    assert!(!slow["note"].as_str().unwrap().is_empty());
    // Partner accounts and anonymous callers do not read it.
    let partner = app.session(Role::Partner, Some("p1")).await;
    let r = app.get_with("/api/v1/voice/lexicon", &partner).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/api/v1/voice/lexicon", false).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_admins_change_rescores_stored_texts_and_rollups_and_is_audited() {
    let app = spawn().await;
    post_feedback(
        &app,
        &json!([
            fb("lw1", "The checkout is lukewarm", 1),
            fb("lw2", "The reply was lukewarm today", 2),
            fb("good", "Great support", 2),
        ]),
    )
    .await;
    rescored(&app).await;
    assert_eq!(label_of(&app, "lw1").await.0, "neutral");
    let before = app.get("/api/v1/sentiment?range=7d", true).await.json();
    assert_eq!(before["overall"]["negative_pct"], 0.0);

    let admin = app.session(Role::Admin, None).await;
    let r = lexicon(
        &app,
        "PUT",
        "Lukewarm",
        Some(json!({"valence": -1.5, "note": "lukewarm is a complaint here"})),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["term"]["term"], "lukewarm");
    assert_eq!(r.json()["term"]["origin"], "custom");
    let v = rescored(&app).await;
    assert!(v["rescore"]["changed"].as_i64().unwrap() >= 2, "{v}");
    assert_eq!(label_of(&app, "lw1").await.0, "negative");
    assert_eq!(label_of(&app, "lw2").await.0, "negative");
    // The rollups moved with the facts: two of three texts are negative now.
    let after = app.get("/api/v1/sentiment?range=7d", true).await.json();
    assert_eq!(after["overall"]["n"], 3);
    let neg = after["overall"]["negative_pct"].as_f64().unwrap();
    assert!((neg - 200.0 / 3.0).abs() < 0.1, "{after}");
    // New texts are scored with it at once.
    post_feedback(&app, &json!([fb("lw3", "lukewarm", 0)])).await;
    assert_eq!(label_of(&app, "lw3").await.0, "negative");

    // A changed default, then restored.
    let r = lexicon(
        &app,
        "PUT",
        "slow",
        Some(json!({"valence": -3})),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json()["term"]["origin"], "changed");
    assert_eq!(r.json()["term"]["default_valence"], -1.5);
    let r = lexicon(&app, "DELETE", "slow", None, Some(&admin), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let v = rescored(&app).await;
    let slow = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["term"] == "slow")
        .unwrap()
        .clone();
    assert_eq!(
        (slow["valence"].as_f64(), slow["origin"].as_str()),
        (Some(-1.5), Some("default"))
    );

    // Removing the custom term re-scores back.
    let r = lexicon(&app, "DELETE", "lukewarm", None, None, Some(KEY)).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    rescored(&app).await;
    assert_eq!(label_of(&app, "lw1").await.0, "neutral");
    let r = lexicon(&app, "DELETE", "lukewarm", None, Some(&admin), None).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );

    let actions = app.audited("lexicon.").await;
    for want in [
        ("lexicon.put", "lukewarm"),
        ("lexicon.put", "slow"),
        ("lexicon.delete", "slow"),
        ("lexicon.delete", "lukewarm"),
    ] {
        assert!(
            actions.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?} in {actions:?}"
        );
    }
}

#[tokio::test]
async fn only_admins_and_lexicon_keys_change_it_and_bad_values_get_codes() {
    let app = spawn().await;
    let put = |v: Value| Some(v);
    let analyst = app.session(Role::Analyst, None).await;
    let r = lexicon(
        &app,
        "PUT",
        "meh",
        put(json!({"valence": -1})),
        Some(&analyst),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = lexicon(&app, "PUT", "meh", put(json!({"valence": -1})), None, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    server::store::keys::create_key(
        &app.state.store,
        "k-read",
        "read-only-key-0001",
        "read",
        "read",
        "test",
        server::clock::now_ms(),
    )
    .await
    .expect("key");
    let r = lexicon(
        &app,
        "PUT",
        "meh",
        put(json!({"valence": -1})),
        None,
        Some("read-only-key-0001"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let admin = app.session(Role::Admin, None).await;
    let cases = [
        (
            "meh",
            json!({"valence": 9}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_valence",
        ),
        (
            "slow!",
            json!({"valence": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_term",
        ),
        (
            "a b c d e",
            json!({"valence": -1}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_term",
        ),
        (
            "meh",
            json!({"valence": -1, "note": "x".repeat(201)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_note",
        ),
        (
            "meh",
            json!({"valence": "low"}),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
        (
            "meh",
            json!({"valence": -1, "colour": "red"}),
            StatusCode::BAD_REQUEST,
            "malformed_body",
        ),
    ];
    for (term, body, status, code) in cases {
        let r = lexicon(&app, "PUT", term, Some(body.clone()), Some(&admin), None).await;
        assert_eq!(
            (r.status, r.json()["code"].as_str()),
            (status, Some(code)),
            "{term} {body}"
        );
    }
    // Nothing was stored by the refusals.
    let v = app.get("/api/v1/voice/lexicon", true).await.json();
    assert!(v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["origin"] == "default"));

    // The admin page's server functions: admins only, same checks.
    let r = app
        .call("save_lexicon_term", Some(&analyst), "term=meh&valence=-1")
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = app
        .call("save_lexicon_term", Some(&admin), "term=meh&valence=lots")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    let r = app
        .call(
            "save_lexicon_term",
            Some(&admin),
            "term=on+the+phone&valence=%E2%88%920.5&note=why",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app.call_get("get_lexicon", Some(&admin), "").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.text.contains("on the phone"), "{}", r.text);
    let r = app
        .call("delete_lexicon_term", Some(&admin), "term=on+the+phone")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn voice_filters_narrow_the_whole_page_and_a_keyword_matches_whole_words() {
    let app = spawn().await;
    post_feedback(
        &app,
        &json!([
            fb("a1", "The app is great", 1),
            fb("a2", "Crashing app again", 1),
            fb("h1", "Happy with the support", 1),
            fb("h2", "Happy customer here", 2),
        ]),
    )
    .await;
    let all = app.get("/api/v1/sentiment?range=7d", true).await.json();
    assert_eq!(all["overall"]["n"], 4);
    // "app" is a stem of "happy" in SQL; the keyword is a word.
    let app_only = app
        .get("/api/v1/sentiment?range=7d&term=app", true)
        .await
        .json();
    assert_eq!(app_only["overall"]["n"], 2, "{app_only}");
    assert_eq!(app_only["overall"]["positive_pct"], 50.0);
    let trend_n: i64 = app_only["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["mix"]["n"].as_i64().unwrap())
        .sum();
    assert_eq!(trend_n, 2);
    let log = app
        .get("/api/v1/feedback?range=7d&term=app", true)
        .await
        .json();
    assert_eq!(log["total"], 2);
    // A search narrows the tiles and sources too.
    let q = app
        .get("/api/v1/sentiment?range=7d&q=happy", true)
        .await
        .json();
    assert_eq!(q["overall"]["n"], 2);
    assert_eq!(q["by_source"][0]["mix"]["n"], 2);
    // Nothing matches: zero, not an error.
    let none = app
        .get("/api/v1/sentiment?range=7d&q=zebra", true)
        .await
        .json();
    assert_eq!(none["overall"]["n"], 0);
    // The page says so.
    let cookie = app.session(Role::Analyst, None).await;
    let page = app.get_with("/voice?range=7d&q=zebra", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text.contains("data-testid=\"voice-empty\""),
        "zero-results notice"
    );
    assert!(page.text.contains("Clear the filters"));
}
