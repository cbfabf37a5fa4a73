use super::access_error::AccessErrorPanel;
use crate::api::access::{list_api_keys, CreateApiKey, RevokeApiKey};
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// Admin: ingest API keys. A new key's secret is shown once; keys are stored hashed.
#[component]
pub fn AdminKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    let created = move || {
        create.value().get().map(|r| match r {
            Ok(k) => view! {
                <div class="form-ok" role="status">
                    <p>"Key “" {k.key.name} "” created. Copy it now: it is not shown again."</p>
                    <pre class="secret" data-testid="new-key">{k.secret}</pre>
                </div>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <Title text="API keys · Signalroom" />
        <TopBar title="API keys" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) => {
                            let rows = list.into_iter().map(|k| {
                                let revoked = k.revoked_at.is_some();
                                let id = k.id.clone();
                                view! {
                                    <tr data-testid="key-row">
                                        <td>{k.name}</td>
                                        <td><code>{k.id}</code></td>
                                        <td>{k.scopes.join(", ")}</td>
                                        <td>{format::datetime(k.created_at)}</td>
                                        <td>{k.last_used_at.map(format::datetime).unwrap_or_else(|| "never".into())}</td>
                                        <td>
                                            {if revoked {
                                                view! { <span class="muted">"revoked " {k.revoked_at.map(format::datetime)}</span> }.into_any()
                                            } else {
                                                view! {
                                                    <ActionForm action=revoke attr:class="inline">
                                                        <input type="hidden" name="id" value=id />
                                                        <button type="submit" class="danger">"Revoke"</button>
                                                    </ActionForm>
                                                }.into_any()
                                            }}
                                        </td>
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <section class="panel">
                                    <h2>"New key"</h2>
                                    <ActionForm action=create attr:class="inline-form">
                                        <label class="field">"Name (the source it is for)"<input type="text" name="name" required maxlength="100" /></label>
                                        <label class="field">"Scopes"
                                            <select name="scopes">
                                                <option value="surveys">"Ingest surveys"</option>
                                                <option value="tickets">"Ingest tickets"</option>
                                                <option value="incidents">"Ingest incidents"</option>
                                                <option value="feedback">"Ingest feedback"</option>
                                                <option value="orders">"Ingest orders"</option>
                                                <option value="partners">"Ingest partners, partner activity and inventory"</option>
                                                <option value="events">"Track events (Segment write key)"</option>
                                                <option value="marketing">"Ingest marketing spend"</option>
                                                <option value="workflows">"Ingest workflows, tasks and automation runs"</option>
                                                <option value="lexicon">"Edit the domain lexicon"</option>
                                                <option value="read">"Read metrics"</option>
                                                <option value="alerts,read">"Manage alert rules and alerts + read"</option>
                                                <option value="surveys,read">"Ingest surveys + read"</option>
                                                <option value="*">"Everything"</option>
                                            </select>
                                        </label>
                                        <button type="submit">"Create key"</button>
                                    </ActionForm>
                                    {created}
                                </section>
                                <section class="panel">
                                    <h2>"Keys"</h2>
                                    <table class="data-table">
                                        <thead><tr><th>"Name"</th><th>"Id"</th><th>"Scopes"</th><th>"Created"</th><th>"Last used"</th><th>"State"</th></tr></thead>
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
