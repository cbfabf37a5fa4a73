use super::share_button::ShareButton;
use crate::api::access::get_me;
use crate::domain::access::Role;
use leptos::prelude::*;

/// Who is signed in, the pages their role opens, and sign-out. Share-link visitors see a
/// read-only badge instead, and no share button. (The server enforces all of this; the menu
/// only reflects it.)
#[component]
pub fn UserMenu(
    /// The page path, on pages whose view can be shared.
    share_path: Option<&'static str>,
) -> impl IntoView {
    let me = OnceResource::new(get_me());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(m)) if m.shared_view => view! {
                        <span class="role-badge" data-testid="shared-badge">"Shared view · read-only"</span>
                    }.into_any(),
                    Ok(Some(m)) => {
                        let admin = (m.role == Role::Admin).then(|| view! {
                            <a href="/admin/users">"Users"</a>
                            <a href="/admin/keys">"API keys"</a>
                            <a href="/admin/audit">"Audit log"</a>
                        });
                        let scope = m.partner.clone().map(|p| format!(" · {p}")).unwrap_or_default();
                        let share = share_path.map(|p| view! { <ShareButton path=p /> });
                        // Customer-wide views are not a partner account's data.
                        let customer_pages = m.partner.is_none().then(|| view! {
                            <a href="/journey">"Journey"</a>
                            <a href="/sales">"Sales"</a>
                        });
                        view! {
                            {share}
                            <nav class="user-menu" aria-label="Account">
                                <a href="/">"Summary"</a>
                                <a href="/support">"Support"</a>
                                <a href="/voice">"Voice"</a>
                                {customer_pages}
                                <a href="/partners">"Partners"</a>
                                {admin}
                                <a href="/shares">"Share links"</a>
                                <span class="who" data-testid="who">
                                    {m.email.clone()}
                                    <span class="role-badge">{m.role.as_str()}{scope}</span>
                                </span>
                                <form method="post" action="/auth/logout" class="inline">
                                    <button type="submit" class="link-button">"Sign out"</button>
                                </form>
                            </nav>
                        }.into_any()
                    }
                    _ => view! { <a href="/login" class="user-menu">"Sign in"</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}
