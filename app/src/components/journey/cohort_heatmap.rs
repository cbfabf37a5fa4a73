use crate::components::format;
use crate::domain::journey::retention::{CohortRow, Period};
use leptos::prelude::*;

/// The retention cohort table as a heatmap: one row per cohort, one cell per period after
/// it, shaded by the retained share ("on or after").
#[component]
pub fn CohortHeatmap(cohorts: Vec<CohortRow>, period: Period) -> impl IntoView {
    let n = cohorts.first().map_or(0, |c| c.retained.len());
    let unit = match period {
        Period::Week => "Week",
        Period::Month => "Month",
    };
    let head = (0..n)
        .map(|i| view! { <th class="num">{format!("{unit} {i}")}</th> })
        .collect_view();
    let rows = cohorts
        .into_iter()
        .map(|c| {
            let cells = c
                .pct()
                .into_iter()
                .map(|v| match v {
                    Some(p) => {
                        let style = format!(
                            "background: rgba(47, 111, 222, {:.2})",
                            (p / 100.0).clamp(0.04, 1.0)
                        );
                        let class = if p >= 55.0 {
                            "num heat dark"
                        } else {
                            "num heat"
                        };
                        view! { <td class=class style=style>{format!("{p:.0}%")}</td> }.into_any()
                    }
                    None => view! { <td class="num muted">"—"</td> }.into_any(),
                })
                .collect_view();
            view! {
                <tr data-testid="cohort-row">
                    <th scope="row">{format::day(c.start)}</th>
                    <td class="num">{format::count(c.size)}</td>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table heatmap" data-testid="cohort-table">
                <thead><tr><th>"Cohort"</th><th class="num">"People"</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
