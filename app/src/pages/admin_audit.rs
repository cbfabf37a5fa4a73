use super::access_error::AccessErrorPanel;
use crate::api::access::list_audit;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::model::access::AuditQuery;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Admin: the audit log, filtered by action, actor and dates from the URL (a GET form), with
/// keyset pagination ("older").
#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let query_map = use_query_map();
    let filter = Memo::new(move |_| {
        query_map.with(|p| AuditQuery {
            action: p.get("action").unwrap_or_default(),
            actor: p.get("actor").unwrap_or_default(),
            from: p.get("from").unwrap_or_default(),
            to: p.get("to").unwrap_or_default(),
            before: p.get("before").and_then(|b| b.parse().ok()),
        })
    });
    let page = Resource::new(
        move || filter.get(),
        |f| {
            list_audit(
                Some(f.action),
                Some(f.actor),
                Some(f.from),
                Some(f.to),
                f.before,
            )
        },
    );
    view! {
        <Title text="Audit log · Signalroom" />
        <TopBar title="Audit log" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let f = filter.get_untracked();
                    match page.await {
                        Ok(p) => {
                            let rows = p.entries.into_iter().map(|e| view! {
                                <tr data-testid="audit-row">
                                    <td>{format::datetime(e.at)}</td>
                                    <td>{e.actor}</td>
                                    <td><code>{e.action}</code></td>
                                    <td>{e.target}</td>
                                    <td>{e.detail}</td>
                                    <td>{e.ip}</td>
                                </tr>
                            }).collect_view();
                            let older = p.next_before.map(|b| {
                                let href = format!(
                                    "/admin/audit?{}",
                                    crate::domain::query::encode_pairs([
                                        ("action", f.action.as_str()),
                                        ("actor", f.actor.as_str()),
                                        ("from", f.from.as_str()),
                                        ("to", f.to.as_str()),
                                        ("before", b.to_string().as_str()),
                                    ])
                                );
                                view! { <a href=href>"Older entries →"</a> }
                            });
                            view! {
                                <form method="get" action="/admin/audit" class="filters">
                                    <label class="field">"Action"
                                        <select name="action">
                                            {[("", "All"), ("login.", "Sign-ins"), ("logout", "Sign-outs"), ("user.", "Accounts"), ("key.", "API keys"), ("share.", "Share links")]
                                                .into_iter()
                                                .map(|(v, l)| view! { <option value=v selected=f.action == v>{l}</option> })
                                                .collect_view()}
                                        </select>
                                    </label>
                                    <label class="field">"Actor"<input type="text" name="actor" value=f.actor.clone() maxlength="200" /></label>
                                    <label class="field">"From"<input type="date" name="from" value=f.from.clone() /></label>
                                    <label class="field">"To"<input type="date" name="to" value=f.to.clone() /></label>
                                    <div class="actions"><button type="submit">"Filter"</button></div>
                                </form>
                                <section class="panel">
                                    <table class="data-table">
                                        <thead><tr><th>"When"</th><th>"Who"</th><th>"Action"</th><th>"Target"</th><th>"Detail"</th><th>"IP"</th></tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
                                    {older}
                                </section>
                            }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}
