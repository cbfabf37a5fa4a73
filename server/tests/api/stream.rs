use crate::helpers::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use std::time::Duration;
use tower::ServiceExt;

#[tokio::test]
async fn a_committed_ingest_publishes_a_change_notice() {
    let app = spawn().await;
    let mut rx = app.state.bus.subscribe();
    app.post_surveys(&json!([
        survey("e1", "nps", 9, 3),
        survey("e2", "csat", 4, 1)
    ]))
    .await;
    let n = tokio::time::timeout(Duration::from_secs(2), rx.recv())
        .await
        .unwrap()
        .unwrap()
        .notice;
    assert_eq!(n.family, "surveys");
    assert_eq!(n.count, 2);
    assert_eq!(n.from.to_string(), day(3));
    assert_eq!(n.to.to_string(), day(1));
    // A replay changes nothing, so it announces nothing.
    app.post_surveys(&json!([survey("e1", "nps", 9, 3)])).await;
    assert!(tokio::time::timeout(Duration::from_millis(200), rx.recv())
        .await
        .is_err());
}

#[tokio::test]
async fn the_stream_sends_ready_then_change_events() {
    let app = spawn().await;
    let cookie = app.session(app::domain::access::Role::Viewer, None).await;
    let resp = app
        .router
        .clone()
        .oneshot(
            Request::get("/api/v1/stream")
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let mut body = resp.into_body();
    let mut text = String::new();
    let next = async |body: &mut Body| {
        let frame = tokio::time::timeout(Duration::from_secs(2), body.frame())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        String::from_utf8_lossy(&frame.into_data().unwrap()).into_owned()
    };
    text.push_str(&next(&mut body).await);
    assert!(text.contains("event: ready"), "{text}");
    app.post_surveys(&json!([survey("s1", "pnps", 10, 1)]))
        .await;
    let change = next(&mut body).await;
    assert!(change.contains("event: change"), "{change}");
    assert!(change.contains("\"kinds\":[\"pnps\"]"), "{change}");
}
