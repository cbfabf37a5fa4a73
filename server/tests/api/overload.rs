//! Overload is answered quickly with 503 and `Retry-After`, never a 500 or a 30 s wait
//! (issue 17, item 5).

use crate::helpers::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use server::http::shed::{Class, ClassLimits, Limits};
use std::time::{Duration, Instant};

fn tiny(c: &mut server::config::Config) {
    c.limits = Limits {
        reads: ClassLimits {
            in_flight: 1,
            queue: 0,
        },
        writes: ClassLimits {
            in_flight: 1,
            queue: 1,
        },
        queue_wait: Duration::from_millis(100),
    };
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn past_its_limit_a_class_is_shed_with_503_and_retry_after_while_probes_answer() {
    let app = spawn_with(tiny).await;
    let held = app.state.shedder.admit(Class::Read).await.expect("a turn");
    let started = Instant::now();
    let r = app.send_raw(get("/api/v1/support?range=7d")).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert!(r.text.contains("\"overloaded\""), "{}", r.text);
    assert_eq!(r.header("retry-after"), "1");
    assert!(started.elapsed() < Duration::from_secs(1));
    // Probes are never shed.
    let health = app.send_raw(get("/healthz")).await;
    assert_eq!(health.status, StatusCode::OK);
    drop(held);
    let r = app.send_raw(get("/api/v1/support?range=7d")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_shed_write_stores_nothing_and_a_queued_one_waits_its_turn_only_so_long() {
    let app = spawn_with(tiny).await;
    let held = app.state.shedder.admit(Class::Write).await.expect("a turn");
    let started = Instant::now();
    let r = app
        .post_surveys(&serde_json::json!([survey("shed-1", "nps", 9, 1)]))
        .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    // It queued (room for one) and gave up after the queue wait, well under a second.
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(90) && waited < Duration::from_secs(1),
        "{waited:?}"
    );
    assert_eq!(
        server::store::surveys::count(&app.state.store)
            .await
            .unwrap(),
        0
    );
    drop(held);
    let r = app
        .post_surveys(&serde_json::json!([survey("shed-1", "nps", 9, 1)]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        server::store::surveys::count(&app.state.store)
            .await
            .unwrap(),
        1
    );
}
