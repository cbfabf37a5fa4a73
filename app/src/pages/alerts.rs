use crate::api::alerts::{act_on_alert, get_alerts_page};
use crate::components::alerts::alert_card::{AlertCard, InboxState};
use crate::components::alerts::alert_heatmap::AlertHeatmap;
use crate::components::alerts::alert_log_table::AlertLogTable;
use crate::components::alerts::severity_label;
use crate::components::filters::links::path_with;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_alert_updates;
use crate::domain::alert::inbox::{arrange, rules, InboxFilter, PAGE_SIZE};
use crate::domain::alert::lifecycle::AlertState;
use crate::domain::alert::rule::Severity;
use crate::model::alerts::{AlertAction, AlertsPage as Page};
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The alert inbox and dashboard: active alerts by severity with their evidence and actions,
/// filters (severity, state, rule, metric), grouping by rule, bulk acknowledge, the alert log, when
/// alerts fire, and webhook deliveries; customer and partner views. Live: an alert raised or
/// changed anywhere appears without a reload, and what someone is typing stays.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let query = use_query_map();
    let live = use_alert_updates();
    let inbox = InboxState::new();
    let view_name = Memo::new(move |_| query.with(|q| q.get("view").unwrap_or_default()));
    let raw =
        Memo::new(move |_| query.with(|p| p.to_query_string().trim_start_matches('?').to_string()));
    let page = Resource::new(
        move || (view_name.get(), live.version.get(), inbox.changed.get()),
        |(v, _, _)| get_alerts_page(v),
    );
    view! {
        <Title text="Alerts · Signalroom" />
        <TopBar title="Alerts" status=live.status />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <AlertsView page=p inbox=inbox query=raw.get() /> }.into_any(),
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn AlertsView(page: Page, inbox: InboxState, query: String) -> impl IntoView {
    let filter = InboxFilter::parse(&query);
    let audience = page.audience.clone();
    let tab = |v: &'static str, label: &'static str| {
        let current = (audience == v).then_some("page");
        view! { <a class="tab" href=format!("/alerts?view={v}") aria-current=current data-testid=format!("tab-{v}")>{label}</a> }
    };
    let c = &page.counts;
    let tiles = view! {
        <section class="tiles" aria-label="Active alerts by severity" data-testid="alert-summary">
            <div class="tile sev-tile critical"><h2 class="tile-label">"Critical"</h2><p class="tile-value" data-testid="count-critical">{c.critical}</p></div>
            <div class="tile sev-tile warning"><h2 class="tile-label">"Warning"</h2><p class="tile-value" data-testid="count-warning">{c.warning}</p></div>
            <div class="tile sev-tile info"><h2 class="tile-label">"Info"</h2><p class="tile-value" data-testid="count-info">{c.info}</p></div>
            <div class="tile sev-tile"><h2 class="tile-label">"Unacknowledged"</h2><p class="tile-value" data-testid="unread-count">{c.unread}</p></div>
        </section>
    };
    let can_edit = page.can_edit;
    let (groups, total) = arrange(&page.active, &filter);
    let shown: usize = groups.iter().map(|g| g.alerts.len()).sum();
    let empty = (total == 0).then(|| {
        let text = if page.active.is_empty() {
            "No active alerts. Rules keep watching."
        } else {
            "No active alert matches these filters."
        };
        view! { <p class="muted" data-testid="inbox-empty">{text}</p> }
    });
    let firing: Vec<String> = groups
        .iter()
        .flat_map(|g| g.alerts.iter())
        .filter(|a| a.state == AlertState::Firing)
        .map(|a| a.id.clone())
        .collect();
    let group_views = groups
        .into_iter()
        .map(|g| {
            let heading = (!g.rule_id.is_empty()).then(|| {
                view! { <h3 class="group-head" data-testid="alert-group">{format!("{} · {}", g.label, g.alerts.len())}</h3> }
            });
            let cards: Vec<_> = g.alerts.into_iter().cloned().collect();
            view! {
                {heading}
                // Keyed by id and revision: cards that did not change keep their DOM (and
                // the focus and text in it) when the inbox refreshes.
                <For each=move || cards.clone() key=|a| (a.id.clone(), a.updated_at) let:a>
                    <AlertCard alert=a can_edit=can_edit inbox=inbox />
                </For>
            }
        })
        .collect_view();
    let more = (shown < total).then(|| {
        let next = (filter.pages + 1).to_string();
        let href = path_with("/alerts", &query, &[("pages", Some(next.as_str()))]);
        view! {
            <p class="more"><a class="button" href=href data-testid="inbox-more">
                {format!("Show {} more of {}", (total - shown).min(PAGE_SIZE), total - shown)}
            </a></p>
        }
    });
    let bulk = can_edit.then(|| {
        let firing = StoredValue::new(firing.clone());
        let count = move || {
            inbox.selected.with(|s| {
                firing.with_value(|f| f.iter().filter(|id| s.contains(*id)).count())
            })
        };
        let ack_selected = move |_| {
            let ids: Vec<String> = inbox.selected.with_untracked(|s| {
                firing.with_value(|f| f.iter().filter(|id| s.contains(*id)).cloned().collect())
            });
            leptos::task::spawn_local(async move {
                for id in ids {
                    let _ = act_on_alert(id, AlertAction::Acknowledge).await;
                }
                inbox.selected.update(|s| s.clear());
                inbox.changed.update(|v| *v += 1);
            });
        };
        let select_all = move |_| {
            inbox
                .selected
                .update(|s| firing.with_value(|f| s.extend(f.iter().cloned())));
        };
        view! {
            <div class="bulk" data-testid="inbox-bulk">
                <button type="button" class="secondary" on:click=select_all data-testid="select-firing">"Select all firing"</button>
                <button type="button" class="primary" data-testid="ack-selected"
                    disabled=move || count() == 0 on:click=ack_selected>
                    {move || format!("Acknowledge selected ({})", count())}
                </button>
            </div>
        }
    });
    let rules_choice: Vec<(String, String)> = rules(&page.active);
    let severities: Vec<(String, String)> = Severity::ALL
        .into_iter()
        .map(|s| (s.as_str().to_string(), severity_label(s).to_string()))
        .collect();
    let states: Vec<(String, String)> = [
        (AlertState::Firing, "Firing"),
        (AlertState::Acknowledged, "Acknowledged"),
    ]
    .into_iter()
    .map(|(s, l)| (s.as_str().to_string(), l.to_string()))
    .collect();
    // The metrics among the active alerts, and the URL's own list (the home's
    // "negative-sentiment alerts" link asks for two at once).
    let metric_label = |id: &str| {
        crate::domain::catalogue::find(id).map_or_else(|| id.to_string(), |m| m.label.to_string())
    };
    let mut metric_choices: Vec<(String, String)> = Vec::new();
    for a in &page.active {
        if !metric_choices.iter().any(|(v, _)| v == &a.metric) {
            metric_choices.push((a.metric.clone(), metric_label(&a.metric)));
        }
    }
    metric_choices.sort_by(|a, b| a.1.cmp(&b.1));
    let current_metric = (!filter.metrics.is_empty()).then(|| filter.metrics.join(","));
    if let Some(c) = current_metric
        .as_ref()
        .filter(|c| !metric_choices.iter().any(|(v, _)| v == *c))
    {
        let label: Vec<String> = filter.metrics.iter().map(|m| metric_label(m)).collect();
        metric_choices.insert(0, (c.clone(), label.join(" or ")));
    }
    let grouping = vec![("rule".to_string(), "By rule".to_string())];
    let filters = view! {
        <form class="filters inbox-filters" method="get" action="/alerts" aria-label="Inbox filters" data-testid="inbox-filters">
            <input type="hidden" name="view" value=page.audience.clone() />
            {choice_field("Severity", "severity", "All", severities, filter.severity.map(|s| s.as_str().to_string()))}
            {choice_field("State", "state", "All", states, filter.state.map(|s| s.as_str().to_string()))}
            {choice_field("Rule", "rule", "All", rules_choice, filter.rule.clone())}
            {choice_field("Metric", "metric", "All", metric_choices, current_metric)}
            {choice_field("Group", "group", "None", grouping, filter.by_rule.then(|| "rule".to_string()))}
            <div class="actions"><button type="submit">"Apply"</button></div>
        </form>
    };
    let deliveries = page
        .deliveries
        .into_iter()
        .map(|d| {
            let class = format!("delivery {}", d.status);
            view! {
                <tr>
                    <td>{format::datetime(d.created_at)}</td>
                    <td>{d.event}</td>
                    <td><code>{d.url}</code></td>
                    <td class=class>{d.status}</td>
                    <td class="num">{d.attempts}</td>
                    <td>{d.last_status.map(|s| s.to_string()).unwrap_or_default()} " " {d.last_error}</td>
                </tr>
            }
        })
        .collect_view();
    let matched = format!(
        "{} of {} active alerts",
        format::count(shown as i64),
        format::count(total as i64)
    );
    view! {
        <nav class="tabs" aria-label="Audience">
            {tab("customer", "Customers")}
            {tab("partner", "Partners")}
        </nav>
        {tiles}
        <section class="panel wide inbox" data-testid="alert-inbox">
            <h2>"Inbox"</h2>
            {filters}
            <p class="muted" data-testid="inbox-shown">{matched}</p>
            {bulk}
            {empty}
            {group_views}
            {more}
        </section>
        {view! { <AlertLogTable entries=page.log /> }.into_any()}
        {view! { <AlertHeatmap counts=page.heatmap /> }.into_any()}
        <section class="panel wide" data-testid="deliveries">
            <h2>"Webhook deliveries"</h2>
            <div class="table-scroll">
                <table class="data-table">
                    <thead><tr><th>"Queued"</th><th>"Event"</th><th>"Target"</th><th>"Status"</th><th class="num">"Attempts"</th><th>"Last answer"</th></tr></thead>
                    <tbody>{deliveries}</tbody>
                </table>
            </div>
        </section>
    }
}

/// One filter of the inbox form: a labelled select whose first option (empty value) means
/// "no filter".
fn choice_field(
    label: &'static str,
    name: &'static str,
    none: &'static str,
    choices: Vec<(String, String)>,
    current: Option<String>,
) -> impl IntoView {
    let options = choices
        .into_iter()
        .map(|(value, text)| {
            let sel = current.as_deref() == Some(value.as_str());
            view! { <option value=value selected=sel>{text}</option> }
        })
        .collect_view();
    view! {
        <label class="field"><span>{label}</span>
            <select name=name data-testid=format!("inbox-{name}")>
                <option value="" selected=current.is_none()>{none}</option>
                {options}
            </select>
        </label>
    }
}
