//! The read spine: a view's query arrives parsed and scoped (`http/auth.rs` `scoped_query`),
//! is checked against what the view supports, computed, and fails with one [`ViewError`] that
//! maps to both the HTTP API's `{code, message}` and the server functions' `AppError`.
//!
//! The metric API (`metric.rs`) reads every catalogue metric through it.

pub mod metric;

use crate::error::ApiError;
use crate::store::StoreError;
use app::domain::query::QueryError;
use app::error::AppError;
use axum::http::StatusCode;

/// Why a view could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// A parameter is malformed or not supported by the view (400).
    #[error("{}: {}", .0.code, .0.message)]
    Query(QueryError),
    /// The reader may not see this view at all (403), e.g. a partner account and a figure
    /// that spans every customer.
    #[error("{0}")]
    Forbidden(String),
    /// No such thing (404), with a stable code.
    #[error("{code}: {message}")]
    NotFound { code: &'static str, message: String },
    /// Well-formed but cannot be answered as asked (422), with a stable code.
    #[error("{code}: {message}")]
    Unprocessable { code: &'static str, message: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<QueryError> for ViewError {
    fn from(e: QueryError) -> Self {
        ViewError::Query(e)
    }
}

impl From<ViewError> for ApiError {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::Query(q) => q.into(),
            ViewError::Forbidden(m) => ApiError::forbidden(m),
            ViewError::NotFound { code, message } => {
                ApiError::new(StatusCode::NOT_FOUND, code, message)
            }
            ViewError::Unprocessable { code, message } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            ViewError::Store(s) => s.into(),
        }
    }
}

impl From<ViewError> for AppError {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::Query(q) => q.into(),
            ViewError::Forbidden(m) => AppError::Forbidden(m),
            ViewError::NotFound { .. } => AppError::NotFound,
            ViewError::Unprocessable { code, message } => AppError::BadRequest {
                code: code.into(),
                message,
            },
            ViewError::Store(s) => {
                tracing::error!(error = %s, "view read failed");
                AppError::Internal
            }
        }
    }
}
