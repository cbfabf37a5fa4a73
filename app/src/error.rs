//! `AppError`: the one error type that crosses from server functions to the browser. It never
//! carries internals: a database failure becomes `Internal` and a log line on the server.

use crate::domain::query::QueryError;
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

/// An error a server function reports to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The request was invalid; `code` is stable.
    #[error("{message}")]
    BadRequest { code: String, message: String },
    /// No valid session or share link: sign in (401).
    #[error("sign in to continue")]
    Unauthorized,
    /// Signed in, but not allowed (403). The message never names what exists.
    #[error("{0}")]
    Forbidden(String),
    /// What was asked for does not exist (or is not visible to the caller) (404).
    #[error("not found")]
    NotFound,
    /// Something failed on the server; details are in the server log only.
    #[error("internal error")]
    Internal,
    /// The call itself failed (network, encoding).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The stable code of this error.
    pub fn code(&self) -> &str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::Unauthorized => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound => "not_found",
            Self::Internal => "internal",
            Self::Transport(_) => "transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // Malformed arguments are the caller's mistake: a 400 with a stable code.
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                #[cfg(feature = "ssr")]
                if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                    opts.set_status(http::StatusCode::BAD_REQUEST);
                }
                AppError::BadRequest {
                    code: "invalid_arguments".into(),
                    message: format!("invalid arguments: {m}"),
                }
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

impl AppError {
    /// A 400 with a stable code.
    pub fn bad_request(code: &str, message: impl Into<String>) -> AppError {
        AppError::BadRequest {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::BadRequest { .. } => 400,
            Self::Unauthorized => 401,
            Self::Forbidden(_) => 403,
            Self::NotFound => 404,
            Self::Internal | Self::Transport(_) => 500,
        }
    }
}

impl From<crate::domain::access::AccessError> for AppError {
    fn from(e: crate::domain::access::AccessError) -> Self {
        match e {
            crate::domain::access::AccessError::Unauthenticated => AppError::Unauthorized,
            crate::domain::access::AccessError::Forbidden(m) => AppError::Forbidden(m.into()),
        }
    }
}

impl From<QueryError> for AppError {
    fn from(e: QueryError) -> Self {
        AppError::BadRequest {
            code: e.code,
            message: e.message,
        }
    }
}
