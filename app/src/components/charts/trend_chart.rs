use super::echarts::{render_trend, ChartHandle};
use crate::model::Trend;
use leptos::prelude::*;

/// The trend of the selected metric with its target line; drawn by ECharts in the browser.
#[component]
pub fn TrendChart(trend: Trend) -> impl IntoView {
    let id = format!("trend-{}", trend.metric.as_str());
    let label = format!("{} over time", trend.label);
    let handle = StoredValue::new_local(None::<ChartHandle>);
    let chart_id = id.clone();
    Effect::new(move |_| {
        let h = render_trend(&chart_id, &trend);
        handle.set_value(h);
    });
    on_cleanup(move || {
        handle.try_update_value(|h| {
            if let Some(h) = h.take() {
                h.dispose();
            }
        });
    });
    view! { <div class="chart trend" id=id role="img" aria-label=label data-testid="trend-chart"></div> }
}
