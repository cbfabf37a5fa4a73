use crate::components::format;
use crate::domain::metric::Unit;
use crate::model::alerts::RuleHistory;
use leptos::prelude::*;

const W: f64 = 600.0;
const H: f64 = 150.0;
const PAD: f64 = 8.0;

/// A rule's metric over the days it was evaluated: the value line, the threshold dashed, and
/// the days in breach marked red. Plain SVG, so it renders on the server and needs no chart
/// library.
#[component]
pub fn HistoryChart(history: RuleHistory, unit: Unit) -> impl IntoView {
    let values: Vec<f64> = history
        .days
        .iter()
        .flat_map(|d| d.value.into_iter().chain(d.threshold))
        .filter(|v| v.is_finite())
        .collect();
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let n = history.days.len().max(2);
    let x = move |i: usize| PAD + (W - 2.0 * PAD) * i as f64 / (n - 1) as f64;
    let span = if (hi - lo).abs() < 1e-9 { 1.0 } else { hi - lo };
    let y = move |v: f64| PAD + (H - 2.0 * PAD) * (1.0 - (v - lo) / span);
    let mut line = String::new();
    let mut threshold = String::new();
    let mut drawing = false;
    for (i, d) in history.days.iter().enumerate() {
        match d.value {
            Some(v) if lo.is_finite() => {
                line.push_str(&format!(
                    "{}{:.1},{:.1} ",
                    if drawing { "L" } else { "M" },
                    x(i),
                    y(v)
                ));
                drawing = true;
            }
            _ => drawing = false,
        }
        if let Some(t) = d.threshold.filter(|_| lo.is_finite()) {
            let cmd = if threshold.is_empty() { "M" } else { "L" };
            threshold.push_str(&format!("{cmd}{:.1},{:.1} ", x(i), y(t)));
        }
    }
    let dots = history
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let v = d.value?;
            lo.is_finite().then(|| {
                let class = if d.breach { "hc-dot breach" } else { "hc-dot" };
                let title = format!(
                    "{}: {} (n = {}){}",
                    format::day(d.day),
                    format::value(v, unit),
                    format::count(d.n),
                    if d.breach { " — in breach" } else { "" }
                );
                view! { <circle class=class cx=format!("{:.1}", x(i)) cy=format!("{:.1}", y(v)) r="3.5"><title>{title}</title></circle> }
            })
        })
        .collect_view();
    let first = history
        .days
        .first()
        .map(|d| format::day(d.day))
        .unwrap_or_default();
    let last = history
        .days
        .last()
        .map(|d| format::day(d.day))
        .unwrap_or_default();
    let summary = format!(
        "{} of {} days in breach{}",
        history.breach_days,
        history.days.len(),
        if history.would_fire {
            ": it would have fired"
        } else {
            ": it would not have fired"
        }
    );
    let range = if lo.is_finite() {
        format!("{} – {}", format::value(lo, unit), format::value(hi, unit))
    } else {
        "no data".to_string()
    };
    view! {
        <figure class="history-chart" data-testid="history-chart">
            <svg viewBox="0 0 600 150" preserveAspectRatio="none" role="img" aria-label=summary.clone()>
                <path class="hc-threshold" d=threshold />
                <path class="hc-line" d=line />
                {dots}
            </svg>
            <figcaption>
                <span data-testid="history-summary">{summary}</span>
                <span class="muted">" · " {first} " – " {last} " · range " {range}</span>
            </figcaption>
        </figure>
    }
}
