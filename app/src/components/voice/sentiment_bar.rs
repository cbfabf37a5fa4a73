use crate::domain::sentiment::SentimentMix;
use leptos::prelude::*;

/// One stacked bar of positive / neutral / negative shares, labelled, with its text count.
#[component]
pub fn SentimentBar(
    /// What the bar is about (a source, a period).
    label: String,
    mix: SentimentMix,
) -> impl IntoView {
    let seg = |class: &'static str, pct: Option<f64>| {
        let pct = pct.unwrap_or(0.0);
        (pct > 0.0).then(|| {
            view! { <span class=class style=format!("width:{pct:.1}%") title=format!("{pct:.0}%")></span> }
        })
    };
    let score = mix
        .score
        .map(|s| format!("{s:+.2}"))
        .unwrap_or_else(|| "–".into());
    view! {
        <div class="sentiment-row">
            <span class="sentiment-label">{label}</span>
            <span class="sentiment-bar" role="img"
                aria-label=format!("{:.0}% positive, {:.0}% negative",
                    mix.positive_pct.unwrap_or(0.0), mix.negative_pct.unwrap_or(0.0))>
                {seg("seg-positive", mix.positive_pct)}
                {seg("seg-neutral", mix.neutral_pct)}
                {seg("seg-negative", mix.negative_pct)}
            </span>
            <span class="sentiment-score">{score}</span>
            <span class="sentiment-n">{format!("n = {}", mix.n)}</span>
        </div>
    }
}
