use super::access_error::AccessErrorPanel;
use crate::api::access::{list_users, CreateUser, UpdateUser};
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::domain::access::Role;
use crate::model::access::UserView;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// Admin: accounts. Create, change role or partner, deactivate.
#[component]
pub fn AdminUsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let update = ServerAction::<UpdateUser>::new();
    let users = Resource::new(
        move || (create.version().get(), update.version().get()),
        |_| list_users(),
    );
    let create_result = move || {
        create.value().get().map(|r| match r {
            Ok(u) => view! { <p class="form-ok" role="status">"Created " {u.email}</p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let update_result = move || {
        update.value().get().and_then(|r| r.err()).map(|e| {
            view! { <p class="form-error" role="alert">{e.to_string()}</p> }
        })
    };
    view! {
        <Title text="Users · Signalroom" />
        <TopBar title="Users" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! {
                            <section class="panel">
                                <h2>"New account"</h2>
                                <ActionForm action=create attr:class="inline-form">
                                    <label class="field">"E-mail"<input type="email" name="email" required /></label>
                                    <label class="field">"Name"<input type="text" name="name" required maxlength="100" /></label>
                                    <label class="field">"Role"<RoleSelect selected=Role::Viewer /></label>
                                    <label class="field">"Partner (partner role)"<input type="text" name="partner" maxlength="100" /></label>
                                    <label class="field">"Initial password (≥ 12)"<input type="password" name="password" required minlength="12" autocomplete="new-password" /></label>
                                    <button type="submit">"Create"</button>
                                </ActionForm>
                                {create_result}
                            </section>
                            <section class="panel">
                                <h2>"Accounts"</h2>
                                {update_result}
                                <UserTable users=list update=update />
                            </section>
                        }.into_any(),
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn RoleSelect(selected: Role) -> impl IntoView {
    let options = Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.as_str() selected=r == selected>{r.as_str()}</option> })
        .collect_view();
    view! { <select name="role">{options}</select> }
}

#[component]
fn UserTable(users: Vec<UserView>, update: ServerAction<UpdateUser>) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            let status = if u.active { "active" } else { "inactive" };
            view! {
                <tr data-testid="user-row">
                    <td>{u.email.clone()}</td>
                    <td>{u.name.clone()}</td>
                    <td colspan="3">
                        <ActionForm action=update attr:class="row-form">
                            <input type="hidden" name="id" value=u.id.clone() />
                            <RoleSelect selected=u.role />
                            <input type="text" name="partner" value=u.partner.clone().unwrap_or_default() maxlength="100" aria-label="Partner" />
                            <select name="status" aria-label="Status">
                                <option value="active" selected=u.active>"active"</option>
                                <option value="inactive" selected=!u.active>"inactive"</option>
                            </select>
                            <button type="submit">"Save"</button>
                        </ActionForm>
                    </td>
                    <td class="muted">{status}</td>
                    <td class="muted">{format::datetime(u.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data-table">
            <thead>
                <tr>
                    <th>"E-mail"</th><th>"Name"</th><th colspan="3">"Role · partner · status"</th>
                    <th>"Status"</th><th>"Created"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
