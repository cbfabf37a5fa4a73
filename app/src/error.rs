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
            Self::Internal => "internal",
            Self::Transport(_) => "transport",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
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
