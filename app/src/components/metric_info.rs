//! "About this figure": a metric's definition, formula, sample and target from the catalogue
//! (`domain/catalogue.rs`), one disclosure per tile and chart header. A `<details>` element, so
//! it opens with the keyboard and without JavaScript.

use crate::components::format;
use crate::domain::catalogue;
use leptos::prelude::*;

/// The info popover of catalogue metric `id`; nothing for an id the catalogue lacks.
#[component]
pub fn MetricInfo(
    /// The catalogue id.
    id: &'static str,
    /// What the figure on screen rests on, when known.
    #[prop(default = None)]
    n: Option<i64>,
    /// The target that applies, already worded ("≥ 85%"); the catalogue default otherwise.
    #[prop(default = None)]
    target: Option<String>,
) -> impl IntoView {
    catalogue::find(id).map(|spec| {
        let target = target.or_else(|| {
            spec.target.map(|t| {
                let goal = crate::domain::target::Goal::Threshold(t);
                let text = goal.describe(spec.direction, |v| format::value(v, spec.unit));
                format!("{text} (default)")
            })
        });
        let sample = n.map(|n| {
            view! { <p>"Based on n = " {format::count(n)} "; shown from n = " {spec.min_sample.max(1)} "."</p> }
        });
        view! {
            <details class="metric-info" data-testid="metric-info">
                <summary aria-label=format!("About {}", spec.label)>"ⓘ"</summary>
                <div class="metric-info-body" role="note">
                    <p class="metric-info-title"><strong>{spec.label}</strong></p>
                    <p>{spec.definition}</p>
                    <p><strong>"Formula: "</strong>{spec.formula}</p>
                    {sample}
                    <p>{match target {
                        Some(t) => format!("Target {t}."),
                        None => "No target: it describes volume.".to_string(),
                    }}</p>
                    <p><a href=format!("/api/v1/metrics/{}", spec.id)>"As JSON"</a></p>
                </div>
            </details>
        }
    })
}
