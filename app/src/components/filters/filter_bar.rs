use super::links::{also_clear, href_with};
use crate::components::format;
use crate::domain::dimension::Dimension;
use crate::domain::query::DashboardQuery;
use crate::model::DimensionValues;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

const PRESETS: [(&str, &str); 6] = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("180d", "Last 6 months"),
    ("365d", "Last 12 months"),
    ("730d", "Last 2 years"),
];

/// Every filter of the view. It is a plain GET form, so it works without JavaScript; with
/// JavaScript each change navigates at once, which keeps the URL, reload and Back/Forward in
/// step with what is shown.
#[component]
pub fn FilterBar(query: DashboardQuery, options: Vec<DimensionValues>) -> impl IntoView {
    let query_map = use_query_map();
    let params = query_map.get_untracked();
    let navigate = use_navigate();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(name) = event_target::<leptos::web_sys::Element>(&ev).get_attribute("name") else {
            return;
        };
        let value = event_target_value(&ev);
        let mut changes: Vec<(&str, Option<&str>)> = vec![(name.as_str(), Some(value.as_str()))];
        changes.extend(also_clear(&name).iter().map(|k| (*k, None)));
        let url = href_with(&query_map.get_untracked(), &changes);
        navigate(&url, NavigateOptions::default());
    };
    let explicit = params.get("from").is_some() || params.get("to").is_some();
    let range = params.get("range").unwrap_or_else(|| {
        if explicit {
            String::new()
        } else {
            "30d".into()
        }
    });
    let preset_options = PRESETS
        .iter()
        .map(|(v, label)| view! { <option value=*v selected=range == *v>{*label}</option> })
        .collect_view();
    let bucket = params.get("bucket").unwrap_or_default();
    let compare = query.compare.as_str();
    let dims = Dimension::ALL
        .into_iter()
        .map(|d| {
            let current = query.filters.get(&d).cloned().unwrap_or_default();
            let mut values = options
                .iter()
                .find(|o| o.dimension == d)
                .map(|o| o.values.clone())
                .unwrap_or_default();
            if !current.is_empty() && !values.contains(&current) {
                values.push(current.clone());
            }
            let opts = values
                .into_iter()
                .filter(|v| !v.is_empty())
                .map(|v| {
                    let sel = v == current;
                    let label = v.clone();
                    view! { <option value=v selected=sel>{label}</option> }
                })
                .collect_view();
            view! {
                <label class="field">
                    <span>{d.label()}</span>
                    <select name=d.as_str() data-testid=format!("filter-{}", d.as_str())>
                        <option value="" selected=current.is_empty()>"All"</option>
                        {opts}
                    </select>
                </label>
            }
        })
        .collect_view();
    let hidden = ["metric", "by", "scale", "min_sample"]
        .into_iter()
        .filter_map(|k| {
            params
                .get(k)
                .map(|v| view! { <input type="hidden" name=k value=v /> })
        })
        .collect_view();
    let period = format!("{} – {}", format::day(query.from), format::day(query.to));
    view! {
        <form class="filters" method="get" action="/" on:change=on_change data-testid="filter-bar">
            {hidden}
            <label class="field">
                <span>"Range"</span>
                <select name="range" data-testid="filter-range">
                    <option value="" selected=range.is_empty()>"Custom dates"</option>
                    {preset_options}
                </select>
            </label>
            <label class="field">
                <span>"From"</span>
                <input type="date" name="from" value=params.get("from").unwrap_or_default() />
            </label>
            <label class="field">
                <span>"To"</span>
                <input type="date" name="to" value=params.get("to").unwrap_or_default() />
            </label>
            <label class="field">
                <span>"Bucket"</span>
                <select name="bucket">
                    <option value="" selected=bucket.is_empty()>{format!("Auto ({})", query.bucket.as_str())}</option>
                    <option value="day" selected=bucket == "day">"Day"</option>
                    <option value="week" selected=bucket == "week">"Week"</option>
                    <option value="month" selected=bucket == "month">"Month"</option>
                </select>
            </label>
            <label class="field">
                <span>"Compare to"</span>
                <select name="compare">
                    <option value="previous" selected=compare == "previous">"Previous period"</option>
                    <option value="year" selected=compare == "year">"Same period last year"</option>
                    <option value="none" selected=compare == "none">"No comparison"</option>
                </select>
            </label>
            {dims}
            <div class="actions">
                <button type="submit">"Apply"</button>
                <a href=href_with(&Default::default(), &[])>"Reset"</a>
            </div>
            <p class="period" data-testid="period">{period}</p>
        </form>
    }
    .into_any()
}
