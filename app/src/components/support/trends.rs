use crate::components::charts::echarts::{
    draw_next_frame, render_line, render_volume, ChartSlot, LineSpec,
};
use crate::components::filters::links::path_with;
use crate::components::format;
use crate::domain::support_trend::incident_bands;
use crate::model::support::{IncidentView, SupportTrend, SupportTrendPoint};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The ticket list of one trend point, optionally of one channel, with a sort.
pub fn point_link(
    query: &str,
    p: &SupportTrendPoint,
    channel: Option<&str>,
    sort: Option<&str>,
) -> String {
    let (from, to) = (p.start.to_string(), p.end.to_string());
    let mut changes = vec![("from", Some(from.as_str())), ("to", Some(to.as_str()))];
    if let Some(c) = channel {
        changes.push(("channel", Some(c)));
    }
    if let Some(s) = sort {
        changes.push(("sort", Some(s)));
    }
    path_with("/support/tickets", query, &changes)
}

/// Volume by channel (stacked), median first response and CSAT with support per bucket,
/// with incidents as red bands. Clicking a bar or point opens that bucket's tickets; the
/// table under the charts has the same numbers and links without JavaScript.
#[component]
pub fn SupportTrends(
    trend: SupportTrend,
    incidents: Vec<IncidentView>,
    query: String,
) -> impl IntoView {
    let bands = incident_bands(&trend.points, &incidents);
    let labels: Vec<String> = trend.points.iter().map(|p| p.start.to_string()).collect();
    let navigate = use_navigate();
    let go = move |href: String| {
        let navigate = navigate.clone();
        move || navigate(&href, NavigateOptions::default())
    };
    let volume_links: Vec<Vec<String>> = trend
        .points
        .iter()
        .map(|p| {
            let mut l: Vec<String> = trend
                .channels
                .iter()
                .map(|c| point_link(&query, p, Some(c), None))
                .collect();
            l.push(point_link(&query, p, None, None));
            l
        })
        .collect();
    let frt_links: Vec<String> = trend
        .points
        .iter()
        .map(|p| point_link(&query, p, None, Some("first_response")))
        .collect();
    let csat_links: Vec<String> = trend
        .points
        .iter()
        .map(|p| point_link(&query, p, None, Some("satisfaction")))
        .collect();
    {
        let (trend, bands, go) = (trend.clone(), bands.clone(), go.clone());
        Effect::new(move |prev: Option<ChartSlot>| {
            drop(prev);
            let links = volume_links.clone();
            let go = go.clone();
            let on_click = Box::new(move |point: usize, channel: Option<usize>| {
                let row = links.get(point);
                let href = row.and_then(|r| match channel {
                    Some(c) => r.get(c),
                    None => r.last(),
                });
                if let Some(h) = href {
                    go(h.clone())();
                }
            });
            let (trend, bands) = (trend.clone(), bands.clone());
            draw_next_frame(move || render_volume("support-volume", &trend, &bands, on_click))
        });
    }
    let line = |id: &'static str,
                name: &'static str,
                axis: &'static str,
                bounds: Option<(f64, f64)>,
                values: Vec<Option<f64>>,
                links: Vec<String>| {
        let (labels, bands, go) = (labels.clone(), bands.clone(), go.clone());
        Effect::new(move |prev: Option<ChartSlot>| {
            drop(prev);
            let (links, go) = (links.clone(), go.clone());
            let on_click = Box::new(move |i: usize| {
                if let Some(h) = links.get(i) {
                    go(h.clone())();
                }
            });
            let (labels, bands, values) = (labels.clone(), bands.clone(), values.clone());
            draw_next_frame(move || {
                render_line(
                    id,
                    LineSpec {
                        labels: &labels,
                        values,
                        name,
                        bands: &bands,
                        axis,
                        bounds,
                    },
                    on_click,
                )
            })
        });
    };
    line(
        "support-frt",
        "Median first response (minutes)",
        "minutes",
        None,
        trend
            .points
            .iter()
            .map(|p| p.frt_median_secs.map(|s| s / 60.0))
            .collect(),
        frt_links.clone(),
    );
    line(
        "support-csat",
        "CSAT with support (%)",
        "%",
        Some((0.0, 100.0)),
        trend.points.iter().map(|p| p.csat_pct).collect(),
        csat_links.clone(),
    );
    let band_note = (!bands.is_empty()).then(|| {
        let items = bands
            .iter()
            .map(|b| {
                let (from, to) = (&trend.points[b.first], &trend.points[b.last]);
                view! { <li>{b.label.clone()} " · " {format::day(from.start)} " – " {format::day(to.end)}</li> }
            })
            .collect_view();
        let summary = format!("Red bands: {} incidents in this period", bands.len());
        view! {
            <details class="incident-legend" data-testid="incident-bands" open=bands.len() <= 4>
                <summary>{summary}</summary>
                <ul>{items}</ul>
            </details>
        }
    });
    let rows = trend
        .points
        .iter()
        .zip(frt_links)
        .zip(csat_links)
        .map(|((p, frt), csat)| {
            let all = point_link(&query, p, None, None);
            let when = if p.start == p.end {
                format::day(p.start)
            } else {
                format!("{} – {}", format::day(p.start), format::day(p.end))
            };
            view! {
                <tr>
                    <th scope="row"><a href=all>{when}</a></th>
                    <td class="num">{format::count(p.tickets)}</td>
                    <td class="num"><a href=frt>{p.frt_median_secs.map(format::duration).unwrap_or_else(|| "—".into())}</a></td>
                    <td class="num"><a href=csat>{p.csat_pct.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())}</a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel wide" data-testid="support-trends">
            <h2>"Ticket volume by channel"</h2>
            <div class="chart trend" id="support-volume" role="img" aria-label="Tickets per period, stacked by channel" data-testid="volume-chart"></div>
            {band_note}
            <div class="chart-pair">
                <div>
                    <h3>"Median first response"</h3>
                    <div class="chart small" id="support-frt" role="img" aria-label="Median first response time per period"></div>
                </div>
                <div>
                    <h3>"CSAT with support"</h3>
                    <div class="chart small" id="support-csat" role="img" aria-label="CSAT with support per period"></div>
                </div>
            </div>
            <details class="chart-table">
                <summary>"Numbers per period"</summary>
                <table class="data-table" data-testid="trend-table">
                    <thead><tr><th>"Period"</th><th class="num">"Tickets"</th><th class="num">"Median first response"</th><th class="num">"CSAT"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
}
