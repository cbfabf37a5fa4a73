use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use server::clock::now_ms;
use server::config::Config;
use server::store::keys;
use server::{router, AppState};
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::watch;
use tower::ServiceExt;

pub const KEY: &str = "test-ingest-key-0001";
static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// The app under test, on its own database.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    _shutdown: watch::Sender<bool>,
    sqlite_file: Option<std::path::PathBuf>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(f) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
            }
        }
    }
}

async fn fresh_database() -> (String, Option<std::path::PathBuf>) {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let unique = format!("{}_{n}_{}", std::process::id(), now_ms() % 1_000_000);
    match std::env::var("SIGNALROOM_TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            use sqlx::Connection;
            let name = format!("sr_test_{unique}");
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to the test PostgreSQL");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (format!("{base}/{name}"), None)
        }
        _ => {
            let path = std::env::temp_dir().join(format!("signalroom-test-{unique}.db"));
            (format!("sqlite://{}", path.display()), Some(path))
        }
    }
}

/// A fresh app with the test key.
pub async fn spawn() -> TestApp {
    spawn_with(|_| {}).await
}

/// A fresh app with adjusted configuration.
pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (url, sqlite_file) = fresh_database().await;
    let mut config = Config::for_database(&url);
    adjust(&mut config);
    let (tx, rx) = watch::channel(false);
    let state = AppState::open(config, rx).await.expect("open the store");
    keys::ensure_key(&state.store, KEY, "test", now_ms())
        .await
        .expect("create key");
    TestApp {
        router: router(state.clone()),
        state,
        _shutdown: tx,
        sqlite_file,
    }
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        Reply {
            status,
            content_type,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// POSTs a body with a content type, authenticated with `key` when given.
    pub async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: impl Into<Body>,
        key: Option<&str>,
    ) -> Reply {
        let mut req = Request::post(path).header(header::CONTENT_TYPE, content_type);
        if let Some(k) = key {
            req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
        }
        self.send(req.body(body.into()).expect("request")).await
    }

    /// POSTs JSON survey records with the test key.
    pub async fn post_surveys(&self, records: &serde_json::Value) -> Reply {
        self.post(
            "/api/v1/surveys",
            "application/json",
            records.to_string(),
            Some(KEY),
        )
        .await
    }

    /// GETs a path, with the test key when `auth`.
    pub async fn get(&self, path: &str, auth: bool) -> Reply {
        let mut req = Request::get(path);
        if auth {
            req = req.header(header::AUTHORIZATION, format!("Bearer {KEY}"));
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// The read API's answer for a metric (authenticated), asserting 200.
    pub async fn metric(&self, metric: &str, query: &str) -> serde_json::Value {
        let r = self
            .get(&format!("/api/v1/metrics/{metric}?{query}"), true)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()
    }
}

/// An RFC 3339 timestamp `days_ago` days before now (at least one hour back).
pub fn ts(days_ago: i64) -> String {
    app::domain::date::format_rfc3339(now_ms() - days_ago * 86_400_000 - 3_600_000)
}

/// Today's date, `YYYY-MM-DD`.
pub fn day(days_ago: i64) -> String {
    app::domain::date::Day::from_epoch_ms(now_ms() - days_ago * 86_400_000 - 3_600_000).to_string()
}

/// A survey record as JSON.
pub fn survey(id: &str, kind: &str, score: i64, days_ago: i64) -> serde_json::Value {
    serde_json::json!({"id": id, "kind": kind, "score": score, "responded_at": ts(days_ago)})
}

impl TestApp {
    /// POSTs survey batches concurrently (each through its own clone of the router) and
    /// returns each answer, in order.
    pub async fn post_concurrently(
        &self,
        bodies: Vec<String>,
    ) -> Vec<(StatusCode, serde_json::Value)> {
        let tasks: Vec<_> = bodies
            .into_iter()
            .map(|body| {
                let router = self.router.clone();
                tokio::spawn(async move {
                    let req = Request::post("/api/v1/surveys")
                        .header(header::CONTENT_TYPE, "application/json")
                        .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
                        .body(Body::from(body))
                        .expect("request");
                    let resp = router.oneshot(req).await.expect("router answers");
                    let status = resp.status();
                    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
                    (status, serde_json::from_slice(&bytes).expect("JSON answer"))
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.expect("task"));
        }
        out
    }
}
