use crate::components::charts::chart_table::ChartTable;
use crate::components::charts::echarts::{draw_next_frame, render_line, ChartSlot, LineSpec};
use crate::components::filters::links::path_with;
use crate::domain::date::Day;
use crate::model::voice::SentimentPoint;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The view narrowed to each bucket of the trend (its first to its last day).
pub fn bucket_links(points: &[SentimentPoint], to: Day, query: &str) -> Vec<String> {
    points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let end = points.get(i + 1).map_or(to, |n| n.t.plus_days(-1));
            let (from, end) = (p.t.to_string(), end.to_string());
            path_with(
                "/voice",
                query,
                &[("from", Some(from.as_str())), ("to", Some(end.as_str()))],
            )
        })
        .collect()
}

/// Mean sentiment (or texts) per bucket as an ECharts line. Clicking a point narrows the
/// page to that bucket.
#[component]
pub fn SentimentTrend(
    points: Vec<SentimentPoint>,
    /// Last day of the range (the last bucket ends there).
    to: Day,
    query: String,
    /// Element id of the chart.
    id: &'static str,
    /// Series name.
    name: &'static str,
    /// Plots texts per bucket instead of the mean score.
    #[prop(optional)]
    volume: bool,
) -> impl IntoView {
    let labels: Vec<String> = points.iter().map(|p| p.t.to_string()).collect();
    let values: Vec<Option<f64>> = points
        .iter()
        .map(|p| {
            if volume {
                Some(p.mix.n as f64)
            } else {
                p.mix.score
            }
        })
        .collect();
    let links = bucket_links(&points, to, &query);
    let (chart_labels, chart_values) = (labels.clone(), values.clone());
    let navigate = use_navigate();
    Effect::new(move |prev: Option<ChartSlot>| {
        drop(prev);
        let (links, navigate) = (links.clone(), navigate.clone());
        let on_click = Box::new(move |i: usize| {
            if let Some(h) = links.get(i) {
                navigate(h, NavigateOptions::default());
            }
        });
        let (labels, values) = (chart_labels.clone(), chart_values.clone());
        draw_next_frame(move || {
            render_line(
                id,
                LineSpec {
                    labels: &labels,
                    values,
                    name,
                    bands: &[],
                    axis: if volume {
                        "texts"
                    } else {
                        "mean sentiment (−1 to +1)"
                    },
                    bounds: (!volume).then_some((-1.0, 1.0)),
                },
                on_click,
            )
        })
    });
    let series = vec![(name.to_string(), values)];
    view! {
        <div id=id class="chart small" data-testid=id></div>
        <ChartTable first="Period starting" labels=labels series=series places=if volume { 0 } else { 2 } name=id />
    }
}
