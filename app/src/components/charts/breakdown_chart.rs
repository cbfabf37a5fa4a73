use super::echarts::{draw_next_frame, render_breakdown, ChartSlot};
use crate::components::format;
use crate::domain::metric::Unit;
use crate::model::Breakdown;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The selected metric by one dimension: bars in the browser, and a table that works without
/// JavaScript. Clicking a bar or a row sets that value as a filter.
#[component]
pub fn BreakdownChart(
    breakdown: Breakdown,
    unit: Unit,
    /// For each row, the link that filters on it (`None` for records without a value).
    links: Vec<Option<String>>,
    /// The rows as CSV, when the metric API serves them.
    #[prop(default = None)]
    csv: Option<String>,
) -> impl IntoView {
    let id = "breakdown-chart".to_string();
    let labels: Vec<String> = breakdown.rows.iter().map(|r| display_key(&r.key)).collect();
    let navigate = use_navigate();
    let chart_links = links.clone();
    let chart_labels = labels.clone();
    let chart = breakdown.clone();
    let chart_id = id.clone();
    Effect::new(move |prev: Option<ChartSlot>| {
        drop(prev);
        let links = chart_links.clone();
        let navigate = navigate.clone();
        let on_click = Box::new(move |i: usize| {
            if let Some(Some(href)) = links.get(i) {
                navigate(href, NavigateOptions::default());
            }
        });
        let (id, chart, labels) = (chart_id.clone(), chart.clone(), chart_labels.clone());
        draw_next_frame(move || render_breakdown(&id, &chart, &labels, on_click))
    });
    let dimension = breakdown.dimension.label();
    let height = format!("height: {}px", 40 + 28 * breakdown.rows.len().clamp(1, 20));
    let rows = breakdown
        .rows
        .into_iter()
        .zip(labels)
        .zip(links)
        .map(|((row, label), link)| {
            let value = row.value.map_or_else(
                || "not enough responses".to_string(),
                |v| format::value(v, unit),
            );
            let name = match link {
                Some(href) => view! { <a href=href>{label}</a> }.into_any(),
                None => view! { <span class="muted">{label}</span> }.into_any(),
            };
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td class="num">{value}</td>
                    <td class="num">{format::count(row.n)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="chart breakdown" id=id style=height role="img" aria-label=format!("By {dimension}")></div>
        <table class="breakdown-table" data-testid="breakdown-table">
            <thead>
                <tr>
                    <th scope="col">{dimension}</th>
                    <th scope="col" class="num">"Value"</th>
                    <th scope="col" class="num">"Responses"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {csv.map(|href| view! { <super::chart_table::CsvLink href=href /> })}
    }
    .into_any()
}

/// How a dimension value reads: records that did not say show as "(not set)".
pub fn display_key(key: &str) -> String {
    if key.is_empty() {
        "(not set)".to_string()
    } else {
        key.to_string()
    }
}
