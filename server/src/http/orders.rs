//! `POST /api/v1/orders` (key scope `orders`) and `GET /api/v1/orders/summary` (a `read`
//! key or a session; partner accounts read their own partner only).

use super::auth::{require_key, scoped_query};
use super::ingest::{answer, read_batch};
use crate::error::ApiError;
use crate::ingest::{orders, IngestReport};
use crate::state::AppState;
use crate::store::orders::totals;
use app::domain::access::Principal;
use app::domain::dimension::Dimension;
use app::domain::query::QueryError;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use serde_json::{json, Value};

/// Upserts a batch of orders by id; a changed order moves its rollup contribution.
pub async fn post_orders(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<IngestReport>), ApiError> {
    require_key(&state, &headers, "orders").await?;
    let (format, bytes) = read_batch(&state, &headers, body).await?;
    answer(orders::ingest(&state, format, &bytes).await?)
}

/// Order figures per currency over the dashboard range, under at most one of `channel`,
/// `product_category` or `partner`: orders, revenue, AOV, on-time delivery, accuracy,
/// returns, lead time and margin.
pub async fn get_summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let q = scoped_query(&state, &headers, principal.map(|p| p.0), raw.as_deref()).await?;
    if q.filters.len() > 1
        || q.filters.keys().any(|d| {
            !matches!(
                d,
                Dimension::Channel | Dimension::ProductCategory | Dimension::Partner
            )
        })
    {
        return Err(QueryError::new(
            "unsupported_filter",
            "orders take at most one filter: channel, product_category or partner",
        )
        .into());
    }
    let filter = q
        .filters
        .iter()
        .next()
        .map(|(d, v)| (d.as_str(), v.as_str()));
    let rows = totals(&state.store, filter, q.from.0, q.to.0).await?;
    let currencies: Vec<Value> = rows
        .iter()
        .map(|(currency, a)| {
            json!({
                "currency": currency,
                "orders": a.orders,
                "revenue": a.revenue_cents as f64 / 100.0,
                "aov": a.aov(),
                "on_time_delivery_pct": a.on_time_pct(),
                "order_accuracy_pct": a.accuracy_pct(),
                "return_rate_pct": a.return_pct(),
                "lead_time_secs": a.lead_time_secs(),
                "margin_pct": a.margin_pct(),
            })
        })
        .collect();
    Ok(Json(
        json!({"from": q.from, "to": q.to, "currencies": currencies}),
    ))
}
