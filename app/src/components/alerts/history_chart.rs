use crate::components::format;
use crate::domain::metric::Unit;
use crate::model::alerts::RuleHistory;
use leptos::prelude::*;

const W: f64 = 600.0;
const H: f64 = 170.0;
/// Room for the value axis on the left and the date axis below.
const LEFT: f64 = 56.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 8.0;
const BOTTOM: f64 = 22.0;

/// A rule's metric over the days it was evaluated: the value line, the threshold dashed, the
/// days in breach marked red and the days below the minimum sample hollow (not evaluated),
/// with a value axis, a date axis and the same figures as a table. Plain SVG, so it renders
/// on the server and needs no chart library.
#[component]
pub fn HistoryChart(history: RuleHistory, unit: Unit) -> impl IntoView {
    let values: Vec<f64> = history
        .days
        .iter()
        .flat_map(|d| d.value.into_iter().chain(d.threshold))
        .filter(|v| v.is_finite())
        .collect();
    let mut lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let mut hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // Shares start at zero, so a dip is drawn at its true size.
    if unit == Unit::Percent && lo.is_finite() {
        lo = lo.min(0.0);
        hi = hi.max(lo + 1.0);
    }
    let n = history.days.len().max(2);
    let x = move |i: usize| LEFT + (W - LEFT - RIGHT) * i as f64 / (n - 1) as f64;
    let span = if (hi - lo).abs() < 1e-9 { 1.0 } else { hi - lo };
    let y = move |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v - lo) / span);
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
    let min_sample = history.min_sample;
    let dots = history
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let v = d.value?;
            lo.is_finite().then(|| {
                let short = d.n < min_sample;
                let class = if d.breach {
                    "hc-dot breach"
                } else if short {
                    "hc-dot short"
                } else {
                    "hc-dot"
                };
                let title = format!("{}: {}", format::day(d.day), day_text(d, unit, min_sample));
                view! { <circle class=class cx=format!("{:.1}", x(i)) cy=format!("{:.1}", y(v)) r="3.5"><title>{title}</title></circle> }
            })
        })
        .collect_view();
    let axis = lo.is_finite().then(|| {
        let ticks = [lo, lo + span / 2.0, hi]
            .into_iter()
            .map(|v| {
                view! {
                    <line class="hc-grid" x1=LEFT.to_string() x2=(W - RIGHT).to_string() y1=format!("{:.1}", y(v)) y2=format!("{:.1}", y(v)) />
                    <text class="hc-tick" x=(LEFT - 4.0).to_string() y=format!("{:.1}", y(v) + 3.5) text-anchor="end">{format::value(v, unit)}</text>
                }
            })
            .collect_view();
        let dates = [0, history.days.len().saturating_sub(1) / 2, history.days.len().saturating_sub(1)]
            .into_iter()
            .filter_map(|i| history.days.get(i).map(|d| (i, d.day)))
            .map(|(i, day)| {
                let anchor = if i == 0 { "start" } else if i + 1 == history.days.len() { "end" } else { "middle" };
                view! { <text class="hc-tick" x=format!("{:.1}", x(i)) y=(H - 6.0).to_string() text-anchor=anchor>{format::day(day)}</text> }
            })
            .collect_view();
        view! { {ticks}{dates} }
    });
    let short = (history.short_days > 0).then(|| {
        format!(
            " · {} of {} days had fewer than {} answers (the minimum sample), so they were not evaluated",
            history.short_days,
            history.days.len(),
            format::count(min_sample)
        )
    });
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
    let label = format!("{summary}{}", short.clone().unwrap_or_default());
    let rows = history
        .days
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <td>{format::day(d.day)}</td>
                    <td class="num">{d.value.map(|v| format::value(v, unit)).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{format::count(d.n)}</td>
                    <td class="num">{d.threshold.map(|v| format::value(v, unit)).unwrap_or_else(|| "–".into())}</td>
                    <td>{day_state(d, min_sample)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="history-chart" data-testid="history-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=label>
                {axis}
                <path class="hc-threshold" d=threshold />
                <path class="hc-line" d=line />
                {dots}
            </svg>
            <figcaption>
                <span data-testid="history-summary">{summary}</span>
                {short.map(|s| view! { <span class="hc-short" data-testid="history-short">{s}</span> })}
                <span class="muted">" · threshold dashed, breaches red, hollow: below the minimum sample"</span>
            </figcaption>
            <details class="chart-table">
                <summary>"The figures as a table"</summary>
                <div class="table-scroll">
                    <table class="data-table" data-testid="history-table">
                        <thead><tr><th>"Day"</th><th class="num">"Value"</th><th class="num">"Answers"</th><th class="num">"Threshold"</th><th>"Outcome"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
}

fn day_state(d: &crate::model::alerts::HistoryPoint, min_sample: i64) -> String {
    if d.breach {
        "in breach".into()
    } else if d.n < min_sample {
        format!("not enough data (n = {})", format::count(d.n))
    } else {
        "ok".into()
    }
}

fn day_text(d: &crate::model::alerts::HistoryPoint, unit: Unit, min_sample: i64) -> String {
    let v = d
        .value
        .map(|v| format::value(v, unit))
        .unwrap_or_else(|| "–".into());
    format!(
        "{v} (n = {}) — {}",
        format::count(d.n),
        day_state(d, min_sample)
    )
}
