use crate::components::filters::links::path_with;
use crate::components::format;
use crate::model::support::WeekHourHeatmap;
use leptos::prelude::*;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Ticket volume by weekday × hour (UTC) as a table of shaded cells: it needs no chart
/// library, reads without JavaScript, and each cell links to its tickets.
#[component]
pub fn WeekHourHeatmapView(heatmap: WeekHourHeatmap, query: String) -> impl IntoView {
    let max = heatmap.max().max(1) as f64;
    let hours = (0..24)
        .map(|h| view! { <th scope="col" class="hm-hour">{format!("{h:02}")}</th> })
        .collect_view();
    let rows = heatmap
        .counts
        .iter()
        .enumerate()
        .map(|(w, row)| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(h, n)| {
                    // Square-root shading, so quiet hours stay visible next to the peak.
                    let level = (*n as f64 / max).sqrt();
                    let style = format!("--level: {level:.3}");
                    let class = if level > 0.55 { "hm-cell hot" } else { "hm-cell" };
                    let (wd, hr) = (w.to_string(), h.to_string());
                    let href = path_with(
                        "/support/tickets",
                        &query,
                        &[("weekday", Some(wd.as_str())), ("hour", Some(hr.as_str()))],
                    );
                    let title = format!("{} {h:02}:00 UTC: {} tickets", WEEKDAYS[w], format::count(*n));
                    view! {
                        <td class=class style=style>
                            <a href=href title=title.clone() aria-label=title>{format::count(*n)}</a>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{WEEKDAYS[w]}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <section class="panel wide" data-testid="heatmap">
            <h2>"When tickets arrive (weekday × hour, UTC)"</h2>
            <div class="hm-scroll">
                <table class="heatmap">
                    <thead><tr><th scope="col"><span class="visually-hidden">"Weekday"</span></th>{hours}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
