use super::links::{also_clear, href_at};
use crate::components::clock::now_ms;
use crate::components::format;
use crate::domain::date::Day;
use crate::domain::dimension::Dimension;
use crate::domain::query::DashboardQuery;
use crate::model::DimensionValues;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;

const PRESETS: [(&str, &str); 6] = [
    ("7d", "Last 7 days"),
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("180d", "Last 6 months"),
    ("365d", "Last 12 months"),
    ("730d", "Last 2 years"),
];

/// Parameters the bar does not show but keeps when it applies a change.
const KEPT: [&str; 4] = ["metric", "by", "scale", "min_sample"];

/// Whether the view under the bar is being recomputed: the page provides it from its
/// `Transition`, so the bar can say that the numbers below are about to change.
#[derive(Clone, Copy)]
pub struct Loading(pub ReadSignal<bool>);

/// Every filter of the view. It is a plain GET form, so it works without JavaScript. With
/// JavaScript a select applies at once; dates apply on Apply or when the field loses focus
/// (a date being typed passes through impossible values such as year 0002), after the same
/// validation the server applies.
///
/// `query` is the view the numbers are computed for (`None` on an error page, where the bar
/// stays so the view can be repaired). Controls take their values as properties as well as
/// attributes: a re-render after Back or Forward must move a select the user already touched.
///
/// `path` is the page the bar drives (the summary by default) and `dimensions` the filters
/// that page's figures take.
#[component]
pub fn FilterBar(
    query: Option<DashboardQuery>,
    options: Vec<DimensionValues>,
    #[prop(default = "/")] path: &'static str,
    #[prop(default = &Dimension::ALL)] dimensions: &'static [Dimension],
    /// Whether the page's figures have a bucket to choose (the summary's trend does).
    #[prop(default = true)]
    buckets: bool,
) -> impl IntoView {
    let query_map = use_query_map();
    let params = query_map.get_untracked();
    let busy = use_context::<Loading>().map(|l| l.0);
    let is_busy = move || busy.is_some_and(|b| b.get());
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let go = move |changes: Vec<(String, Option<String>)>| {
        let changes: Vec<(&str, Option<&str>)> = changes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        let url = href_at(path, &query_map.get_untracked(), &changes);
        match validate(&url) {
            Ok(()) => {
                error.set(None);
                navigate(&url, NavigateOptions::default());
            }
            Err(e) => error.set(Some(e)),
        }
    };
    // A select moved with the arrow keys (a closed select changes at once in Chromium)
    // applies on Enter or when it loses focus, not on every step.
    let stepped = RwSignal::new(None::<String>);
    let apply = {
        let go = go.clone();
        move |name: String, value: String| {
            stepped.set(None);
            let mut changes = vec![(name.clone(), Some(value))];
            changes.extend(also_clear(&name).iter().map(|k| (k.to_string(), None)));
            go(changes);
        }
    };
    let on_change = {
        let apply = apply.clone();
        move |ev: leptos::ev::Event| {
            let el = event_target::<leptos::web_sys::Element>(&ev);
            let Some(name) = el.get_attribute("name") else {
                return;
            };
            if is_date(&name) || stepped.get_untracked().as_deref() == Some(name.as_str()) {
                return;
            }
            apply(name, event_target_value(&ev));
        }
    };
    let on_key = {
        let apply = apply.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let el = event_target::<leptos::web_sys::Element>(&ev);
            let Some(name) = el
                .get_attribute("name")
                .filter(|_| el.tag_name() == "SELECT")
            else {
                return;
            };
            match ev.key().as_str() {
                "ArrowUp" | "ArrowDown" | "ArrowLeft" | "ArrowRight" | "Home" | "End"
                | "PageUp" | "PageDown"
                    if !ev.alt_key() =>
                {
                    stepped.set(Some(name));
                }
                "Enter" if stepped.get_untracked().as_deref() == Some(name.as_str()) => {
                    ev.prevent_default();
                    apply(name, event_target_value(&ev));
                }
                _ => {}
            }
        }
    };
    let on_blur = {
        let go = go.clone();
        move |ev: leptos::ev::FocusEvent| {
            let el = event_target::<leptos::web_sys::Element>(&ev);
            let Some(name) = el.get_attribute("name") else {
                return;
            };
            if stepped.get_untracked().as_deref() == Some(name.as_str()) {
                apply(name, event_target_value(&ev));
                return;
            }
            if !is_date(&name) {
                return;
            }
            // From → To is one edit: apply when the dates are left, not between them; and
            // leaving them for Apply is the submit's to apply.
            let next = ev.related_target().and_then(|t| {
                leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(t).ok()
            });
            let to_date = next
                .as_ref()
                .and_then(|t| t.get_attribute("name"))
                .is_some_and(|n| is_date(&n));
            let to_submit = next
                .as_ref()
                .is_some_and(|t| t.get_attribute("type").as_deref() == Some("submit"));
            if to_date || to_submit {
                return;
            }
            let value = event_target_value(&ev);
            if query_map.get_untracked().get(&name).unwrap_or_default() == value {
                return;
            }
            go(vec![(name, Some(value)), ("range".into(), None)]);
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        go(form_changes(&ev));
    };
    let explicit = params.get("from").is_some() || params.get("to").is_some();
    let range = params.get("range").unwrap_or_else(|| {
        if explicit {
            String::new()
        } else {
            "30d".into()
        }
    });
    let preset_options = std::iter::once(("", "Custom dates"))
        .chain(PRESETS)
        .map(|(v, label)| choice(v, label, range == v))
        .collect_view();
    let bucket = params.get("bucket").unwrap_or_default();
    let auto_bucket = query
        .as_ref()
        .map(|q| format!("Auto ({})", q.bucket.as_str()))
        .unwrap_or_else(|| "Auto".into());
    let bucket_options = [
        ("", auto_bucket.as_str()),
        ("day", "Day"),
        ("week", "Week"),
        ("month", "Month"),
    ]
    .into_iter()
    .map(|(v, label)| choice(v, label, bucket == v))
    .collect_view();
    let compare = query.as_ref().map_or("previous", |q| q.compare.as_str());
    let compare_options = [
        ("previous", "Previous period"),
        ("year", "Same period last year"),
        ("month", "Same dates last month"),
        ("none", "No comparison"),
    ]
    .into_iter()
    .map(|(v, label)| choice(v, label, compare == v))
    .collect_view();
    let dims = dimensions
        .iter()
        .copied()
        .map(|d| {
            let current = query
                .as_ref()
                .and_then(|q| q.filters.get(&d).cloned())
                .or_else(|| params.get(d.as_str()))
                .unwrap_or_default();
            let mut values = options
                .iter()
                .find(|o| o.dimension == d)
                .map(|o| o.values.clone())
                .unwrap_or_default();
            if !current.is_empty() && !values.contains(&current) {
                values.push(current.clone());
            }
            let opts = std::iter::once(String::new())
                .chain(values.into_iter().filter(|v| !v.is_empty()))
                .map(|v| {
                    let label = if v.is_empty() { "All".to_string() } else { v.clone() };
                    choice(&v, &label, v == current)
                })
                .collect_view();
            view! {
                <label class="field">
                    <span>{d.label()}</span>
                    <select name=d.as_str() data-testid=format!("filter-{}", d.as_str())>{opts}</select>
                </label>
            }
        })
        .collect_view();
    let hidden = KEPT
        .into_iter()
        .filter_map(|k| {
            params
                .get(k)
                .map(|v| view! { <input type="hidden" name=k value=v /> })
        })
        .collect_view();
    let period = query
        .as_ref()
        .map(|q| format!("{} – {}", format::day(q.from), format::day(q.to)));
    let from = params.get("from").unwrap_or_default();
    let to = params.get("to").unwrap_or_default();
    view! {
        <a class="skip-link" href="#after-filters">"Skip the filters"</a>
        <form
            class="filters"
            method="get"
            action=path
            on:change=on_change
            on:focusout=on_blur
            on:keydown=on_key
            novalidate
            on:submit=on_submit
            data-testid="filter-bar"
            aria-label="Filters"
            aria-busy=move || is_busy().to_string()
        >
            {hidden}
            <label class="field">
                <span>"Range"</span>
                <select name="range" data-testid="filter-range">{preset_options}</select>
            </label>
            <label class="field">
                <span>"From"</span>
                <input type="date" name="from" min="1970-01-01" max="2999-12-31" value=from.clone() prop:value=from />
            </label>
            <label class="field">
                <span>"To"</span>
                <input type="date" name="to" min="1970-01-01" max="2999-12-31" value=to.clone() prop:value=to />
            </label>
            {buckets.then(|| view! {
                <label class="field">
                    <span>"Bucket"</span>
                    <select name="bucket">{bucket_options}</select>
                </label>
            })}
            <label class="field">
                <span>"Compare to"</span>
                <select name="compare">{compare_options}</select>
            </label>
            {dims}
            <div class="actions">
                <button type="submit">"Apply"</button>
                <a href=href_at(path, &ParamsMap::new(), &[])>"Reset"</a>
            </div>
            {move || error.get().map(|e| view! {
                <p class="form-error filter-error" role="alert" data-testid="filter-error">{e}</p>
            })}
            <p class="period" data-testid="period">
                {period}
                // Always in the page and only shown while busy: a node that appeared only when
                // busy would differ from the server's HTML if hydration met a pending load.
                <span class="updating" role="status" data-testid="updating" hidden=move || !is_busy()>
                    " · Updating…"
                </span>
            </p>
        </form>
        <span id="after-filters" tabindex="-1"></span>
    }
    .into_any()
}

/// One `<option>`: selected as an attribute (server rendering, no JavaScript) and as a
/// property (a re-render must move a select the user has already changed).
fn choice(value: &str, label: &str, selected: bool) -> impl IntoView {
    view! { <option value=value.to_string() selected=selected prop:selected=selected>{label.to_string()}</option> }
}

fn is_date(name: &str) -> bool {
    matches!(name, "from" | "to")
}

/// The view a URL asks for, checked the way the server will check it, so a mistake is
/// explained in the form instead of replacing the page.
fn validate(url: &str) -> Result<(), String> {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let today = Day::from_epoch_ms(now_ms());
    DashboardQuery::parse_str(query, today)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// Every control of the submitted form as a change: empty values clear their parameter, and
/// explicit dates replace a preset range.
fn form_changes(ev: &leptos::ev::SubmitEvent) -> Vec<(String, Option<String>)> {
    let mut names: Vec<String> = ["range", "from", "to", "bucket", "compare"]
        .into_iter()
        .map(String::from)
        .collect();
    names.extend(Dimension::ALL.iter().map(|d| d.as_str().to_string()));
    let values = form_values(ev, &names);
    let dated = values
        .iter()
        .any(|(k, v)| is_date(k) && v.as_deref().is_some_and(|v| !v.is_empty()));
    values
        .into_iter()
        .map(|(k, v)| {
            if k == "range" && dated {
                (k, None)
            } else {
                (k, v)
            }
        })
        .collect()
}

#[cfg(feature = "hydrate")]
fn form_values(ev: &leptos::ev::SubmitEvent, names: &[String]) -> Vec<(String, Option<String>)> {
    use leptos::wasm_bindgen::JsCast;
    let data = ev
        .target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlFormElement>().ok())
        .and_then(|f| leptos::web_sys::FormData::new_with_form(&f).ok());
    names
        .iter()
        .map(|n| {
            let v = data.as_ref().and_then(|d| d.get(n).as_string());
            (n.clone(), v)
        })
        .collect()
}

#[cfg(not(feature = "hydrate"))]
fn form_values(_: &leptos::ev::SubmitEvent, names: &[String]) -> Vec<(String, Option<String>)> {
    names.iter().map(|n| (n.clone(), None)).collect()
}
