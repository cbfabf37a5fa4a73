use crate::components::charts::echarts::{draw_next_frame, render_funnel, ChartSlot};
use crate::components::format;
use crate::components::partners::stat_tile::pct;
use crate::domain::journey::funnel::StepFigure;
use leptos::prelude::*;

/// The funnel: stacked bars (reached / dropped off) in the browser, and a table of every
/// step's people, conversion, drop-off and median time in the previous stage.
#[component]
pub fn FunnelChart(steps: Vec<StepFigure>) -> impl IntoView {
    let labels: Vec<String> = steps.iter().map(|s| s.label.clone()).collect();
    let people: Vec<i64> = steps.iter().map(|s| s.people).collect();
    let dropped: Vec<i64> = steps.iter().map(|s| s.dropped).collect();
    Effect::new(move |prev: Option<ChartSlot>| {
        drop(prev);
        let (l, p, d) = (labels.clone(), people.clone(), dropped.clone());
        draw_next_frame(move || render_funnel("funnel-chart", &l, &p, &d))
    });
    let rows = steps
        .into_iter()
        .map(|s| {
            view! {
                <tr data-testid="funnel-step">
                    <th scope="row">{s.label}</th>
                    <td class="num" data-testid="step-people">{format::count(s.people)}</td>
                    <td class="num">{pct(s.conversion_pct)}</td>
                    <td class="num">{pct(s.step_conversion_pct)}</td>
                    <td class="num">{format::count(s.dropped)}</td>
                    <td class="num">{s.median_secs.map(format::duration).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div id="funnel-chart" class="chart" data-testid="funnel-chart"></div>
        <table class="data-table" data-testid="funnel-table">
            <thead>
                <tr>
                    <th>"Step"</th>
                    <th class="num">"People"</th>
                    <th class="num">"Of entrants"</th>
                    <th class="num">"Of previous step"</th>
                    <th class="num">"Dropped off"</th>
                    <th class="num">"Median time from previous step"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
