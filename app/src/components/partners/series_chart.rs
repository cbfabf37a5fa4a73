use crate::components::charts::echarts::{draw_next_frame, render_series, ChartSlot};
use leptos::prelude::*;

/// Named lines over shared labels as an ECharts chart, with the figures also in a table
/// for readers without JavaScript (and screen readers).
#[component]
pub fn SeriesChart(
    /// Element id of the chart.
    id: &'static str,
    labels: Vec<String>,
    series: Vec<(String, Vec<Option<f64>>)>,
) -> impl IntoView {
    let (l, s) = (labels.clone(), series.clone());
    Effect::new(move |prev: Option<ChartSlot>| {
        drop(prev);
        let (l, s) = (l.clone(), s.clone());
        draw_next_frame(move || render_series(id, &l, &s, Box::new(|_| {})))
    });
    let head = series
        .iter()
        .map(|(name, _)| view! { <th class="num">{name.clone()}</th> })
        .collect_view();
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = series
                .iter()
                .map(|(_, v)| {
                    let text = v
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|x| format!("{x:.0}"))
                        .unwrap_or_default();
                    view! { <td class="num">{text}</td> }
                })
                .collect_view();
            view! { <tr><td>{label.clone()}</td>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div id=id class="chart small" data-testid=id></div>
        <details class="small">
            <summary>"Figures"</summary>
            <table class="data-table"><thead><tr><th>""</th>{head}</tr></thead><tbody>{rows}</tbody></table>
        </details>
    }
}
