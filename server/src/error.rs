//! `ApiError`: the HTTP API's one error type, answered as `{"code", "message", "details"}`
//! with the right status. Internal causes are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An error answered by the HTTP API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
    details: Vec<serde_json::Value>,
    /// Seconds for a `Retry-After` header (overload answers).
    retry_after: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    details: &'a [serde_json::Value],
}

impl ApiError {
    /// An error with a status, a stable code and a message for people.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
        }
    }

    /// 503 `overloaded` with `Retry-After`: the server chose not to serve this request now.
    /// Nothing was stored; the same request may be sent again after `secs` seconds.
    pub fn overloaded(secs: u64, message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(secs),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "overloaded", message)
        }
    }

    /// Adds machine-readable details.
    pub fn with_details(mut self, details: Vec<serde_json::Value>) -> ApiError {
        self.details = details;
        self
    }

    /// 400 with a code.
    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: missing, unknown or revoked credential.
    pub fn unauthorized() -> ApiError {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "send a valid API key as `Authorization: Bearer <key>`",
        )
    }

    /// 403: a valid credential that does not cover this request.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 500: logs the cause, answers a generic message.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code.
    pub fn code(&self) -> &str {
        &self.code
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            // Every connection stayed busy for the pool's whole wait: load, not a fault.
            crate::store::StoreError::Sqlx(sqlx::Error::PoolTimedOut) => {
                tracing::warn!("store pool timed out: answering 503");
                ApiError::overloaded(1, "the store is busy: retry shortly")
            }
            e => ApiError::internal(e),
        }
    }
}

impl From<app::domain::access::AccessError> for ApiError {
    fn from(e: app::domain::access::AccessError) -> Self {
        let status = match e {
            app::domain::access::AccessError::Unauthenticated => StatusCode::UNAUTHORIZED,
            app::domain::access::AccessError::Forbidden(_) => StatusCode::FORBIDDEN,
        };
        ApiError::new(status, e.code(), e.to_string())
    }
}

impl From<app::domain::query::QueryError> for ApiError {
    fn from(e: app::domain::query::QueryError) -> Self {
        ApiError::bad_request(&e.code, e.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body {
            code: &self.code,
            message: &self.message,
            details: &self.details,
        };
        let mut resp = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        resp
    }
}
