//! The sign-in flow as plain HTTP, so it works before (and without) the WASM bundle:
//! `POST /auth/login`, `POST /auth/logout` and `GET /s/{token}` (open a share link).

use crate::auth::accounts::{record, LoginError};
use crate::auth::cookies;
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::shares;
use app::api::auth::ClientIp;
use app::domain::access::{safe_next, Actor, Principal};
use app::domain::query::{decode_pairs, percent_encode};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Json};
use serde::Deserialize;

#[derive(Deserialize)]
struct LoginInput {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn parse_login(headers: &HeaderMap, body: &[u8]) -> Result<LoginInput, ApiError> {
    if is_json(headers) {
        return serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(
                "malformed_body",
                format!("expected {{email, password}}: {e}"),
            )
        });
    }
    let text = std::str::from_utf8(body)
        .map_err(|_| ApiError::bad_request("malformed_body", "the form is not UTF-8"))?;
    let pairs = decode_pairs(text);
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    match (get("email"), get("password")) {
        (Some(email), Some(password)) => Ok(LoginInput {
            email,
            password,
            next: get("next").unwrap_or_default(),
        }),
        _ => Err(ApiError::bad_request(
            "malformed_body",
            "the form needs email and password",
        )),
    }
}

fn with_cookies(mut resp: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    resp
}

/// Signs in. A form post answers 303 to `next` (a local path) or back to the sign-in page
/// with `error=invalid|throttled`; JSON answers 200, 401 `invalid_credentials` or 429
/// `too_many_attempts` with `Retry-After`. Always a new session: one the browser brought is
/// ended first (rotation on sign-in defeats session fixation).
pub async fn login(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json = is_json(&headers);
    let input = match parse_login(&headers, &body) {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    if input.password.len() > 1024 {
        return ApiError::bad_request("malformed_body", "password too long").into_response();
    }
    let secure = state.auth.cookie_secure;
    if let Some(old) = cookies::read(&headers, cookies::SESSION) {
        if let Err(e) = state.auth.logout(&state.store, &old).await {
            return ApiError::from(e).into_response();
        }
    }
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let next = safe_next(&input.next).to_string();
    match state
        .auth
        .login(&state.store, &input.email, &input.password, &ip.0, ua)
        .await
    {
        Ok(s) => {
            let set = vec![
                cookies::set(cookies::SESSION, &s.token, s.max_age_secs, secure),
                cookies::clear(cookies::SHARE, secure),
            ];
            let resp = if json {
                Json(serde_json::json!({
                    "email": s.user.email,
                    "role": s.user.role,
                }))
                .into_response()
            } else {
                Redirect::to(&next).into_response()
            };
            with_cookies(resp, set)
        }
        Err(LoginError::Invalid) => {
            let clear = vec![cookies::clear(cookies::SESSION, secure)];
            let resp = if json {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "invalid_credentials",
                    "e-mail or password is wrong",
                )
                .into_response()
            } else {
                Redirect::to(&format!(
                    "/login?error=invalid&next={}",
                    percent_encode(&next)
                ))
                .into_response()
            };
            with_cookies(resp, clear)
        }
        Err(LoginError::Throttled(ms)) => {
            let secs = (ms + 999) / 1000;
            let mut resp = if json {
                ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    format!("too many failed sign-ins: retry in {secs} s"),
                )
                .into_response()
            } else {
                Redirect::to(&format!(
                    "/login?error=throttled&next={}",
                    percent_encode(&next)
                ))
                .into_response()
            };
            retry_after(&mut resp, secs);
            resp
        }
        Err(LoginError::Busy(ms)) => {
            let secs = (ms + 999) / 1000;
            let mut resp = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                format!("sign-in is busy: retry in {secs} s"),
            )
            .into_response();
            retry_after(&mut resp, secs);
            resp
        }
        Err(LoginError::Store(e)) => ApiError::from(e).into_response(),
    }
}

fn retry_after(resp: &mut Response, secs: i64) {
    if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

/// Signs out: the session ends on the server, both cookies are cleared.
pub async fn logout(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    principal: Option<Extension<Principal>>,
    headers: HeaderMap,
) -> Response {
    if let Some(token) = cookies::read(&headers, cookies::SESSION) {
        if let Err(e) = state.auth.logout(&state.store, &token).await {
            return ApiError::from(e).into_response();
        }
    }
    if let Some(Extension(p)) = &principal {
        if !p.is_share() {
            record(&state.store, &p.label(), "logout", &p.label(), "", &ip.0).await;
        }
    }
    let secure = state.auth.cookie_secure;
    let resp = if is_json(&headers) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        Redirect::to("/login").into_response()
    };
    with_cookies(
        resp,
        vec![
            cookies::clear(cookies::SESSION, secure),
            cookies::clear(cookies::SHARE, secure),
        ],
    )
}

/// Opens a share link: a genuine, unexpired, unrevoked token sets the share cookie and
/// redirects to its view; anything else is one 403 page that does not say which check
/// failed.
pub async fn open_share(
    State(state): State<AppState>,
    Extension(ip): Extension<ClientIp>,
    Path(token): Path<String>,
) -> Response {
    let principal = match state.auth.share_principal(&state.store, &token).await {
        Ok(p) => p,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let (Some(p), Some((_, expires))) = (principal, state.auth.signer().verify_share(&token))
    else {
        let mut resp = (
            StatusCode::FORBIDDEN,
            Html(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Link unavailable · Signalroom</title></head>\
                 <body><h1>This link is not available</h1><p>It is invalid, has expired or was revoked. \
                 Ask the person who shared it for a new one.</p></body></html>",
            ),
        )
            .into_response();
        resp.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        return resp;
    };
    let Actor::Share { link_id, .. } = &p.actor else {
        return ApiError::internal("share principal without a link").into_response();
    };
    if let Err(e) = shares::record_use(&state.store, link_id, now_ms()).await {
        return ApiError::from(e).into_response();
    }
    record(&state.store, &p.label(), "share.use", link_id, "", &ip.0).await;
    let view = p
        .view
        .clone()
        .unwrap_or_else(|| app::domain::access::SharedView {
            path: "/".into(),
            query: String::new(),
        });
    let to = if view.query.is_empty() {
        view.path
    } else {
        format!("{}?{}", view.path, view.query)
    };
    let max_age = (expires - now_ms()) / 1000;
    let mut resp = with_cookies(
        Redirect::to(&to).into_response(),
        vec![cookies::set(
            cookies::SHARE,
            &token,
            max_age,
            state.auth.cookie_secure,
        )],
    );
    // The token is in this URL: never send it onwards as a referrer.
    resp.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    resp
}
