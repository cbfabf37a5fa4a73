//! Server functions of the executive summary.

use crate::error::AppError;
use crate::model::Summary;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The executive summary for a view given as its URL query string (`channel=email&range=90d`).
/// GET, so it caches. Who may call it: anyone who may see the dashboard (no accounts yet; the
/// access-control issue adds the check here).
#[server(prefix = "/api/fn", endpoint = "get_summary", input = GetUrl)]
pub async fn get_summary(query: String) -> Result<Summary, AppError> {
    let backend = use_context::<crate::api::backend::Backend>().ok_or(AppError::Internal)?;
    let q = crate::domain::query::DashboardQuery::parse_str(&query, backend.0.today())?;
    backend.0.summary(q).await
}
