use crate::components::charts::chart_table::ChartTable;
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
    view! {
        <div id=id class="chart small" data-testid=id></div>
        <ChartTable first="Period" labels=labels series=series places=0 name=id />
    }
}
