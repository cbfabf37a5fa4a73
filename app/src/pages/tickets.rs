use crate::api::support::get_ticket_list;
use crate::components::filters::links::path_with;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::support::ticket_table::{Pager, TicketTable};
use crate::domain::query::decode_pairs;
use crate::model::support::TicketList;
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// What narrows the list, as removable chips (everything but range, sort and paging).
const NARROWING: [(&str, &str); 9] = [
    ("channel", "Channel"),
    ("segment", "Segment"),
    ("product_category", "Category"),
    ("region", "Region"),
    ("partner", "Partner"),
    ("status", "Status"),
    ("priority", "Priority"),
    ("weekday", "Weekday"),
    ("hour", "Hour (UTC)"),
];

/// The tickets behind a support drill-down: the same range and filters as the chart that
/// linked here (all in the URL), sortable by any column, fifty per page.
#[component]
pub fn TicketListPage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let list = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_ticket_list(q),
    );
    view! {
        <Title text="Tickets · Signalroom" />
        <TopBar title="Tickets" status=live.status />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(l) => view! { <TicketListView list=l query=raw.get_untracked() /> }.into_any(),
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn TicketListView(list: TicketList, query: String) -> impl IntoView {
    let pairs = decode_pairs(&query);
    let chips = NARROWING
        .iter()
        .filter_map(|(key, label)| {
            let v = pairs.iter().rev().find(|(k, v)| k == key && !v.is_empty())?.1.clone();
            let shown = match *key {
                "weekday" => v
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].get(i).copied())
                    .unwrap_or("?")
                    .to_string(),
                "hour" => format!("{v}:00"),
                _ => v,
            };
            let clear = path_with("/support/tickets", &query, &[(key, None)]);
            Some(view! {
                <li class="chip" data-testid=format!("chip-{key}")>
                    {*label} ": " <strong>{shown}</strong> " " <a href=clear aria-label=format!("Remove {label}")>"×"</a>
                </li>
            })
        })
        .collect_view();
    // Back to the support page with the same range and dashboard filters.
    let back = path_with(
        "/support",
        &query,
        &[
            ("sort", None),
            ("dir", None),
            ("page", None),
            ("status", None),
            ("priority", None),
            ("weekday", None),
            ("hour", None),
        ],
    );
    let period = format!("{} – {}", format::day(list.from), format::day(list.to));
    let empty = list.rows.is_empty().then(|| {
        view! { <p class="muted" data-testid="ticket-empty">"No tickets match these filters."</p> }
    });
    let (page, pages, total) = (list.params.page, list.pages, list.total);
    view! {
        <p><a href=back data-testid="back-to-support">"← Customer support"</a></p>
        <p class="compared">"Tickets created " <strong>{period}</strong></p>
        <ul class="chips" aria-label="Filters">{chips}</ul>
        <Pager page=page pages=pages total=total query=query.clone() place="top" />
        <TicketTable list=list query=query.clone() />
        {empty}
        <Pager page=page pages=pages total=total query=query.clone() place="bottom" />
    }
}
