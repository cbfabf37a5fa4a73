//! Request middleware: resolve credentials into a principal, refuse cross-site state changes,
//! send anonymous visitors to the sign-in page, and set security headers.

use super::cookies;
use crate::error::ApiError;
use crate::state::AppState;
use app::api::auth::ClientIp;
use app::domain::access::{canonical_query, Principal};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::net::SocketAddr;

/// Paths that never need a principal (static files, probes, the sign-in flow).
fn is_public(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/auth/")
        || path.starts_with("/s/")
        || matches!(path, "/login" | "/healthz" | "/readyz" | "/favicon.svg")
}

/// The key-authenticated HTTP API (ingest, reads, tracking), as opposed to server functions.
fn is_key_api(path: &str) -> bool {
    path.starts_with("/api/v1/") || path.starts_with("/v1/")
}

/// Pages (HTML routes), as opposed to APIs and files.
fn is_page(path: &str) -> bool {
    !is_public(path) && !path.starts_with("/api/")
}

/// Resolves the session cookie (or else the share-link cookie) into a [`Principal`] in the
/// request extensions, and records the client address.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let forwarded = state
        .config
        .trust_forwarded
        .then(|| forwarded_for(req.headers()))
        .flatten();
    let ip = forwarded.unwrap_or_else(|| {
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "local".into())
    });
    req.extensions_mut().insert(ClientIp(ip));
    let path = req.uri().path();
    if path.starts_with("/pkg/") || path.starts_with("/assets/") {
        return next.run(req).await;
    }
    let headers = req.headers();
    let mut principal = None;
    // A request to the key API that carries a key authenticates by that key alone: its
    // cookies are ignored, so a cross-site page cannot add a junk `Authorization` header to
    // ride on the session while skipping the origin check (see `same_origin`).
    let by_key = is_key_api(path) && headers.contains_key(header::AUTHORIZATION);
    if by_key {
        return next.run(req).await;
    }
    if let Some(token) = cookies::read(headers, cookies::SESSION) {
        match state.auth.session_principal(&state.store, &token).await {
            Ok(p) => principal = p,
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    if principal.is_none() {
        if let Some(token) = cookies::read(headers, cookies::SHARE) {
            match state.auth.share_principal(&state.store, &token).await {
                Ok(p) => principal = p,
                Err(e) => return ApiError::from(e).into_response(),
            }
        }
    }
    if let Some(p) = principal {
        req.extensions_mut().insert(p);
    }
    next.run(req).await
}

/// The last hop of `X-Forwarded-For` (the one our proxy added), if it is an IP address.
fn forwarded_for(headers: &axum::http::HeaderMap) -> Option<String> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()?;
    last.trim()
        .parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

/// CSRF defence for every state-changing request a browser can make: it must come from this
/// site, as shown by `Origin` (or, lacking it, `Sec-Fetch-Site: same-origin` or a same-site
/// `Referer`). A cross-site form or fetch cannot forge these headers. Key-authenticated
/// requests to the `/api/v1/` API are not browser sessions and pass.
pub async fn same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    // The key-authenticated API: with an `Authorization` header the request is served by
    // the key alone (`authenticate` ignores its cookies), without cookies there is no
    // session to ride on. Either way a forged cross-site request gains nothing.
    if req.uri().path().starts_with("/api/v1/")
        && (h.contains_key(header::AUTHORIZATION) || !h.contains_key(header::COOKIE))
    {
        return next.run(req).await;
    }
    // The Segment tracking API authenticates by write key only, never by a session, and
    // browser SDKs post to it cross-site by design.
    if req.uri().path().starts_with("/v1/") {
        return next.run(req).await;
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let expected: Option<String> = match (&state.config.public_url, host) {
        (Some(u), _) => Some(u.clone()),
        (None, Some(host)) => Some(host.to_string()),
        (None, None) => None,
    };
    let matches = |url: &str| -> bool {
        let Some(expected) = &expected else {
            return false;
        };
        if state.config.public_url.is_some() {
            url == expected || url.starts_with(&format!("{expected}/"))
        } else {
            // Compare the authority (host:port) only: the scheme is unknown behind a proxy.
            let authority = url
                .split_once("://")
                .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
                .unwrap_or("");
            authority == expected
        }
    };
    let header_str = |name: &str| h.get(name).and_then(|v| v.to_str().ok());
    let ok = match header_str("origin") {
        Some(origin) => matches(origin),
        None => {
            header_str("sec-fetch-site") == Some("same-origin")
                || header_str("referer").is_some_and(matches)
        }
    };
    if ok {
        next.run(req).await
    } else {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "cross-site request refused: send it from the Signalroom page itself",
        )
        .into_response()
    }
}

/// Pages need a principal: anonymous visitors go to the sign-in page (and come back after);
/// share-link visitors stay on their one view.
pub async fn guard_pages(req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) || !is_page(req.uri().path()) {
        return next.run(req).await;
    }
    let principal = req.extensions().get::<Principal>().cloned();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    match principal {
        None => {
            let next = app::domain::query::percent_encode(&path_and_query);
            Redirect::to(&format!("/login?next={next}")).into_response()
        }
        Some(p) => {
            if let Some(view) = &p.view {
                let query = req.uri().query().unwrap_or("");
                if view.path != req.uri().path()
                    || canonical_query(&view.query) != canonical_query(query)
                {
                    let to = if view.query.is_empty() {
                        view.path.clone()
                    } else {
                        format!("{}?{}", view.path, view.query)
                    };
                    return Redirect::to(&to).into_response();
                }
            }
            let mut resp = next.run(req).await;
            // Pages carry private data: never store them in shared caches.
            resp.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            resp
        }
    }
}

/// Headers every response gets (pages add a CSP with their script nonce; others get a
/// deny-all CSP).
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    h.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_is_the_last_forwarded_hop() {
        let mut h = axum::http::HeaderMap::new();
        h.append(
            "x-forwarded-for",
            HeaderValue::from_static("1.1.1.1, 10.0.0.7"),
        );
        assert_eq!(forwarded_for(&h).as_deref(), Some("10.0.0.7"));
        h.append("x-forwarded-for", HeaderValue::from_static("203.0.113.9"));
        assert_eq!(forwarded_for(&h).as_deref(), Some("203.0.113.9"));
        let mut bad = axum::http::HeaderMap::new();
        bad.insert("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(forwarded_for(&bad), None);
    }

    #[test]
    fn only_the_sign_in_flow_files_and_probes_are_public() {
        for p in ["/login", "/auth/login", "/s/abc", "/pkg/x.wasm", "/healthz"] {
            assert!(is_public(p), "{p}");
        }
        for p in ["/", "/admin/users", "/api/fn/get_summary", "/loginx"] {
            assert!(!is_public(p), "{p}");
        }
        assert!(is_page("/admin/users"));
        assert!(!is_page("/api/v1/stream"));
    }
}
