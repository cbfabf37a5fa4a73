//! Authorization for server functions: the server's middleware resolves the request's
//! credentials into a [`Principal`] in the request extensions; these helpers read it and make
//! refusals answer with the right HTTP status.

use crate::domain::access::{Permission, Principal};
use crate::error::AppError;
use leptos::prelude::use_context;

/// The client's address, put in the request extensions by the server, for the audit log.
#[derive(Clone, Debug)]
pub struct ClientIp(pub String);

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// The principal behind the current request, if any.
pub fn current() -> Option<Principal> {
    parts().and_then(|p| p.extensions.get::<Principal>().cloned())
}

/// The client's address.
pub fn client_ip() -> String {
    parts()
        .and_then(|p| p.extensions.get::<ClientIp>().map(|c| c.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}

/// The principal, if it has `permission`; otherwise 401 or 403.
pub fn require(permission: Permission) -> Result<Principal, AppError> {
    let p = current().ok_or(AppError::Unauthorized)?;
    p.require(permission)?;
    Ok(p)
}

/// Sets the response status from the error, so a refusal is a real 401/403/404, not a 500.
pub fn answer<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &result {
        if let (Some(opts), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(e.status()),
        ) {
            opts.set_status(status);
        }
    }
    result
}

/// Sets the page's Content-Security-Policy: scripts only from this site or carrying this
/// response's nonce (the hydration script gets it from Leptos), WASM allowed, no framing.
pub fn set_security_policy() {
    let Some(opts) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(v) = http::HeaderValue::from_str(&csp) {
        opts.insert_header(http::header::CONTENT_SECURITY_POLICY, v);
    }
}
