//! Access control: one test per rule of the matrix (roles × server functions and routes),
//! sessions, CSRF, share links and the audit log. Every refusal is checked for its status and
//! for leaking nothing.

use crate::helpers::*;
use app::domain::access::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::json;

const ROLES: [Role; 4] = [Role::Admin, Role::Analyst, Role::Viewer, Role::Partner];

async fn sessions(app: &TestApp) -> Vec<(Role, String)> {
    let mut out = Vec::new();
    for r in ROLES {
        let partner = (r == Role::Partner).then_some("p1");
        out.push((r, app.session(r, partner).await));
    }
    out
}

fn form_login(email: &str, password: &str, cookie: Option<&str>) -> Request<Body> {
    let mut req = Request::post("/auth/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "localhost")
        .header("origin", "http://localhost");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    req.body(Body::from(format!(
        "email={}&password={}&next=%2F%3Fchannel%3Demail",
        app::domain::query::percent_encode(email),
        app::domain::query::percent_encode(password)
    )))
    .expect("request")
}

#[tokio::test]
async fn signing_in_sets_a_hardened_cookie_and_returns_to_the_page_asked_for() {
    let app = spawn().await;
    let cookie = app.session(Role::Viewer, None).await;
    assert!(cookie.starts_with("sr_session="));
    let email = app.call_get("get_me", Some(&cookie), "").await.json()["email"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app.send_raw(form_login(&email, PASSWORD, None)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/?channel=email");
    let set = r
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("sr_session="))
        .unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"));
    assert!(!set.contains("Secure"), "plain HTTP in tests");
}

#[tokio::test]
async fn cookies_are_secure_when_configured() {
    let app = spawn_with(|c| c.cookie_secure = true).await;
    app.state
        .auth
        .create_user(
            &app.state.store,
            "s@test.io",
            "S",
            Role::Viewer,
            None,
            PASSWORD,
        )
        .await
        .unwrap();
    let r = app.send_raw(form_login("s@test.io", PASSWORD, None)).await;
    assert!(session_cookie(&r).is_some());
    assert!(r.set_cookies().iter().all(|c| c.contains("; Secure")));
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_audited_without_saying_which_half_was_wrong() {
    let app = spawn().await;
    app.state
        .auth
        .create_user(
            &app.state.store,
            "w@test.io",
            "W",
            Role::Viewer,
            None,
            PASSWORD,
        )
        .await
        .unwrap();
    let wrong = app
        .send_raw(form_login("w@test.io", "not the password", None))
        .await;
    let unknown = app
        .send_raw(form_login("nobody@test.io", PASSWORD, None))
        .await;
    for r in [&wrong, &unknown] {
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.header("location").starts_with("/login?error=invalid"));
        assert!(session_cookie(r).is_none());
    }
    let json_login = app
        .send_raw(
            Request::post("/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::HOST, "localhost")
                .header("origin", "http://localhost")
                .body(Body::from(
                    json!({"email": "w@test.io", "password": "nope"}).to_string(),
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(json_login.status, StatusCode::UNAUTHORIZED);
    assert!(json_login.text.contains("invalid_credentials"));
    let admin = app.session(Role::Admin, None).await;
    let log = app
        .call_get("list_audit", Some(&admin), "action=login.failure")
        .await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.text);
    let entries = log.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 3, "{entries:?}");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_even_for_the_right_password() {
    let app = spawn().await;
    app.state
        .auth
        .create_user(
            &app.state.store,
            "t@test.io",
            "T",
            Role::Viewer,
            None,
            PASSWORD,
        )
        .await
        .unwrap();
    for _ in 0..6 {
        app.send_raw(form_login("t@test.io", "wrong password!", None))
            .await;
    }
    let r = app.send_raw(form_login("t@test.io", PASSWORD, None)).await;
    assert!(
        r.header("location").starts_with("/login?error=throttled"),
        "{}",
        r.header("location")
    );
    assert!(!r.header("retry-after").is_empty());
    assert!(session_cookie(&r).is_none());
}

#[tokio::test]
async fn a_planted_session_cookie_is_never_adopted_at_sign_in() {
    let app = spawn().await;
    app.state
        .auth
        .create_user(
            &app.state.store,
            "f@test.io",
            "F",
            Role::Viewer,
            None,
            PASSWORD,
        )
        .await
        .unwrap();
    let planted = "sr_session=attacker-chosen-value-0123456789abcdef";
    let r = app
        .send_raw(form_login("f@test.io", PASSWORD, Some(planted)))
        .await;
    let issued = session_cookie(&r).unwrap();
    assert_ne!(issued, planted);
    assert_eq!(app.call_get("get_me", Some(planted), "").await.text, "null");
    // Signing in again rotates: the old session ends.
    let again = app
        .send_raw(form_login("f@test.io", PASSWORD, Some(&issued)))
        .await;
    let newer = session_cookie(&again).unwrap();
    assert_ne!(newer, issued);
    assert_eq!(app.call_get("get_me", Some(&issued), "").await.text, "null");
    assert!(app
        .call_get("get_me", Some(&newer), "")
        .await
        .text
        .contains("f@test.io"));
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = spawn().await;
    let cookie = app.session(Role::Analyst, None).await;
    let r = app
        .send_raw(
            Request::post("/auth/logout")
                .header(header::COOKIE, &cookie)
                .header(header::HOST, "localhost")
                .header("origin", "http://localhost")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("sr_session=;")));
    // The old cookie, replayed, opens nothing.
    let page = app.get_with("/", &cookie).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let f = app.call_get("get_summary", Some(&cookie), "query=").await;
    assert_eq!(f.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_nothing_is_rendered() {
    let app = spawn().await;
    app.post_surveys(&json!([survey("a1", "nps", 10, 1)])).await;
    let r = app
        .send_raw(Request::get("/?channel=email").body(Body::empty()).unwrap())
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/login?next=%2F%3Fchannel%3Demail");
    assert!(!r.text.contains("nps"));
    let login = app
        .send_raw(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.text.contains(r#"action="/auth/login""#));
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_the_security_headers() {
    let app = spawn().await;
    let cookie = app.session(Role::Viewer, None).await;
    let r = app
        .send_raw(
            Request::get("/")
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let csp = r.header("content-security-policy");
    assert!(
        !csp.contains("unsafe-inline'; style") && csp.contains("script-src 'self' 'nonce-"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    let script_src = csp
        .split(';')
        .find(|d| d.trim().starts_with("script-src"))
        .unwrap();
    assert!(!script_src.contains("unsafe-inline"), "{script_src}");
    let nonce = script_src
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        r.text.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the nonce"
    );
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert_eq!(r.header("referrer-policy"), "same-origin");
    assert_eq!(r.header("cache-control"), "private, no-store");
    let api = app
        .send_raw(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert!(api
        .header("content-security-policy")
        .starts_with("default-src 'none'"));
}

#[tokio::test]
async fn admin_reads_are_for_admins_only() {
    let app = spawn().await;
    let all = sessions(&app).await;
    for f in ["list_users", "list_api_keys", "list_audit"] {
        for (role, cookie) in &all {
            let r = app.call_get(f, Some(cookie), "").await;
            let want = if *role == Role::Admin {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{f} as {role:?}: {}", r.text);
            if want != StatusCode::OK {
                assert!(!r.text.contains("@test.io"), "nothing leaked: {}", r.text);
            }
        }
        assert_eq!(
            app.call_get(f, None, "").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn crafted_admin_writes_are_refused_for_every_other_role() {
    let app = spawn().await;
    let all = sessions(&app).await;
    let calls = [
        (
            "create_user",
            "email=evil%40x.io&name=Evil&role=admin&password=long%20enough%20password",
        ),
        ("update_user", "id=x&role=admin&status=active"),
        ("create_api_key", "name=evil&scopes=*"),
        ("revoke_api_key", "id=x"),
    ];
    for (f, body) in calls {
        for (role, cookie) in all.iter().filter(|(r, _)| *r != Role::Admin) {
            let r = app.call(f, Some(cookie), body).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{f} as {role:?}: {}",
                r.text
            );
        }
        assert_eq!(
            app.call(f, None, body).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let users = app.call_get("list_users", Some(&all[0].1), "").await.json();
    assert!(!users.to_string().contains("evil@x.io"));
}

#[tokio::test]
async fn an_admin_manages_accounts_and_every_change_is_audited() {
    let app = spawn().await;
    let admin = app.session(Role::Admin, None).await;
    let bad = app
        .call(
            "create_user",
            Some(&admin),
            "email=p%40x.io&name=P&role=partner&password=long%20enough%20password",
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text.contains("partner_required"));
    let weak = app
        .call(
            "create_user",
            Some(&admin),
            "email=p%40x.io&name=P&role=viewer&password=short",
        )
        .await;
    assert!(weak.text.contains("weak_password"));
    let ok = app
        .call("create_user", Some(&admin), "email=P%40X.io&name=%3Cb%3EPat%3C%2Fb%3E&role=partner&partner=p9&password=test-password-0001")
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let u = ok.json();
    assert_eq!(u["email"], "p@x.io");
    assert_eq!(u["partner"], "p9");
    let dup = app
        .call(
            "create_user",
            Some(&admin),
            "email=p%40x.io&name=P&role=viewer&password=long%20enough%20password",
        )
        .await;
    assert!(dup.text.contains("email_taken"));
    // The new account signs in; its name is escaped on the admin page.
    let p_cookie = app.login("p@x.io").await;
    let page = app.get_with("/admin/users", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("&lt;b&gt;Pat&lt;/b&gt;") && !page.text.contains("<b>Pat</b>"));
    // Deactivation ends its sessions at once.
    let id = u["id"].as_str().unwrap();
    let r = app
        .call(
            "update_user",
            Some(&admin),
            &format!("id={id}&role=partner&partner=p9&status=inactive"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        app.call_get("get_me", Some(&p_cookie), "").await.text,
        "null"
    );
    let log = app
        .call_get("list_audit", Some(&admin), "action=user.")
        .await
        .json();
    let actions: Vec<_> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["user.update", "user.create"]);
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted() {
    let app = spawn().await;
    let admin = app.session(Role::Admin, None).await;
    let me = app.call_get("list_users", Some(&admin), "").await.json();
    let id = me[0]["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            "update_user",
            Some(&admin),
            &format!("id={id}&role=viewer&status=active"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.text.contains("last_admin"));
}

#[tokio::test]
async fn partner_accounts_read_only_their_partner() {
    let app = spawn().await;
    let mut a = survey("pa1", "nps", 10, 1);
    a["partner_id"] = json!("p1");
    let mut b = survey("pa2", "nps", 0, 1);
    b["partner_id"] = json!("p2");
    app.post_surveys(&json!([a, b])).await;
    let partner = app.session(Role::Partner, Some("p1")).await;
    let own = app
        .call_get("get_summary", Some(&partner), "query=min_sample%3D1")
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    let s = own.json();
    assert_eq!(s["tiles"][0]["value"], 100.0, "only p1's promoter");
    assert_eq!(s["tiles"][0]["n"], 1);
    let partners = s["options"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["dimension"] == "partner")
        .unwrap()["values"]
        .clone();
    assert_eq!(
        partners,
        json!(["p1"]),
        "the filter menu lists no other partner"
    );
    let other = app
        .call_get("get_summary", Some(&partner), "query=partner%3Dp2")
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert!(!other.text.contains("p2\""), "{}", other.text);
    let api = app
        .get_with("/api/v1/metrics/nps?partner=p2", &partner)
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    let api_own = app
        .get_with("/api/v1/metrics/nps?min_sample=1", &partner)
        .await;
    assert_eq!(api_own.status, StatusCode::OK, "{}", api_own.text);
    assert_eq!(api_own.json()["n"], 1);
    // The page itself renders with the scope, and an analyst sees both partners.
    let analyst = app.session(Role::Analyst, None).await;
    let all = app
        .call_get("get_summary", Some(&analyst), "query=min_sample%3D1")
        .await
        .json();
    assert_eq!(all["tiles"][0]["n"], 2);
}

#[tokio::test]
async fn state_changes_without_proof_of_origin_are_refused() {
    let app = spawn().await;
    let admin = app.session(Role::Admin, None).await;
    let body = "name=k&scopes=surveys";
    let send = |origin: Option<&'static str>, fetch_site: Option<&'static str>| {
        let mut req = Request::post("/api/fn/create_api_key")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost")
            .header(header::COOKIE, &admin);
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        if let Some(s) = fetch_site {
            req = req.header("sec-fetch-site", s);
        }
        req.body(Body::from(body)).unwrap()
    };
    for (origin, site) in [
        (None, None),
        (Some("https://evil.example"), None),
        (None, Some("cross-site")),
        (Some("null"), None),
    ] {
        let r = app.send_raw(send(origin, site)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{origin:?} {site:?}");
        assert!(r.text.contains("csrf_failed"));
    }
    let keys = app.call_get("list_api_keys", Some(&admin), "").await.json();
    assert_eq!(
        keys.as_array().unwrap().len(),
        1,
        "only the test key: nothing was created"
    );
    assert_eq!(
        app.send_raw(send(None, Some("same-origin"))).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.send_raw(send(Some("http://localhost"), None))
            .await
            .status,
        StatusCode::OK
    );
    // A cross-site sign-in form is refused too (login CSRF).
    let r = app
        .send_raw(
            Request::post("/auth/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "localhost")
                .header("origin", "https://evil.example")
                .body(Body::from("email=a%40b.io&password=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_junk_authorization_header_does_not_carry_a_cookie_past_the_origin_check() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let before = app.get_with("/api/v1/alert-rules", &analyst).await.json()["rules"]
        .as_array()
        .map(Vec::len);
    let rule = json!({"name": "planted", "metric": "csat", "condition": {"type": "below", "threshold": 50},
                      "severity": "critical", "min_sample": 5, "for_secs": 0});
    let post = |origin: &str, authorization: Option<&str>| {
        let mut req = Request::post("/api/v1/alert-rules")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::HOST, "localhost")
            .header("origin", origin)
            .header(header::COOKIE, &analyst);
        if let Some(a) = authorization {
            req = req.header(header::AUTHORIZATION, a);
        }
        app.send_raw(req.body(Body::from(rule.to_string())).unwrap())
    };
    let r = post("http://evil.test", Some("Basic Zm9vOg==")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
    let after = app.get_with("/api/v1/alert-rules", &analyst).await.json()["rules"]
        .as_array()
        .map(Vec::len);
    assert_eq!(before, after, "nothing was created");
    // The same request from the site itself, by cookie, works.
    let ok = post("http://localhost", None).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
}

#[tokio::test]
async fn api_keys_are_scoped_revocable_and_shown_once() {
    let app = spawn().await;
    let admin = app.session(Role::Admin, None).await;
    let created = app
        .call("create_api_key", Some(&admin), "name=crm&scopes=read")
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    let c = created.json();
    let secret = c["secret"].as_str().unwrap().to_string();
    let id = c["key"]["id"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sr_"));
    let listed = app.call_get("list_api_keys", Some(&admin), "").await;
    assert!(!listed.text.contains(&secret), "the secret is never listed");
    let bad_scope = app
        .call("create_api_key", Some(&admin), "name=x&scopes=root")
        .await;
    assert!(bad_scope.text.contains("invalid_scope"));
    // A read key reads but cannot ingest.
    let read = app
        .send(
            Request::get("/api/v1/metrics/nps")
                .header("authorization", format!("Bearer {secret}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(read.status, StatusCode::OK);
    let ingest = app
        .post(
            "/api/v1/surveys",
            "application/json",
            json!([survey("k1", "nps", 9, 1)]).to_string(),
            Some(&secret),
        )
        .await;
    assert_eq!(ingest.status, StatusCode::FORBIDDEN);
    // Revoked: 401, nothing stored.
    let r = app
        .call("revoke_api_key", Some(&admin), &format!("id={id}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let read = app
        .send(
            Request::get("/api/v1/metrics/nps")
                .header("authorization", format!("Bearer {secret}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(read.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        server::store::surveys::count(&app.state.store)
            .await
            .unwrap(),
        0
    );
    let log = app
        .call_get("list_audit", Some(&admin), "action=key.")
        .await
        .json();
    assert_eq!(log["entries"].as_array().unwrap().len(), 2);
}

async fn share(app: &TestApp, cookie: &str, query: &str) -> String {
    let r = app
        .call(
            "create_share_link",
            Some(cookie),
            &format!(
                "path=%2F&query={}&label=Review&days=7",
                app::domain::query::percent_encode(query)
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["url"].as_str().expect("a url").to_string()
}

async fn open(app: &TestApp, url: &str) -> RawReply {
    app.send_raw(Request::get(url).body(Body::empty()).expect("request"))
        .await
}

#[tokio::test]
async fn a_share_link_opens_its_one_view_read_only() {
    let app = spawn().await;
    app.post_surveys(&json!([survey("s1", "nps", 10, 1)])).await;
    let analyst = app.session(Role::Analyst, None).await;
    let url = share(&app, &analyst, "range=30d&min_sample=1").await;
    let r = open(&app, &url).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/?range=30d&min_sample=1");
    assert_eq!(r.header("referrer-policy"), "no-referrer");
    let cookie = named_cookie(&r, "sr_share").unwrap();
    let page = app.get_with("/?min_sample=1&range=30d", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Shared view"));
    assert!(page.text.contains(r#"data-testid="shared-note""#));
    assert!(
        !page.text.contains(r#"data-testid="filter-bar""#),
        "a fixed view offers no filters"
    );
    // Other filters, other pages and every write are refused.
    let other = app
        .call_get("get_summary", Some(&cookie), "query=range%3D90d")
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    let moved = app.get_with("/shares", &cookie).await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.call_get("list_users", Some(&cookie), "").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call_get("list_share_links", Some(&cookie), "")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let reshare = app
        .call(
            "create_share_link",
            Some(&cookie),
            "path=%2F&query=&label=x&days=90",
        )
        .await;
    assert_eq!(reshare.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_with("/api/v1/metrics/nps", &cookie).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn tampered_expired_and_revoked_share_links_open_nothing() {
    let app = spawn().await;
    let analyst = app.session(Role::Analyst, None).await;
    let url = share(&app, &analyst, "range=30d").await;
    // Tampered: a later expiry, or a flipped signature byte.
    let token = url.trim_start_matches("/s/");
    let (id, rest) = token.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let later = format!("/s/{id}.9999999999999.{sig}");
    let mut flipped = url.clone();
    let last = flipped.pop().unwrap();
    flipped.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [later.as_str(), flipped.as_str(), "/s/garbage"] {
        let r = open(&app, bad).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{bad}");
        assert!(named_cookie(&r, "sr_share").is_none());
    }
    // Expired: a genuine signature over a past expiry.
    let expired_id = "00000000000000aa";
    let creator = app.call_get("get_me", Some(&analyst), "").await;
    assert_eq!(creator.status, StatusCode::OK);
    let users = server::store::users::list(&app.state.store).await.unwrap();
    let past = server::clock::now_ms() - 1_000;
    server::store::shares::insert(
        &app.state.store,
        &server::store::shares::NewShare {
            id: expired_id,
            created_by: &users[0].id,
            label: "old",
            path: "/",
            query: "",
            expires_at: past,
        },
        past - 10_000,
    )
    .await
    .unwrap();
    let expired = format!(
        "/s/{}",
        app.state.auth.signer().sign_share(expired_id, past)
    );
    assert_eq!(open(&app, &expired).await.status, StatusCode::FORBIDDEN);
    // Revoked: the cookie already handed out stops working too.
    let cookie = named_cookie(&open(&app, &url).await, "sr_share").unwrap();
    let links = app
        .call_get("list_share_links", Some(&analyst), "")
        .await
        .json();
    let link_id = links[0]["id"].as_str().unwrap().to_string();
    // A live link can be shown again; an expired one cannot be opened, so it has no URL.
    assert_eq!(links[0]["url"].as_str(), Some(url.as_str()));
    assert!(links
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == expired_id && l["url"].is_null()));
    let viewer = app.session(Role::Viewer, None).await;
    let not_yours = app
        .call("revoke_share_link", Some(&viewer), &format!("id={link_id}"))
        .await;
    assert_eq!(not_yours.status, StatusCode::NOT_FOUND);
    let r = app
        .call(
            "revoke_share_link",
            Some(&analyst),
            &format!("id={link_id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(open(&app, &url).await.status, StatusCode::FORBIDDEN);
    let links = app
        .call_get("list_share_links", Some(&analyst), "")
        .await
        .json();
    assert!(
        links[0]["url"].is_null(),
        "a revoked link is not shown: {links}"
    );
    let f = app
        .call_get("get_summary", Some(&cookie), "query=range%3D30d")
        .await;
    assert_eq!(f.status, StatusCode::UNAUTHORIZED);
    let admin = app.session(Role::Admin, None).await;
    let log = app
        .call_get("list_audit", Some(&admin), "action=share.")
        .await
        .json();
    let actions: Vec<_> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(actions, ["share.revoke", "share.use", "share.create"]);
}

#[tokio::test]
async fn a_partners_share_link_never_widens_its_scope() {
    let app = spawn().await;
    let mut a = survey("w1", "nps", 10, 1);
    a["partner_id"] = json!("p1");
    let mut b = survey("w2", "nps", 0, 1);
    b["partner_id"] = json!("p2");
    app.post_surveys(&json!([a, b])).await;
    let partner = app.session(Role::Partner, Some("p1")).await;
    let refused = app
        .call(
            "create_share_link",
            Some(&partner),
            "path=%2F&query=partner%3Dp2&label=x&days=7",
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let url = share(&app, &partner, "min_sample=1").await;
    let cookie = named_cookie(&open(&app, &url).await, "sr_share").unwrap();
    let s = app
        .call_get("get_summary", Some(&cookie), "query=min_sample%3D1")
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.json()["tiles"][0]["n"], 1, "p1's rows only");
}

#[tokio::test]
async fn the_stream_needs_a_reader_and_partners_hear_only_their_changes() {
    let app = spawn().await;
    let anon = app
        .send_raw(Request::get("/api/v1/stream").body(Body::empty()).unwrap())
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    let mut rx = app.state.bus.subscribe();
    let mut a = survey("x1", "nps", 10, 1);
    a["partner_id"] = json!("p2");
    app.post_surveys(&json!([a])).await;
    let change = rx.recv().await.unwrap();
    assert!(change.for_partner(Some("p1")).is_none());
    assert_eq!(change.for_partner(Some("p2")).unwrap().count, 1);
}

#[tokio::test]
async fn malformed_server_function_arguments_are_a_400() {
    let app = spawn().await;
    let admin = app.session(Role::Admin, None).await;
    let r = app
        .call("create_share_link", Some(&admin), "path=%2F&days=seven")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    assert!(r.text.contains("invalid_arguments"), "{}", r.text);
}

#[tokio::test]
async fn a_key_authenticated_ingest_needs_no_origin_even_with_cookies() {
    let app = spawn().await;
    let cookie = app.session(Role::Viewer, None).await;
    let r = app
        .send(
            Request::post("/api/v1/surveys")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {KEY}"))
                .header(header::COOKIE, cookie.clone())
                .body(Body::from(json!([survey("c1", "nps", 9, 1)]).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Without a key, a cookie alone does not ingest.
    let r = app
        .send(
            Request::post("/api/v1/surveys")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::COOKIE, cookie)
                .header(header::HOST, "localhost")
                .header("origin", "http://localhost")
                .body(Body::from(json!([survey("c2", "nps", 9, 1)]).to_string()))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn every_route_answers_each_role_as_the_matrix_says() {
    let app = spawn().await;
    let all = sessions(&app).await;
    let (ok, see_other, unauth, forbidden) = (
        StatusCode::OK,
        StatusCode::SEE_OTHER,
        StatusCode::UNAUTHORIZED,
        StatusCode::FORBIDDEN,
    );
    // (path, admin, analyst, viewer, partner, anonymous)
    let matrix = [
        ("/", [ok, ok, ok, ok], see_other),
        ("/shares", [ok, ok, ok, ok], see_other),
        (
            "/admin/users",
            [ok, forbidden, forbidden, forbidden],
            see_other,
        ),
        (
            "/admin/keys",
            [ok, forbidden, forbidden, forbidden],
            see_other,
        ),
        (
            "/admin/audit",
            [ok, forbidden, forbidden, forbidden],
            see_other,
        ),
        ("/api/v1/metrics/nps", [ok, ok, ok, ok], unauth),
        // Alerts are the team's: partner accounts see neither inbox nor rules.
        ("/alerts", [ok, ok, ok, forbidden], see_other),
        ("/alerts/rules", [ok, ok, ok, forbidden], see_other),
        ("/api/v1/alerts", [ok, ok, ok, forbidden], unauth),
        ("/api/v1/alert-rules", [ok, ok, ok, forbidden], unauth),
        (
            "/api/fn/get_alerts_page?view=",
            [ok, ok, ok, forbidden],
            unauth,
        ),
        ("/api/fn/get_alert_counts", [ok, ok, ok, ok], unauth),
        ("/api/fn/get_summary?query=", [ok, ok, ok, ok], unauth),
        ("/api/fn/list_share_links", [ok, ok, ok, ok], unauth),
        (
            "/api/fn/list_users",
            [ok, forbidden, forbidden, forbidden],
            unauth,
        ),
    ];
    for (path, want, anonymous) in matrix {
        for ((role, cookie), want) in all.iter().zip(want) {
            let r = app.get_with(path, cookie).await;
            assert_eq!(r.status, want, "{path} as {role:?}");
        }
        let r = app
            .send(Request::get(path).body(Body::empty()).unwrap())
            .await;
        assert_eq!(r.status, anonymous, "{path} anonymously");
        assert!(!r.text.contains("@test.io"), "{path}: nothing leaked");
    }
}
