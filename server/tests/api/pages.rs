use crate::helpers::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_dashboard_renders_its_kpis_on_the_server() {
    let app = spawn().await;
    let batch: Vec<_> = (0..40)
        .map(|i| survey(&format!("p{i}"), "nps", if i < 30 { 10 } else { 0 }, 1))
        .collect();
    app.post_surveys(&json!(batch)).await;
    let r = app.get("/", true).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.content_type.starts_with("text/html"));
    assert!(r.text.contains(r#"data-metric="nps""#), "{}", r.text);
    // 75% promoters − 25% detractors.
    assert!(r.text.contains(">50.0<"), "NPS value missing");
    assert!(r.text.contains("n = 40"));
    assert!(r.text.contains("Not enough responses"), "CSAT has no data");
    assert!(r.text.contains("/pkg/signalroom.js"), "hydration script");
}

#[tokio::test]
async fn an_empty_store_shows_the_empty_state() {
    let app = spawn().await;
    let r = app.get("/", true).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(r#"data-testid="empty-state""#));
}

#[tokio::test]
async fn filters_in_the_url_shape_the_page() {
    let app = spawn().await;
    let mut a = survey("f1", "csat", 5, 1);
    a["region"] = json!("emea");
    let mut b = survey("f2", "csat", 1, 1);
    b["region"] = json!("<script>alert(1)</script>");
    app.post_surveys(&json!([a, b])).await;
    let r = app
        .get("/?region=emea&min_sample=1&metric=csat&by=region", true)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text.contains(">100.0%<"), "CSAT for emea only");
    // User-supplied values are escaped in the page.
    assert!(!r.text.contains("<script>alert(1)</script>"));
    assert!(r.text.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn an_invalid_view_is_a_400_page_with_the_reason() {
    let app = spawn().await;
    let r = app.get("/?from=2026-13-01", true).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("invalid_date"));
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let app = spawn().await;
    assert_eq!(
        app.get("/no/such/page", true).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn().await;
    assert_eq!(app.get("/healthz", false).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", false).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_summary_server_function_answers_json() {
    let app = spawn().await;
    app.post_surveys(&json!([survey("sf1", "nps", 9, 1)])).await;
    let r = app
        .get(
            "/api/fn/get_summary?query=range%3D7d%26min_sample%3D1",
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = r.json();
    assert_eq!(s["tiles"][0]["metric"], "nps");
    assert_eq!(s["tiles"][0]["value"], 100.0);
    assert_eq!(s["query"]["min_sample"], 1);
    let bad = app
        .get("/api/fn/get_summary?query=bucket%3Dhour", true)
        .await;
    assert!(
        bad.status.is_client_error() || bad.status.is_server_error(),
        "{}",
        bad.status
    );
    assert!(bad.text.contains("invalid_bucket"), "{}", bad.text);
}

/// Building a router renders the app once with resource loading suppressed process-wide (see
/// `server/src/http.rs`, `app_routes`); pages that other routers serve meanwhile must still
/// finish. Tests build one router per app on parallel threads, as this loop does.
#[tokio::test]
async fn pages_render_while_other_routers_are_built() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    let app = spawn().await;
    app.post_surveys(&json!([survey("r1", "nps", 10, 1)])).await;
    let stop = Arc::new(AtomicBool::new(false));
    let builder = {
        let (state, stop) = (app.state.clone(), stop.clone());
        let runtime = tokio::runtime::Handle::current();
        std::thread::spawn(move || {
            let _entered = runtime.enter();
            let mut built = 0u32;
            while !stop.load(Ordering::Relaxed) {
                drop(server::router(state.clone()));
                built += 1;
            }
            built
        })
    };
    for round in 0..40 {
        let r = tokio::time::timeout(Duration::from_secs(10), app.get("/", true))
            .await
            .unwrap_or_else(|_| panic!("round {round}: the page did not finish within 10 s"));
        assert_eq!(r.status, StatusCode::OK, "round {round}");
        assert!(r.text.contains(r#"data-metric="nps""#), "round {round}");
    }
    stop.store(true, Ordering::Relaxed);
    let built = builder.join().expect("the builder thread");
    assert!(built > 0, "routers were built while pages rendered");
}

/// A built site names its files by content (`scripts/build-site.sh`): pages load those names,
/// which are cached for good, while a name without a hash is revalidated.
#[tokio::test]
async fn a_built_site_serves_content_hashed_files_cached_for_good() {
    let site = std::env::temp_dir().join(format!("signalroom-site-{}", std::process::id()));
    let (js, wasm, css, charts) = (
        "0123456789abcdef",
        "1123456789abcdef",
        "2123456789abcdef",
        "3123456789abcdef",
    );
    std::fs::create_dir_all(site.join("pkg")).expect("pkg dir");
    std::fs::create_dir_all(site.join("assets")).expect("assets dir");
    std::fs::write(
        site.join("hash.txt"),
        format!("js: {js}\nwasm: {wasm}\ncss: {css}\necharts: {charts}\n"),
    )
    .expect("hash file");
    std::fs::write(site.join(format!("pkg/signalroom.{js}.js")), "export {}").expect("js");
    std::fs::write(site.join("pkg/plain.js"), "export {}").expect("plain js");
    let root = site.clone();
    let app = spawn_with(move |c| c.site_root = root).await;

    let page = app.get("/", true).await;
    assert_eq!(page.status, StatusCode::OK);
    for name in [
        format!("/pkg/signalroom.{js}.js"),
        format!("/pkg/signalroom.{wasm}.wasm"),
        format!("/pkg/signalroom.{css}.css"),
        format!("/assets/echarts.{charts}.js"),
    ] {
        assert!(page.text.contains(&name), "{name} in the page");
    }
    assert!(
        !page.text.contains("/pkg/signalroom.js"),
        "no unhashed name"
    );
    // The sign-in form needs neither the WASM nor the charts: only the styles.
    let login = app.get("/login", false).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text.contains(&format!("/pkg/signalroom.{css}.css")));
    for name in [".wasm", "signalroom.0123", "echarts."] {
        assert!(!login.text.contains(name), "{name} on the sign-in page");
    }

    let file = |path: String| {
        axum::http::Request::get(path)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let hashed = app.send_raw(file(format!("/pkg/signalroom.{js}.js"))).await;
    assert_eq!(hashed.status, StatusCode::OK);
    assert_eq!(
        hashed.header("cache-control"),
        "public, max-age=31536000, immutable"
    );
    let plain = app.send_raw(file("/pkg/plain.js".into())).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("cache-control"), "no-cache");
    // A missing file is not cached at all, whatever its name.
    let missing = app
        .send_raw(file(format!("/pkg/signalroom.{wasm}.js")))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.header("cache-control"), "no-cache");
    let _ = std::fs::remove_dir_all(&site);
}
