use super::access_error::AccessErrorPanel;
use crate::api::access::{list_share_links, RevokeShareLink};
use crate::components::format;
use crate::components::layout::copy_link::CopyLink;
use crate::components::layout::top_bar::TopBar;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// Share links: yours (an admin sees everyone's), with their use and a revoke button.
#[component]
pub fn SharesPage() -> impl IntoView {
    let revoke = ServerAction::<RevokeShareLink>::new();
    let links = Resource::new(move || revoke.version().get(), |_| list_share_links());
    view! {
        <Title text="Share links · Signalroom" />
        <TopBar title="Share links" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match links.await {
                        Ok(list) if list.is_empty() => view! {
                            <section class="panel"><p>"No share links yet: use “Share” on a dashboard to create one."</p></section>
                        }.into_any(),
                        Ok(list) => {
                            let rows = list.into_iter().map(|l| {
                                let view_url = if l.query.is_empty() { l.path.clone() } else { format!("{}?{}", l.path, l.query) };
                                let live = l.revoked_at.is_none();
                                let id = l.id.clone();
                                view! {
                                    <tr data-testid="share-row">
                                        <td>{l.label}</td>
                                        <td><a href=view_url.clone()>{view_url.clone()}</a></td>
                                        <td>{l.url.map(|u| view! { <CopyLink path=u /> })}</td>
                                        <td>{l.creator}</td>
                                        <td>{format::datetime(l.created_at)}</td>
                                        <td>{format::datetime(l.expires_at)}</td>
                                        <td class="num">{l.uses}</td>
                                        <td>
                                            {if live {
                                                view! {
                                                    <ActionForm action=revoke attr:class="inline">
                                                        <input type="hidden" name="id" value=id />
                                                        <button type="submit" class="danger" data-testid="share-revoke">"Revoke"</button>
                                                    </ActionForm>
                                                }.into_any()
                                            } else {
                                                view! { <span class="muted">"revoked"</span> }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <section class="panel">
                                    <table class="data-table">
                                        <thead><tr><th>"Label"</th><th>"View"</th><th>"Link"</th><th>"By"</th><th>"Created"</th><th>"Expires"</th><th class="num">"Opened"</th><th>"State"</th></tr></thead>
                                        <tbody>{rows}</tbody>
                                    </table>
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
