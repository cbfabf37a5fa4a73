//! `GET /api/v1/metrics/{metric}`: the read API (a `read`-scoped key, or a session: partner
//! accounts read their own partner only).

use super::auth::scoped_query;
use crate::error::ApiError;
use crate::metrics::ReportError;
use crate::state::AppState;
use app::domain::access::Principal;
use app::domain::metric::MetricId;
use app::model::MetricReport;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Extension;
use axum::Json;

/// One metric with its comparison and series, under the filters of the query string.
pub async fn get_metric(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(metric): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<MetricReport>, ApiError> {
    let q = scoped_query(&state, &headers, principal.map(|p| p.0), query.as_deref()).await?;
    let metric = MetricId::parse(&metric).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_metric",
            format!("no metric named {metric:?}"),
        )
    })?;
    match state.engine.report(metric, &q).await {
        Ok(r) => Ok(Json(r)),
        Err(ReportError::Metric(e)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mixed_ces_scales",
            e.to_string(),
        )),
        Err(ReportError::Store(e)) => Err(e.into()),
    }
}
