use super::stat_tile::money;
use crate::domain::partner::activity::StageFigure;
use leptos::prelude::*;

/// The deal pipeline by stage: count, value, and a bar of the value against the largest
/// stage (drawn with CSS, so it shows without JavaScript).
#[component]
pub fn PipelineTable(stages: Vec<StageFigure>, currency: String) -> impl IntoView {
    let max = stages
        .iter()
        .map(|s| s.value_cents)
        .max()
        .unwrap_or(0)
        .max(1);
    let rows = stages
        .into_iter()
        .map(|s| {
            let width = format!("width: {:.1}%", 100.0 * s.value_cents as f64 / max as f64);
            let class = if s.stage.is_open() {
                "bar open"
            } else {
                "bar closed"
            };
            view! {
                <tr data-stage=s.stage.as_str()>
                    <td>{s.stage.as_str()}</td>
                    <td class="num" data-testid="stage-deals">{s.deals}</td>
                    <td class="num">{money(s.value_cents as f64 / 100.0, &currency)}</td>
                    <td class="bar-cell"><span class=class style=width></span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table pipeline" data-testid="pipeline">
            <thead><tr><th>"Stage"</th><th class="num">"Deals"</th><th class="num">"Value"</th><th><span class="visually-hidden">"Share of value"</span></th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
