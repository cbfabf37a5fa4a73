//! The seam between server functions (in `app`) and the store (in `server`): the server
//! provides a [`Backend`] through Leptos context, so `app` never sees SQL.

use crate::domain::date::Day;
use crate::domain::query::DashboardQuery;
use crate::error::AppError;
use crate::model::Summary;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, sendable future.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What the dashboard's server functions need from the server.
pub trait DashboardBackend: Send + Sync + 'static {
    /// Today in UTC, by the server's clock (resolves relative ranges).
    fn today(&self) -> Day;
    /// Computes the executive summary for a resolved query.
    fn summary(&self, query: DashboardQuery) -> BoxFuture<'_, Result<Summary, AppError>>;
}

/// The backend, as provided in Leptos context.
#[derive(Clone)]
pub struct Backend(pub Arc<dyn DashboardBackend>);
