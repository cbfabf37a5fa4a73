//! `GET /api/v1/metrics`: the metric catalogue; `GET /api/v1/metrics/{metric}`: the read API
//! (a `read`-scoped key, or a session: partner accounts read their own partner only).

use super::auth::{require_reader, scoped_query};
use crate::error::ApiError;
use crate::metrics::ReportError;
use crate::state::AppState;
use app::domain::access::Principal;
use app::domain::catalogue::{MetricSpec, CATALOGUE};
use app::domain::metric::MetricId;
use app::model::MetricReport;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Extension;
use axum::Json;

/// One catalogue entry on the wire: the entry itself plus what can be done with it today.
#[derive(serde::Serialize)]
struct Listed {
    #[serde(flatten)]
    spec: &'static MetricSpec,
    /// Whether an alert rule can watch it (`/api/v1/alert-rules`).
    alertable: bool,
    /// Whether `GET /api/v1/metrics/{id}` answers it.
    queryable: bool,
    /// The metric-wide target people set (`PUT /api/v1/targets/{id}`), `null` while the
    /// default applies: a number for a threshold, `{min, max}` for a band.
    target_set: Option<app::domain::target::Goal>,
}

/// Every figure of the product with its definition, unit, direction, dimensions, minimum
/// sample and default target (`app/src/domain/catalogue.rs`, `docs/metrics.md`).
pub async fn list_metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    require_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let targets = crate::store::targets::list(&state.store).await?;
    let metrics: Vec<Listed> = CATALOGUE
        .iter()
        .map(|spec| Listed {
            spec,
            alertable: app::domain::alert::catalogue::find(spec.id).is_some(),
            queryable: MetricId::parse(spec.id).is_some(),
            target_set: targets.stored(spec.id),
        })
        .collect();
    Ok(Json(serde_json::json!({ "metrics": metrics })))
}

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
