use crate::api::alerts::get_alerts_page;
use crate::components::alerts::alert_card::AlertCard;
use crate::components::alerts::alert_heatmap::AlertHeatmap;
use crate::components::alerts::alert_log_table::AlertLogTable;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_alert_updates;
use crate::model::alerts::AlertsPage as Page;
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The alert inbox and dashboard: active alerts by severity with their evidence and actions,
/// the alert log, when alerts fire, and webhook deliveries; customer and partner views.
/// Live: an alert raised or changed anywhere appears without a reload.
#[component]
pub fn AlertsPage() -> impl IntoView {
    let query = use_query_map();
    let live = use_alert_updates();
    let changed = RwSignal::new(0u64);
    let view_name = Memo::new(move |_| query.with(|q| q.get("view").unwrap_or_default()));
    let page = Resource::new(
        move || (view_name.get(), live.version.get(), changed.get()),
        |(v, _, _)| get_alerts_page(v),
    );
    view! {
        <Title text="Alerts · Signalroom" />
        <TopBar title="Alerts" status=live.status />
        <main class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <AlertsView page=p changed=changed /> }.into_any(),
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn AlertsView(page: Page, changed: RwSignal<u64>) -> impl IntoView {
    let tab = |v: &'static str, label: &'static str| {
        let class = if page.audience == v {
            "tab active"
        } else {
            "tab"
        };
        view! { <a class=class href=format!("/alerts?view={v}")>{label}</a> }
    };
    let c = &page.counts;
    let tiles = view! {
        <section class="tiles" aria-label="Active alerts by severity" data-testid="alert-summary">
            <div class="tile sev-tile critical"><h3>"Critical"</h3><p class="tile-value">{c.critical}</p></div>
            <div class="tile sev-tile warning"><h3>"Warning"</h3><p class="tile-value">{c.warning}</p></div>
            <div class="tile sev-tile info"><h3>"Info"</h3><p class="tile-value">{c.info}</p></div>
            <div class="tile sev-tile"><h3>"Unacknowledged"</h3><p class="tile-value" data-testid="unread-count">{c.unread}</p></div>
        </section>
    };
    let empty = page.active.is_empty().then(|| {
        view! { <p class="muted" data-testid="inbox-empty">"No active alerts. Rules keep watching."</p> }
    });
    let can_edit = page.can_edit;
    let cards = page
        .active
        .into_iter()
        .map(|a| view! { <AlertCard alert=a can_edit=can_edit changed=changed /> }.into_any())
        .collect_view();
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
    view! {
        <nav class="tabs" aria-label="View">
            {tab("customer", "Customers")}
            {tab("partner", "Partners")}
            <a class="tab" href="/alerts/rules" data-testid="rules-link">"Rules →"</a>
        </nav>
        {tiles}
        <section class="panel wide inbox" data-testid="alert-inbox">
            <h2>"Inbox"</h2>
            {empty}
            {cards}
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
