use app::domain::access::Role;
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
            for suffix in ["", "-wal", "-shm", ".lock"] {
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
    let app = spawn_without_key(adjust).await;
    keys::ensure_key(&app.state.store, KEY, "test", now_ms())
        .await
        .expect("create key");
    app
}

/// A fresh app on an entirely empty store: no key, no account, no fact.
pub async fn spawn_without_key(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let (url, sqlite_file) = fresh_database().await;
    let mut config = Config::for_database(&url);
    adjust(&mut config);
    let (tx, rx) = watch::channel(false);
    let state = AppState::open(config, rx).await.expect("open the store");
    TestApp {
        router: router(state.clone()),
        state,
        _shutdown: tx,
        sqlite_file,
    }
}

/// The password of every test account.
pub const PASSWORD: &str = "test-password-0001";

/// A response with its headers.
pub struct RawReply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub text: String,
}

impl RawReply {
    /// A header as text ("" when absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    /// Every `Set-Cookie` value.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }
}

/// `sr_session=<value>` from a response's `Set-Cookie`, if it sets a non-empty one.
pub fn session_cookie(r: &RawReply) -> Option<String> {
    named_cookie(r, "sr_session")
}

/// `name=<value>` from a response's `Set-Cookie`, if it sets a non-empty one.
pub fn named_cookie(r: &RawReply, name: &str) -> Option<String> {
    r.set_cookies().into_iter().find_map(|c| {
        let pair = c.split(';').next()?.to_string();
        let (k, v) = pair.split_once('=')?;
        (k == name && !v.is_empty()).then_some(pair)
    })
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

    /// GETs a path; when `auth`, as an analyst (session cookie) and with the test key.
    pub async fn get(&self, path: &str, auth: bool) -> Reply {
        let mut req = Request::get(path);
        if auth {
            let cookie = self.session(Role::Analyst, None).await;
            req = req
                .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
                .header(header::COOKIE, cookie);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// A signed-in session of a new account with `role` (and `partner`), as a `Cookie`
    /// header value.
    pub async fn session(&self, role: Role, partner: Option<&str>) -> String {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let email = format!("{}{n}@test.io", role.as_str());
        self.state
            .auth
            .create_user(&self.state.store, &email, "Test", role, partner, PASSWORD)
            .await
            .expect("create user")
            .expect("new address");
        self.login(&email).await
    }

    /// Signs `email` in with [`PASSWORD`] over HTTP; the session `Cookie` header value.
    pub async fn login(&self, email: &str) -> String {
        let r = self.send_raw(login_form(email, PASSWORD)).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login of {email}");
        session_cookie(&r).expect("a session cookie")
    }

    /// GETs `path` with a `Cookie` header.
    pub async fn get_with(&self, path: &str, cookie: &str) -> Reply {
        self.send(
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    /// Calls a POST server function with a form body, from this site (`Origin` matches).
    pub async fn call(&self, name: &str, cookie: Option<&str>, form: &str) -> Reply {
        let mut req = Request::post(format!("/api/fn/{name}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "localhost")
            .header("origin", "http://localhost");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(form.to_string())).expect("request"))
            .await
    }

    /// Calls a GET server function.
    pub async fn call_get(&self, name: &str, cookie: Option<&str>, query: &str) -> Reply {
        let mut req = Request::get(format!("/api/fn/{name}?{query}"))
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// Sends a request and keeps the response headers.
    pub async fn send_raw(&self, req: Request<Body>) -> RawReply {
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router answers");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        RawReply {
            status,
            headers,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        }
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

/// The sign-in form as a browser on this site posts it.
pub fn login_form(email: &str, password: &str) -> Request<Body> {
    Request::post("/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header("origin", "http://localhost")
        .body(Body::from(format!(
            "email={}&password={}",
            app::domain::query::percent_encode(email),
            app::domain::query::percent_encode(password)
        )))
        .expect("request")
}

/// One instant fixed for the whole test binary: timestamps built from it a moment apart (two
/// reports of one incident, a ticket's reply) differ by exactly the minutes a test names.
pub fn fixed_now() -> i64 {
    static NOW: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *NOW.get_or_init(now_ms)
}

/// An RFC 3339 timestamp `days_ago` days before now (at least one hour back).
pub fn ts(days_ago: i64) -> String {
    app::domain::date::format_rfc3339(data_instant(days_ago))
}

/// The instant test data of `days_ago` is stamped with: up to an hour before now, but never
/// before today's midnight (UTC), so "today" windows see today's data also just after
/// midnight.
pub fn data_instant(days_ago: i64) -> i64 {
    let now = now_ms();
    let since_midnight = now.rem_euclid(86_400_000);
    now - days_ago * 86_400_000 - (since_midnight / 2).min(3_600_000)
}

/// Today's date, `YYYY-MM-DD`.
pub fn day(days_ago: i64) -> String {
    app::domain::date::Day::from_epoch_ms(data_instant(days_ago)).to_string()
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

/// How a JSON call authenticates.
#[derive(Clone, Copy)]
pub enum Auth<'a> {
    /// A session cookie from this site (`name=value`).
    Cookie(&'a str),
    /// A bearer API key.
    Key(&'a str),
    /// Anonymous.
    None,
}

impl TestApp {
    /// Sends JSON with a method, as a session (`cookie`) or with a bearer key.
    pub async fn json_call(
        &self,
        method: &str,
        path: &str,
        auth: Auth<'_>,
        body: Option<serde_json::Value>,
    ) -> Reply {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::HOST, "localhost")
            .header("origin", "http://localhost");
        req = match auth {
            Auth::Cookie(c) => req.header(header::COOKIE, c),
            Auth::Key(k) => req.header(header::AUTHORIZATION, format!("Bearer {k}")),
            Auth::None => req,
        };
        let body = body.map(|b| Body::from(b.to_string())).unwrap_or_default();
        self.send(req.body(body).expect("request")).await
    }
}

impl TestApp {
    /// The audit log's (action, target) pairs of actions starting with `prefix`, newest first.
    pub async fn audited(&self, prefix: &str) -> Vec<(String, String)> {
        server::store::audit::list(
            &self.state.store,
            &server::store::audit::Filter {
                action_prefix: Some(prefix.into()),
                limit: 50,
                ..Default::default()
            },
        )
        .await
        .expect("audit")
        .into_iter()
        .map(|a| (a.action, a.target))
        .collect()
    }
}

/// An HTTP Basic header with `key` as the user, as Segment's SDKs send their write key.
pub fn basic(key: &str) -> String {
    use base64::Engine as _;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{key}:"))
    )
}

/// A Segment `track` call with a user id and/or an anonymous id.
pub fn ev(
    id: &str,
    user: Option<&str>,
    anon: Option<&str>,
    event: &str,
    at: String,
) -> serde_json::Value {
    let mut m =
        serde_json::json!({"type": "track", "messageId": id, "event": event, "timestamp": at});
    if let Some(u) = user {
        m["userId"] = serde_json::json!(u);
    }
    if let Some(a) = anon {
        m["anonymousId"] = serde_json::json!(a);
    }
    m
}
