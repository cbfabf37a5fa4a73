//! The two cookies: `sr_session` (a signed-in account) and `sr_share` (a share-link visit).

use axum::http::{header, HeaderMap, HeaderValue};

/// The session cookie's name.
pub const SESSION: &str = "sr_session";
/// The share-link cookie's name.
pub const SHARE: &str = "sr_share";

/// The value of cookie `name` in the request, if any (first wins).
pub fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty() && v.len() <= 512)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, `Secure` when asked, living `max_age_secs`
/// (0 deletes it).
pub fn set(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let v = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        max_age_secs.max(0)
    );
    // Names and values here are base64url or fixed, so this cannot fail.
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("invalid=1; Max-Age=0"))
}

/// A `Set-Cookie` value that deletes `name`.
pub fn clear(name: &str, secure: bool) -> HeaderValue {
    set(name, "", 0, secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; sr_session=abc ; sr_share=x.y.z"),
        );
        assert_eq!(read(&h, SESSION).as_deref(), Some("abc"));
        assert_eq!(read(&h, SHARE).as_deref(), Some("x.y.z"));
        assert_eq!(read(&h, "b"), None);
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_when_asked() {
        let c = set(SESSION, "t0k", 60, true);
        assert_eq!(
            c.to_str().unwrap(),
            "sr_session=t0k; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
        assert!(!clear(SESSION, false).to_str().unwrap().contains("Secure"));
    }
}
