use super::links::{path_with, query_param, RANGE_PRESETS};
use leptos::prelude::*;

/// The range preset tabs of a page at `path` whose view is `query`: each keeps the rest of
/// the view and the current one is marked (`30d` when the link names none).
pub fn range_tabs(path: &'static str, query: &str) -> impl IntoView {
    let now = query_param(query, "range").unwrap_or_else(|| "30d".into());
    RANGE_PRESETS
        .iter()
        .map(|(r, label)| {
            let href = path_with(path, query, &[("range", Some(r))]);
            let here = (*r == now).then_some("page");
            view! { <a class="tab" href=href aria-current=here>{*label}</a> }
        })
        .collect_view()
}
