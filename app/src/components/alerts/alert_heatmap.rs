use crate::components::format;
use leptos::prelude::*;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// How often alerts fired by weekday × hour (UTC) over the last 90 days, as shaded cells.
#[component]
pub fn AlertHeatmap(counts: Vec<[i64; 24]>) -> impl IntoView {
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let total: i64 = counts.iter().flatten().sum();
    let hours = (0..24)
        .map(|h| view! { <th scope="col" class="hm-hour">{format!("{h:02}")}</th> })
        .collect_view();
    let rows = counts
        .iter()
        .enumerate()
        .map(|(w, row)| {
            let cells = row
                .iter()
                .enumerate()
                .map(|(h, n)| {
                    let level = (*n as f64 / max).sqrt();
                    let class = if level > 0.55 { "hm-cell hot" } else { "hm-cell" };
                    let title = format!(
                        "{} {h:02}:00 UTC: {} alerts",
                        WEEKDAYS.get(w).copied().unwrap_or(""),
                        format::count(*n)
                    );
                    view! { <td class=class style=format!("--level: {level:.3}") title=title>{(*n > 0).then(|| format::count(*n))}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{WEEKDAYS.get(w).copied().unwrap_or("")}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <section class="panel wide" data-testid="alert-heatmap">
            <h2>"When alerts fire (weekday × hour, UTC, last 90 days)"</h2>
            <p class="muted">{format!("{} alerts fired", format::count(total))}</p>
            <div class="hm-scroll">
                <table class="heatmap">
                    <thead><tr><th scope="col"><span class="visually-hidden">"Weekday"</span></th>{hours}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
