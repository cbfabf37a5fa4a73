use crate::api::access::get_me;
use crate::api::alerts::{list_alert_rules, DeleteAlertRule};
use crate::components::alerts::rule_form::RuleForm;
use crate::components::alerts::severity_label;
use crate::components::layout::top_bar::TopBar;
use crate::domain::access::Role;
use crate::model::alerts::RuleView;
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;

/// Alert rules: every rule in words, and for analysts and admins a form to create, edit,
/// test against the last 30 days, disable and delete them.
#[component]
pub fn AlertRulesPage() -> impl IntoView {
    let saved = RwSignal::new(0u64);
    let editing = RwSignal::new(None::<RuleView>);
    let rules = Resource::new(move || saved.get(), |_| list_alert_rules());
    let me = Resource::new(|| (), |_| get_me());
    let delete = ServerAction::<DeleteAlertRule>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            saved.update(|v| *v += 1);
        }
    });
    view! {
        <Title text="Alert rules · Signalroom" />
        <TopBar title="Alert rules" />
        <main id="content" class="page">
            <nav class="tabs" aria-label="Alerts"><a class="tab" href="/alerts">"← Inbox"</a></nav>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let editor = matches!(
                        me.await,
                        Ok(Some(m)) if !m.shared_view && matches!(m.role, Role::Admin | Role::Analyst)
                    );
                    match rules.await {
                        Ok(list) => view! {
                            {editor.then(|| view! { <RuleForm editing=editing saved=saved /> })}
                            <RulesTable rules=list editor=editor editing=editing delete=delete />
                        }.into_any(),
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn RulesTable(
    rules: Vec<RuleView>,
    editor: bool,
    editing: RwSignal<Option<RuleView>>,
    delete: ServerAction<DeleteAlertRule>,
) -> impl IntoView {
    let rows = rules
        .into_iter()
        .map(|r| {
            let sev = r.spec.severity;
            let id = r.id.clone();
            let edit_rule = r.clone();
            let buttons = editor.then(|| {
                // Deleting takes a second click: a rule and its open alerts go for good.
                let (armed, set_armed) = signal(false);
                view! {
                    <td class="row-actions">
                        <button type="button" on:click=move |_| editing.set(Some(edit_rule.clone()))>"Edit"</button>
                        <button type="button" class="danger" data-testid="rule-delete"
                            on:click=move |_| {
                                if armed.get_untracked() {
                                    delete.dispatch(DeleteAlertRule { id: id.clone() });
                                } else {
                                    set_armed.set(true);
                                }
                            }>
                            {move || if armed.get() { "Confirm delete" } else { "Delete" }}
                        </button>
                    </td>
                }
            });
            view! {
                <tr data-testid="rule-row">
                    <td>{r.spec.name.clone()}</td>
                    <td>{r.description.clone()}</td>
                    <td><span class=format!("sev-badge {}", sev.as_str())>{severity_label(sev)}</span></td>
                    <td>{if r.spec.enabled { "on" } else { "off" }}</td>
                    <td>{r.spec.team.clone()}</td>
                    <td>{if r.builtin { "default" } else { "custom" }}</td>
                    {buttons}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel wide" data-testid="rules-table">
            <h2>"Rules"</h2>
            <div class="table-scroll">
                <table class="data-table">
                    <thead><tr><th>"Name"</th><th>"Condition"</th><th>"Severity"</th><th>"Enabled"</th><th>"Team"</th><th>"Origin"</th>{editor.then(|| view! { <th><span class="visually-hidden">"Actions"</span></th> })}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
