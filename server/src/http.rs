//! HTTP: the ingest and read API, the live stream, health checks, static files and the
//! Leptos app, assembled by [`router`].

mod alerts;
mod auth;
mod events;
mod health;
mod incidents;
mod ingest;
mod metrics;
mod orders;
mod partners;
mod session;
pub mod shed;
mod stream;
mod support;
mod targets;
mod voice;
mod workflows;

use crate::access::AccessService;
use crate::auth::middleware;
use crate::state::AppState;
use app::api::backend::{Access, Alerts, Backend};
use app::{shell, App};
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::{Arc, OnceLock};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The app's page routes, generated once per process.
///
/// Generating them renders the app with resource loading suppressed by a process-wide flag
/// (leptos_server's `SuppressResourceLoad`): a resource first polled while the flag is up waits
/// for good. Tests build one router per app on parallel threads, so a second generation could
/// park another app's page render until the request timeout (a 408 seen in CI). Once is enough:
/// the list depends on `App` alone.
fn app_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// `name.<16 hex digits>.ext`: a file named by its content's hash (`scripts/build-site.sh`).
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split('.')
        .rev()
        .nth(1)
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Sets how long browsers keep a static file: a year for content-hashed names, revalidation
/// for the rest.
async fn cache_policy(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let hashed = is_content_hashed(req.uri().path());
    let mut resp = next.run(req).await;
    let value = if hashed && resp.status().is_success() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    resp
}

/// The whole application as one router.
pub fn router(state: AppState) -> Router {
    let backend = Backend(Arc::new(state.engine.clone()));
    let access = Access(Arc::new(AccessService {
        store: state.store.clone(),
        auth: state.auth.clone(),
        sentiment: state.sentiment.clone(),
        bus: state.bus.clone(),
    }));
    let alerts_backend = Alerts(Arc::new(crate::alerts::service::AlertsService {
        store: state.store.clone(),
        engine: state.alerts.clone(),
    }));
    let leptos_options = state.leptos.clone();
    let routes = app_routes();
    let site = state.config.site_root.clone();
    // Content-hashed names (`scripts/build-site.sh`) never change content: cached for good.
    // Anything else revalidates (cheap: ETag / Last-Modified).
    let static_files = |dir: &str| {
        tower::ServiceBuilder::new()
            .layer(axum::middleware::from_fn(cache_policy))
            .service(
                ServeDir::new(site.join(dir))
                    .precompressed_br()
                    .precompressed_gzip(),
            )
    };
    let timed = Router::new()
        .route("/api/v1/surveys", post(ingest::post_surveys))
        .route(
            "/api/v1/tickets",
            post(ingest::post_tickets).get(support::get_tickets),
        )
        .route("/api/v1/metrics", get(metrics::list_metrics))
        .route("/api/v1/metrics/{metric}", get(metrics::get_metric))
        .route("/api/v1/targets", get(targets::list_targets))
        .route(
            "/api/v1/targets/{metric}",
            axum::routing::put(targets::put_target).delete(targets::delete_target),
        )
        .route("/api/v1/support", get(support::get_support))
        .route(
            "/api/v1/feedback",
            get(voice::list_feedback).post(voice::post_feedback),
        )
        .route("/api/v1/keywords", get(voice::get_keywords))
        .route("/api/v1/voice/lexicon", get(voice::get_lexicon))
        .route(
            "/api/v1/voice/lexicon/{term}",
            axum::routing::put(voice::put_lexicon_term).delete(voice::delete_lexicon_term),
        )
        .route("/api/v1/orders", post(orders::post_orders))
        .route("/v1/{call}", post(events::post_tracking))
        .route("/api/v1/marketing-spend", post(events::post_spend))
        .route("/api/v1/journey", get(events::get_journey))
        .route("/api/v1/commerce", get(events::get_commerce))
        .route("/api/v1/orders/summary", get(orders::get_summary))
        .route(
            "/api/v1/partners",
            get(partners::get_partners).post(partners::post_partners),
        )
        .route("/api/v1/partners/{id}", get(partners::get_partner))
        .route("/api/v1/partner-activity", post(partners::post_activity))
        .route("/api/v1/inventory", post(partners::post_inventory))
        .route("/api/v1/sentiment", get(voice::get_sentiment))
        .route("/api/v1/social", get(voice::get_social))
        .route(
            "/api/v1/support/vip-outreach",
            get(incidents::get_vip_outreach),
        )
        .route(
            "/api/v1/incidents",
            post(ingest::post_incidents).get(incidents::get_incidents),
        )
        .route("/api/v1/webhooks/pagerduty", post(ingest::post_pagerduty))
        .route("/api/v1/webhooks/jira", post(ingest::post_jira))
        .route("/api/v1/webhooks/linear", post(ingest::post_linear))
        .route(
            "/api/v1/workflows",
            post(ingest::post_workflows).get(workflows::get_workflows),
        )
        .route("/api/v1/workflows/{id}", get(workflows::get_workflow))
        .route("/api/v1/tasks", post(ingest::post_tasks))
        .route(
            "/api/v1/automation-runs",
            post(ingest::post_automation_runs),
        )
        .route(
            "/api/v1/alert-rules",
            get(alerts::list_rules).post(alerts::create_rule),
        )
        .route("/api/v1/alert-rules/test", post(alerts::test_rule))
        .route(
            "/api/v1/alert-rules/{id}",
            get(alerts::get_rule)
                .put(alerts::put_rule)
                .delete(alerts::delete_rule),
        )
        .route(
            "/api/v1/alert-silences",
            get(alerts::list_silences).post(alerts::create_silence),
        )
        .route(
            "/api/v1/alert-silences/{id}",
            axum::routing::delete(alerts::end_silence),
        )
        .route("/api/v1/alerts", get(alerts::list_alerts))
        .route("/api/v1/alerts/deliveries", get(alerts::list_deliveries))
        .route("/api/v1/alerts/{id}", get(alerts::get_alert))
        .route("/api/v1/alerts/{id}/actions", post(alerts::act))
        .route("/auth/login", post(session::login))
        .route("/auth/logout", post(session::logout))
        .route("/s/{token}", get(session::open_share))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || {
                provide_context(backend.clone());
                provide_context(access.clone());
                provide_context(alerts_backend.clone());
            },
            move || shell(leptos_options.clone()),
        )
        .nest_service("/pkg", static_files("pkg"))
        .nest_service("/assets", static_files("assets"))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ));
    // The stream lives as long as the page: no request timeout there.
    Router::new()
        .route("/api/v1/stream", get(stream::stream))
        .merge(timed)
        // Outermost last: trace → security headers → shed → authenticate → CSRF → page guard.
        .layer(axum::middleware::from_fn(middleware::guard_pages))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::same_origin,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::authenticate,
        ))
        // Before authentication, which reads the store: a shed request costs nothing.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            shed::shed,
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        // 5xx causes are logged where they happen (`ApiError::internal`); a shed 503 is load,
        // not a failure, and logging each one would cost most under overload.
        .layer(
            TraceLayer::new_for_http().on_failure(
                tower_http::trace::DefaultOnFailure::new().level(tracing::Level::DEBUG),
            ),
        )
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_content_hashed_names_are_cached_for_good() {
        assert!(is_content_hashed("/signalroom.0123456789abcdef.wasm"));
        assert!(is_content_hashed("/echarts.0123456789ABCDEF.js"));
        assert!(!is_content_hashed("/signalroom.js"));
        assert!(!is_content_hashed("/signalroom_bg.wasm"));
        assert!(!is_content_hashed("/signalroom.0123456789abcde.js"));
        assert!(!is_content_hashed("/0123456789abcdef"));
        assert!(!is_content_hashed("/x.0123456789abcdeg.js"));
    }
}
