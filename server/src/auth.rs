//! Authentication: password hashing, random tokens and signed share links, cookies, and
//! the middleware that turns a request's credentials into an
//! [`app::domain::access::Principal`]. What a principal may then do is decided in
//! `app::domain::access`.

pub mod accounts;
pub mod cookies;
pub mod middleware;
pub mod passwords;
pub mod tokens;
