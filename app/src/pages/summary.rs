use crate::api::summary::get_summary;
use crate::components::charts::breakdown_chart::BreakdownChart;
use crate::components::charts::trend_chart::TrendChart;
use crate::components::filters::filter_bar::{FilterBar, Loading};
use crate::components::filters::links::href_with;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::metric_info::MetricInfo;
use crate::components::summary::empty_state::EmptyState;
use crate::components::summary::kpi_tile::KpiTile;
use crate::domain::date::Day;
use crate::domain::dimension::Dimension;
use crate::domain::metric::MetricId;
use crate::error::AppError;
use crate::model::Summary;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

/// The executive summary: KPI tiles, the trend of the selected metric and its breakdown,
/// under the filters in the URL, updated live as data arrives.
#[component]
pub fn SummaryPage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let summary = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_summary(q),
    );
    let (loading, set_loading) = signal(false);
    provide_context(Loading(loading));
    // Above the data, so an editor being used survives the tiles' live redraws.
    provide_context(crate::components::summary::target_editor::TargetEditing::new());
    view! {
        <Title text="Executive summary · Signalroom" />
        <TopBar title="Executive summary" status=live.status share_path="/" />
        <main id="content" class="page" aria-busy=move || loading.get().to_string()>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> } set_pending=set_loading>
                {move || Suspend::new(async move {
                    match summary.await {
                        // Figures for a view the URL has left (a Back during a reload can
                        // leave the older answer in place): fetch the URL's view again.
                        Ok(s) if s.requested != raw.get_untracked() => {
                            summary.refetch();
                            view! { <p class="loading">"Loading…"</p> }.into_any()
                        }
                        Ok(s) => {
                            live.window.set(Some((s.query.earliest(), s.query.to)));
                            view! { <SummaryView summary=s params=query_map.get_untracked() /> }.into_any()
                        }
                        // The bar stays, so the view can be repaired where it broke.
                        Err(e) => view! {
                            <FilterBar query=None options=Vec::new() />
                            <ErrorPanel error=e />
                        }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn SummaryView(summary: Summary, params: ParamsMap) -> impl IntoView {
    let q = summary.query.clone();
    // A shared view is fixed: every link that would change it stays on it instead.
    let fixed = summary.shared_view;
    let here = href_with(&params, &[]);
    let query_string = params.to_query_string().trim_start_matches('?').to_string();
    let link = move |changes: &[(&str, Option<&str>)]| {
        if fixed {
            here.clone()
        } else {
            href_with(&params, changes)
        }
    };
    let today = Day::from_epoch_ms(summary.generated_at);
    let audiences = summary
        .audiences
        .clone()
        .map(|a| view! { <AudiencesPanel audiences=a tiles=summary.tiles.clone() /> });
    let service = (!summary.service.is_empty())
        .then(|| view! { <ServicePanel figures=summary.service.clone() /> });
    let notifications = summary
        .notifications
        .clone()
        .map(|n| view! { <NotificationsPanel n=n /> });
    let edit_targets = summary.can_edit_targets && !fixed;
    // "Only for channel = chat" is offered on a view filtered by exactly one dimension.
    let scope = (q.filters.len() == 1)
        .then(|| q.filters.iter().next().map(|(d, v)| (*d, v.clone())))
        .flatten();
    // CES on both scales: the API wants the scale the tile shows.
    let ces_scale = summary
        .tiles
        .iter()
        .find(|t| t.metric == summary.trend.metric)
        .and_then(|t| t.scale)
        .filter(|_| !query_string.contains("scale="))
        .map(|s| format!("&scale={s}"))
        .unwrap_or_default();
    let tiles = summary
        .tiles
        .into_iter()
        .map(|t| {
            let href = link(&[("metric", Some(t.metric.as_str()))]);
            let other = t.scale.filter(|_| t.other_scale_present && !fixed).map(|s| {
                let other = if s == 5 { "7" } else { "5" };
                link(&[("scale", Some(other))])
            });
            let selected = t.metric == q.metric;
            // A stored `ces` target is on the 7-point scale (`domain/metric.rs`).
            let edit = edit_targets && t.scale != Some(5);
            let scope = scope.clone();
            match other {
                Some(o) => view! { <KpiTile tile=t href=href selected=selected today=today other_scale_href=o edit=edit scope=scope /> }.into_any(),
                None => view! { <KpiTile tile=t href=href selected=selected today=today edit=edit scope=scope /> }.into_any(),
            }
        })
        .collect_view();
    let metric_tabs = MetricId::ALL
        .into_iter()
        .map(|m| {
            let href = link(&[("metric", Some(m.as_str()))]);
            let current = (m == q.metric).then_some("page");
            view! { <a class="tab" href=href aria-current=current>{m.label()}</a> }
        })
        .collect_view();
    let dim_tabs = Dimension::ALL
        .into_iter()
        .map(|d| {
            let href = link(&[("by", Some(d.as_str()))]);
            let current = (d == q.by).then_some("page");
            view! { <a class="tab" href=href aria-current=current>{d.label()}</a> }
        })
        .collect_view();
    let by = q.by.as_str();
    let links: Vec<Option<String>> = summary
        .breakdown
        .rows
        .iter()
        .map(|r| (!r.key.is_empty() && !fixed).then(|| link(&[(by, Some(r.key.as_str()))])))
        .collect();
    let compared = summary
        .previous_range
        .map(|(f, t)| format!("Compared with {} – {}", format::day(f), format::day(t)))
        .unwrap_or_else(|| "No comparison".to_string());
    let unit = summary.trend.unit;
    let trend_metric = summary.trend.metric.as_str();
    let trend_title = format!("{} trend", summary.trend.label);
    let breakdown_title = format!(
        "{} by {}",
        summary.breakdown.metric.label(),
        q.by.label().to_lowercase()
    );
    let empty = (!summary.has_data).then(|| view! { <EmptyState /> });
    // The charts' figures as CSV from the metric API, under the same query (a share link's
    // session reads only its page, so a shared view offers none).
    let csv_base = (!fixed).then(|| {
        format!(
            "/api/v1/metrics/{}?{}{}",
            summary.trend.metric.as_str(),
            query_string,
            ces_scale
        )
    });
    let trend_csv = csv_base.clone().map(|b| format!("{b}&format=csv"));
    let breakdown_csv = csv_base.map(|b| format!("{b}&breakdown={by}&format=csv"));
    let filters = if fixed {
        view! {
            <p class="shared-note" data-testid="shared-note">
                "A shared, read-only view of " <strong data-testid="shared-scope">{format::view_scope(&q)}</strong>
                ". Its filters are fixed by the person who shared it."
            </p>
        }
        .into_any()
    } else {
        view! { <FilterBar query=Some(q.clone()) options=summary.options /> }.into_any()
    };
    view! {
        {filters}
        {empty}
        {notifications}
        <p class="compared">{compared}</p>
        {audiences}
        <section class="tiles" aria-label="Key metrics">{tiles}</section>
        {service}
        <div class="panels">
            <section class="panel">
                <header class="panel-head">
                    <h2>{trend_title}</h2>
                    <MetricInfo id=trend_metric />
                    <nav class="tabs" aria-label="Metric">{metric_tabs}</nav>
                </header>
                <TrendChart trend=summary.trend min_sample=summary.query.min_sample csv=trend_csv />
            </section>
            <section class="panel">
                <header class="panel-head">
                    <h2>{breakdown_title}</h2>
                    <nav class="tabs" aria-label="Breakdown dimension">{dim_tabs}</nav>
                </header>
                <BreakdownChart breakdown=summary.breakdown unit=unit links=links csv=breakdown_csv />
            </section>
        </div>
    }
    .into_any()
}

/// "Real-time alerts and notifications": what needs someone now, each count a link to the
/// list that holds exactly those items. Redrawn with the summary on every live update.
#[component]
fn NotificationsPanel(n: crate::model::Notifications) -> impl IntoView {
    use crate::domain::alert::inbox::SENTIMENT_METRICS;
    let period = format!("from={}&to={}", n.from, n.to);
    let tickets = |status: &str, priority: &str| {
        format!("/support/tickets?{period}&status={status}{priority}")
    };
    let alerts = |i: usize| {
        let (view, metrics) = SENTIMENT_METRICS[i];
        format!("/alerts?view={view}&metric={}", metrics.join(","))
    };
    // A count that is not zero asks for attention in its severity's colour.
    let count = |testid: &'static str, value: i64, href: String, alarm: bool| {
        let class = if alarm && value > 0 {
            "notice-count alarm"
        } else {
            "notice-count"
        };
        view! { <a class=class href=href data-testid=testid>{format::count(value)}</a> }
    };
    let range = format!("{} – {}", format::day(n.from), format::day(n.to));
    view! {
        <section class="notices" aria-label="Real-time alerts and notifications" data-testid="notifications">
            <h2>"Real-time alerts and notifications"</h2>
            <ul>
                <li>
                    {count("notice-critical-incidents", n.critical_incidents, "/support#open-incidents".into(), true)}
                    <span>"critical incidents open"</span>
                </li>
                <li>
                    {count("notice-high-priority-tickets", n.high_priority_tickets, tickets("unresolved", "&priority=high,urgent"), true)}
                    <span>"high-priority tickets open"</span>
                </li>
                <li>
                    {count("notice-new-feedback", n.new_feedback, format!("/voice?from={0}&to={0}", n.today), false)}
                    <span>"new feedback entries today"</span>
                </li>
                <li>
                    <span class="notice-pair">
                        {count("notice-open-incidents", n.open_incidents, "/support#open-incidents".into(), false)}
                        " open · "
                        {count("notice-resolved-incidents", n.resolved_incidents, format!("/support?{period}"), false)}
                        " resolved"
                    </span>
                    <span>"incidents"</span>
                </li>
                <li>
                    <span class="notice-pair">
                        {count("notice-unresolved-tickets", n.unresolved_tickets, tickets("unresolved", ""), false)}
                        " open · "
                        {count("notice-resolved-tickets", n.resolved_tickets, tickets("resolved", ""), false)}
                        " resolved"
                    </span>
                    <span>"tickets"</span>
                </li>
                <li>
                    <span class="notice-pair">
                        {count("notice-sentiment-alerts", n.negative_sentiment_alerts, alerts(0), true)}
                        " customers · "
                        {count("notice-partner-sentiment-alerts", n.partner_negative_sentiment_alerts, alerts(1), true)}
                        " partners"
                    </span>
                    <span>"negative-sentiment alerts"</span>
                </li>
            </ul>
            <p class="muted">"Incidents and alerts: now. Tickets and their resolution: created " {range} ". Live."</p>
        </section>
    }
}

/// Support and voice beside the survey tiles: how fast customers hear back and how they sound.
#[component]
fn ServicePanel(figures: Vec<crate::model::ServiceFigure>) -> impl IntoView {
    let items = figures
        .into_iter()
        .map(|f| {
            let value = f
                .value
                .map_or_else(|| "No data".to_string(), |v| format::value(v, f.unit));
            // The catalogue ids are static; the wire carries them as strings.
            let id = crate::domain::catalogue::find(&f.metric).map(|m| m.id);
            view! {
                <div class="service-figure" data-metric=f.metric.clone() data-testid="service-figure">
                    <dt>{f.label}{id.map(|id| view! { <MetricInfo id=id n=Some(f.n) /> })}</dt>
                    <dd><span class="service-value">{value}</span>" · n = "{format::count(f.n)}</dd>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="service" aria-label="Service and sentiment" data-testid="service-figures">
            <dl>{items}</dl>
        </section>
    }
}

/// Customer and partner headline numbers side by side.
#[component]
fn AudiencesPanel(
    audiences: crate::model::Audiences,
    tiles: Vec<crate::model::Tile>,
) -> impl IntoView {
    let value = |m: MetricId| {
        tiles
            .iter()
            .find(|t| t.metric == m)
            .and_then(|t| t.value)
            .map(|v| format::value(v, m.unit()))
            .unwrap_or_else(|| "No data".into())
    };
    let pct = |v: Option<f64>| {
        v.map(|v| format!("{v:.1}%"))
            .unwrap_or_else(|| "No data".into())
    };
    view! {
        <section class="audiences" aria-label="Customers and partners" data-testid="audiences">
            <div class="audience" data-testid="audience-customers">
                <h2>"Customers"</h2>
                <dl>
                    <dt>"Total customers"</dt><dd data-testid="total-customers">{format::count(audiences.customers)}</dd>
                    <dt>"NPS"</dt><dd>{value(MetricId::Nps)}</dd>
                    <dt>"CSAT"</dt><dd>{value(MetricId::Csat)}</dd>
                    <dt>"Engagement rate"</dt><dd>{pct(audiences.customer_engagement_pct)}</dd>
                </dl>
            </div>
            <div class="audience" data-testid="audience-partners">
                <h2><a href="/partners">"Partners"</a></h2>
                <dl>
                    <dt>"Total partners"</dt><dd data-testid="total-partners">{format::count(audiences.partners)}</dd>
                    <dt>"Partner satisfaction"</dt><dd>{value(MetricId::Pss)}</dd>
                    <dt>"Partner NPS"</dt><dd>{value(MetricId::Pnps)}</dd>
                    <dt>"Engagement rate"</dt><dd>{pct(audiences.partner_engagement_pct)}</dd>
                </dl>
            </div>
        </section>
    }
}

/// A failed view: says why and sets the HTTP status during server rendering.
#[component]
fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(
            http::StatusCode::from_u16(error.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    view! {
        <section class="error-panel" role="alert" data-testid="error-panel">
            <h2>"This view cannot be shown"</h2>
            <p>{error.to_string()} " (" <code>{error.code().to_string()}</code> ")"</p>
            <p><a href="/">"Back to the default view"</a></p>
        </section>
    }
}
