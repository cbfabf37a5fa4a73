use super::echarts::{draw_next_frame, render_trend, ChartSlot};
use crate::model::Trend;
use leptos::prelude::*;

/// The trend of the selected metric with its target line; drawn by ECharts in the browser.
#[component]
pub fn TrendChart(trend: Trend) -> impl IntoView {
    let id = format!("trend-{}", trend.metric.as_str());
    let label = format!("{} over time", trend.label);
    let chart_id = id.clone();
    // The effect keeps the chart handle as its value: it is dropped (and the chart disposed)
    // with the effect. Effects run only in the browser.
    Effect::new(move |prev: Option<ChartSlot>| {
        drop(prev);
        let (id, trend) = (chart_id.clone(), trend.clone());
        draw_next_frame(move || render_trend(&id, &trend))
    });
    view! { <div class="chart trend" id=id role="img" aria-label=label data-testid="trend-chart"></div> }
}
