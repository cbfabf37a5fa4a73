use crate::components::charts::sparkline::Sparkline;
use crate::components::format;
use crate::components::metric_info::MetricInfo;
use crate::components::summary::target_editor::TargetEditor;
use crate::domain::date::Day;
use crate::model::Tile;
use leptos::prelude::*;

/// One KPI: value with unit, target and status colour, change against the comparison
/// period, sample size, sparkline and when its data last changed. Clicking selects the metric
/// for the trend and breakdown charts.
#[component]
pub fn KpiTile(
    tile: Tile,
    /// Selects this metric.
    href: String,
    /// Whether this metric is the selected one.
    selected: bool,
    /// The server's today, for "updated" times.
    today: Day,
    /// Link to the other CES scale, when answers on it exist.
    #[prop(optional)]
    other_scale_href: Option<String>,
    /// Offer "Edit target" (admins and analysts), for the view's one filter when `scope`.
    #[prop(optional)]
    edit: bool,
    #[prop(default = None)] scope: Option<(crate::domain::dimension::Dimension, String)>,
) -> impl IntoView {
    let editor = edit.then(|| view! { <TargetEditor tile=tile.clone() scope=scope /> });
    // The word (and its mark) says what the colour says, for people who cannot tell the
    // colours apart.
    let (status, status_text) = format::status(tile.status);
    let class = format!(
        "tile status-{status}{}",
        if selected { " selected" } else { "" }
    );
    let title = match tile.scale {
        Some(s) => format!("{} ({s}-point)", tile.label),
        None => tile.label.clone(),
    };
    let value = match tile.value {
        Some(v) => view! { <p class="tile-value" data-testid="tile-value">{format::value(v, tile.unit)}</p> }.into_any(),
        None => view! { <p class="tile-value empty" data-testid="tile-value">"Not enough responses"</p> }.into_any(),
    };
    let ci = tile
        .ci95
        .map(|[lo, hi]| format!(" · 95% CI {lo:.1} to {hi:.1}"))
        .unwrap_or_default();
    let sample = format!("n = {}{ci}", format::count(tile.n));
    let change = match (&tile.previous, tile.change) {
        (None, _) => None,
        (Some(_), Some(d)) => Some(view! {
            <p class=format!("tile-change {}", format::change_class(d, tile.direction))>
                {format::change(d, tile.unit)} " vs comparison"
            </p>
        }.into_any()),
        (Some(p), None) => Some(view! {
            <p class="tile-change flat">{format!("no comparison (n = {})", format::count(p.n))}</p>
        }.into_any()),
    };
    let goal = tile
        .target
        .describe(tile.direction, |v| format::value(v, tile.unit));
    let target = format!("Target {goal}");
    let updated = tile.updated_at.map_or_else(
        || "No data in range".to_string(),
        |ms| format!("Updated {}", format::updated(ms, today)),
    );
    view! {
        <article class=class data-metric=tile.metric.as_str() data-testid="kpi-tile">
            <a class="tile-link" href=href aria-current=selected.then_some("true")>
                <h2 class="tile-label">{title}</h2>
                {value}
                <p class="tile-status" data-testid="tile-status">{status_text}</p>
                <p class="tile-sample" data-testid="tile-n">{sample}</p>
                {change}
                <p class="tile-target">{target}</p>
                <Sparkline values=tile.spark />
                <p class="tile-updated" data-testid="tile-updated">{updated}</p>
            </a>
            <MetricInfo id=tile.metric.as_str() n=Some(tile.n) target=Some(goal) />
            {other_scale_href.map(|href| view! {
                <a class="tile-switch" href=href>"Other scale answers exist: switch"</a>
            })}
            {editor}
        </article>
    }
    .into_any()
}
