//! `GET /api/v1/metrics/{metric}`: the read API (a `read`-scoped key, or a session: partner
//! accounts read their own partner only).

use super::auth::{require_reader, Reader};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::metrics::ReportError;
use crate::state::AppState;
use app::domain::access::Principal;
use app::domain::date::Day;
use app::domain::metric::MetricId;
use app::domain::query::DashboardQuery;
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
    let reader = require_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let metric = MetricId::parse(&metric).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_metric",
            format!("no metric named {metric:?}"),
        )
    })?;
    let mut q =
        DashboardQuery::parse_str(query.as_deref().unwrap_or(""), Day::from_epoch_ms(now_ms()))?;
    if let Reader::Principal(p) = &reader {
        if p.is_share() {
            return Err(ApiError::forbidden("a share link opens its view only"));
        }
        p.scope_query(&mut q)?;
    }
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
