//! `GET /api/v1/metrics`: the metric catalogue; `GET /api/v1/metrics/{metric}`: the read API
//! (a `read`-scoped key, or a session: partner accounts read their own partner only).

use super::auth::{require_reader, scoped_query};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::metric as metric_view;
use app::domain::access::Principal;
use app::domain::catalogue::{MetricSpec, CATALOGUE};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
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
            queryable: metric_view::queryable(spec),
            target_set: targets.stored(spec.id),
        })
        .collect();
    Ok(Json(serde_json::json!({ "metrics": metrics })))
}

/// One metric with its comparison, series and breakdown under the filters of the query
/// string (`views/metric.rs`); `format=csv` or `Accept: text/csv` answers the series (or the
/// breakdown) as CSV.
pub async fn get_metric(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    Path(metric): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let spec = metric_view::spec(&metric)?;
    let raw = query.as_deref().unwrap_or("");
    let mut q = scoped_query(&state, &headers, principal.map(|p| p.0), Some(raw)).await?;
    let params = metric_view::check(spec, &mut q, raw)?;
    let report = metric_view::read(&state, spec, &q, &params).await?;
    let pairs = app::domain::query::decode_pairs(raw);
    let as_csv = match app::domain::query::param(&pairs, "format") {
        Some("csv") => true,
        Some("json") => false,
        Some(f) => {
            return Err(ApiError::bad_request(
                "invalid_format",
                format!("`format` must be json or csv, got {f:?}"),
            ))
        }
        None => headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/csv")),
    };
    if as_csv {
        let name = format!("attachment; filename=\"{}.csv\"", report.metric);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, name),
            ],
            metric_view::csv(&report),
        )
            .into_response());
    }
    Ok(Json(report).into_response())
}
