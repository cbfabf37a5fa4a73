use crate::api::journey::get_journey_page;
use crate::components::charts::chart_table::TableCsvLink;
use crate::components::filters::links::path_with;
use crate::components::filters::range_tabs::range_tabs;
use crate::components::format;
use crate::components::journey::cohort_heatmap::CohortHeatmap;
use crate::components::journey::funnel_chart::FunnelChart;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::partners::series_chart::SeriesChart;
use crate::components::partners::stat_tile::{pct, StatTile};
use crate::domain::journey::retention::Period;
use crate::domain::journey::timeline::DIMENSIONS;
use crate::model::journey::JourneyView;
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

/// The Customer Journey: the funnel (configured journey or the link's own steps) with
/// drop-offs and time per stage, broken down by any event dimension; engagement (DAU, WAU,
/// MAU, stickiness, sessions); retention cohorts and churn. Live as events arrive.
#[component]
pub fn JourneyPage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let page = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_journey_page(q),
    );
    view! {
        <Title text="Customer journey · Signalroom" />
        <TopBar title="Customer journey" status=live.status share_path="/journey" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(v) => {
                            live.window.set(Some((v.from, v.to)));
                            view! { <JourneyBody v=v query=raw.get_untracked() /> }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

fn dimension_label(d: &str) -> &'static str {
    match d {
        "channel" => "Channel",
        "source" => "Campaign source",
        "region" => "Region",
        "segment" => "Segment",
        "product_category" => "Product category",
        _ => "None",
    }
}

#[component]
fn JourneyBody(v: JourneyView, query: String) -> impl IntoView {
    let fixed = v.shared_view;
    let link = {
        let query = query.clone();
        move |changes: &[(&str, Option<&str>)]| path_with("/journey", &query, changes)
    };
    let ranges = (!fixed).then(|| range_tabs("/journey", &query));
    let navigate = use_navigate();
    let breakdown_now = v.breakdown.clone().unwrap_or_default();
    let breakdown_query = query.clone();
    let options = std::iter::once("")
        .chain(DIMENSIONS)
        .map(|d| {
            let selected = d == breakdown_now;
            view! { <option value=d selected=selected>{dimension_label(d)}</option> }
        })
        .collect_view();
    // Without JavaScript the form submits; with it, a change navigates at once.
    let breakdown = (!fixed).then(|| {
        let hidden = crate::domain::query::decode_pairs(&query)
            .into_iter()
            .filter(|(k, _)| k != "breakdown")
            .map(|(k, val)| view! { <input type="hidden" name=k value=val /> })
            .collect_view();
        view! {
            <form method="get" action="/journey" class="inline-form">
                {hidden}
                <label>
                    "Break down by "
                    <select
                        name="breakdown"
                        data-testid="breakdown-select"
                        on:change=move |ev| {
                            let value = event_target_value(&ev);
                            let href = path_with(
                                "/journey",
                                &breakdown_query,
                                &[("breakdown", (!value.is_empty()).then_some(value.as_str()))],
                            );
                            navigate(&href, NavigateOptions::default());
                        }
                    >
                        {options}
                    </select>
                </label>
                <noscript><button type="submit">"Apply"</button></noscript>
            </form>
        }
    });
    let stages = v
        .stages
        .iter()
        .map(|s| format!("{}: {}", s.label, s.events.join(" or ")))
        .collect::<Vec<_>>()
        .join(" → ");
    let breakdown_table = (!v.breakdown_rows.is_empty()).then(|| {
        let labels: Vec<String> = v.steps.iter().map(|s| s.label.clone()).collect();
        let head = labels
            .iter()
            .skip(1)
            .map(|l| view! { <th class="num">{l.clone()}</th> })
            .collect_view();
        let rows = v
            .breakdown_rows
            .iter()
            .map(|r| {
                let name = if r.value.is_empty() {
                    "(not set)".to_string()
                } else {
                    r.value.clone()
                };
                let cells = r
                    .steps
                    .iter()
                    .skip(1)
                    .map(|s| view! { <td class="num">{pct(s.conversion_pct)}</td> })
                    .collect_view();
                view! {
                    <tr data-testid="breakdown-row">
                        <th scope="row">{name}</th>
                        <td class="num">{format::count(r.entered)}</td>
                        {cells}
                    </tr>
                }
            })
            .collect_view();
        let dim = dimension_label(&breakdown_now);
        // The table as shown, for "Download CSV": conversion to each step, %.
        let csv = {
            use crate::components::charts::chart_table::{cells_csv, CsvCell};
            let mut header = vec![dim.to_string(), "Entered".to_string()];
            header.extend(labels.iter().skip(1).map(|l| format!("{l} %")));
            let cells: Vec<Vec<CsvCell>> = v
                .breakdown_rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        CsvCell::Text(r.value.clone()),
                        CsvCell::Number(Some(r.entered as f64), 0),
                    ];
                    row.extend(
                        r.steps
                            .iter()
                            .skip(1)
                            .map(|s| CsvCell::Number(s.conversion_pct, 1)),
                    );
                    row
                })
                .collect();
            cells_csv(&header, &cells)
        };
        view! {
            <h3>{format!("Conversion by {}", dim.to_lowercase())}</h3>
            <table class="data-table" data-testid="breakdown-table">
                <thead><tr><th>{dim}</th><th class="num">"Entered"</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <TableCsvLink csv=csv name="funnel-breakdown" />
        }
    });
    let e = &v.engagement;
    let one = |x: Option<f64>| {
        x.map(|x| format::number(x, 1))
            .unwrap_or_else(|| "No data".into())
    };
    let days: Vec<String> = e
        .from
        .map(|f| {
            (0..e.dau.len())
                .map(|i| format::day(f.plus_days(i as i64)))
                .collect()
        })
        .unwrap_or_default();
    let as_f = |xs: &[i64]| xs.iter().map(|x| Some(*x as f64)).collect::<Vec<_>>();
    let series = vec![
        ("DAU".to_string(), as_f(&e.dau)),
        ("WAU".to_string(), as_f(&e.wau)),
        ("MAU".to_string(), as_f(&e.mau)),
    ];
    let cohort_links = (!fixed).then(|| {
        [
            (Period::Week, "week", "Weekly cohorts"),
            (Period::Month, "month", "Monthly cohorts"),
        ]
        .into_iter()
        .map(|(p, key, label)| {
            let href = link(&[("cohort", Some(key)), ("cohorts", None)]);
            let here = (p == v.period).then_some("page");
            view! { <a class="tab" href=href aria-current=here>{label}</a> }
        })
        .collect_view()
    });
    view! {
        <nav class="tabs" aria-label="Range">{ranges}</nav>
        <p class="compared">
            {format!("{} – {}", format::day(v.from), format::day(v.to))}
            {format!(" · {} events from {} people tracked", format::count(v.events), format::count(v.people))}
        </p>
        <section class="panel" aria-labelledby="funnel-title">
            <h2 id="funnel-title">{if v.custom { "Funnel" } else { "Customer journey funnel" }}</h2>
            <p class="muted small" data-testid="funnel-definition">
                {format!("{stages} · within {} days of the first step · {} people entered", v.window_days, format::count(v.entered))}
            </p>
            {breakdown}
            <FunnelChart steps=v.steps.clone() />
            {breakdown_table}
        </section>
        <section class="panel" aria-labelledby="engagement-title">
            <h2 id="engagement-title">"Engagement"</h2>
            <div class="tiles">
                <StatTile label="DAU (mean)" value=one(e.dau_mean) testid="tile-dau" />
                <StatTile label="WAU (mean)" value=one(e.wau_mean) testid="tile-wau" />
                <StatTile label="MAU (mean)" value=one(e.mau_mean) testid="tile-mau" />
                <StatTile label="Stickiness (DAU/MAU)" value=pct(e.stickiness_pct) testid="tile-stickiness" />
                <StatTile label="Sessions per user" value=one(e.sessions_per_user) note=format!("{} sessions", format::count(e.sessions)) testid="tile-sessions" />
                <StatTile label="Customer engagement rate" value=pct(e.engagement_rate_pct) note=format!("{} of {} known people active", format::count(e.active), format::count(e.known)) testid="tile-engagement" />
                <StatTile label="Churn" value=pct(v.churn_pct) note=format!("of {} active the period before", format::count(v.churn_base)) testid="tile-churn" />
            </div>
            <SeriesChart id="engagement-chart" labels=days series=series />
        </section>
        <section class="panel" aria-labelledby="cohorts-title">
            <h2 id="cohorts-title">"Retention cohorts"</h2>
            <p class="muted small">"People by the period they were first seen; a cell is the share active in that period or any later one."</p>
            <nav class="tabs" aria-label="Cohort period">{cohort_links}</nav>
            <CohortHeatmap cohorts=v.cohorts.clone() period=v.period />
        </section>
    }
}
