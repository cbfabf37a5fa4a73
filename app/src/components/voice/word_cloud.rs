use crate::components::filters::links::path_with;
use crate::domain::sentiment::keywords::CloudWord;
use leptos::prelude::*;

/// Font sizes from the rarest to the most frequent word, in rem.
const MIN_REM: f64 = 0.8;
const MAX_REM: f64 = 2.4;

/// The words of the period sized by frequency and coloured by the mean sentiment of the
/// texts using them. Each word is a link that filters the feedback log to texts using it
/// (and clears the filter when it is the current one), so it works without JavaScript.
#[component]
pub fn WordCloud(
    words: Vec<CloudWord>,
    /// The page's query string.
    query: String,
    /// The keyword currently filtering the log.
    current: Option<String>,
) -> impl IntoView {
    if words.is_empty() {
        return view! { <p class="empty">"No words yet: the period has too little feedback."</p> }
            .into_any();
    }
    let (lo, hi) = words.iter().fold((u32::MAX, 0), |(lo, hi), w| {
        (lo.min(w.count), hi.max(w.count))
    });
    // Alphabetical order reads better in a cloud than frequency order.
    let mut words = words;
    words.sort_by(|a, b| a.term.cmp(&b.term));
    let items = words
        .into_iter()
        .map(|w| {
            let size = size_rem(w.count, lo, hi);
            let class = format!("cloud-word {}", tone(w.score));
            let selected = current.as_deref() == Some(w.term.as_str());
            let target = if selected { None } else { Some(w.term.as_str()) };
            let href = path_with("/voice", &query, &[("term", target)]);
            let title = format!("{} texts · mean sentiment {:+.2}", w.count, w.score);
            view! {
                <li>
                    <a class=class href=href style=format!("font-size:{size:.2}rem") title=title
                        aria-current=selected.then_some("true") data-testid="cloud-word">{w.term}</a>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="word-cloud" data-testid="word-cloud">{items}</ul> }.into_any()
}

/// Square-root scaling, so a few very frequent words do not shrink the rest to dots.
pub fn size_rem(count: u32, lo: u32, hi: u32) -> f64 {
    if hi <= lo {
        return (MIN_REM + MAX_REM) / 2.0;
    }
    let t = (f64::from(count - lo) / f64::from(hi - lo)).sqrt();
    MIN_REM + t * (MAX_REM - MIN_REM)
}

/// The CSS class of a mean score: the same ±0.05 bounds as a text's label.
pub fn tone(score: f64) -> &'static str {
    match crate::domain::sentiment::Polarity::of(score) {
        crate::domain::sentiment::Polarity::Positive => "tone-positive",
        crate::domain::sentiment::Polarity::Neutral => "tone-neutral",
        crate::domain::sentiment::Polarity::Negative => "tone-negative",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_span_the_range_and_tones_follow_the_label_bounds() {
        assert_eq!(size_rem(1, 1, 101), MIN_REM);
        assert_eq!(size_rem(101, 1, 101), MAX_REM);
        assert_eq!(size_rem(5, 5, 5), (MIN_REM + MAX_REM) / 2.0);
        assert_eq!(tone(0.3), "tone-positive");
        assert_eq!(tone(0.0), "tone-neutral");
        assert_eq!(tone(-0.05), "tone-negative");
    }
}
