use super::share_button::ShareButton;
use crate::api::access::get_me;
use crate::domain::access::Role;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The pages of the main navigation: (path, label, who sees it).
const PAGES: [(&str, &str, Audience); 12] = [
    ("/", "Summary", Audience::Everyone),
    ("/support", "Support", Audience::Everyone),
    ("/voice", "Voice", Audience::Everyone),
    ("/journey", "Journey", Audience::Customers),
    ("/sales", "Sales", Audience::Customers),
    ("/partners", "Partners", Audience::Everyone),
    ("/alerts", "Alerts", Audience::Customers),
    ("/alerts/rules", "Rules", Audience::Customers),
    ("/shares", "Share links", Audience::Everyone),
    ("/admin/users", "Users", Audience::Admins),
    ("/admin/keys", "API keys", Audience::Admins),
    ("/admin/lexicon", "Lexicon", Audience::Admins),
];

/// Who a navigation item is for. (The server enforces access; this only hides links that
/// would lead to a refusal.)
#[derive(Clone, Copy, PartialEq)]
enum Audience {
    Everyone,
    /// Not partner accounts: customer-wide views and the alert inbox.
    Customers,
    Admins,
}

/// The navigation item a path belongs to: the longest item path that is the path itself or
/// one of its parents (`/support/tickets` is under Support, `/alerts/rules` is Rules).
pub fn current_item<'a>(path: &str, items: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let path = path.trim_end_matches('/');
    items
        .into_iter()
        .filter(|item| {
            let item = item.trim_end_matches('/');
            path == item || (!item.is_empty() && path.starts_with(&format!("{item}/")))
        })
        .max_by_key(|item| item.len())
}

/// Who is signed in, the pages their role opens (the current one marked), and sign-out.
/// Share-link visitors see a read-only badge instead, and no share button.
#[component]
pub fn UserMenu(
    /// The page path, on pages whose view can be shared.
    share_path: Option<&'static str>,
) -> impl IntoView {
    let me = OnceResource::new(get_me());
    let location = use_location();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(m)) if m.shared_view => view! {
                        <span class="role-badge" data-testid="shared-badge">"Shared view · read-only"</span>
                    }.into_any(),
                    Ok(Some(m)) => {
                        let admin = m.role == Role::Admin;
                        let customer = m.partner.is_none();
                        let visible: Vec<(&'static str, &'static str)> = PAGES
                            .iter()
                            .filter(|(_, _, a)| match a {
                                Audience::Everyone => true,
                                Audience::Customers => customer,
                                Audience::Admins => admin,
                            })
                            .map(|(p, l, _)| (*p, *l))
                            .chain(admin.then_some(("/admin/audit", "Audit log")))
                            .collect();
                        let paths: Vec<&'static str> = visible.iter().map(|(p, _)| *p).collect();
                        let links = visible
                            .into_iter()
                            .map(|(href, label)| {
                                let paths = paths.clone();
                                let current = move || {
                                    let here = location.pathname.get();
                                    (current_item(&here, paths.iter().copied()) == Some(href))
                                        .then_some("page")
                                };
                                view! { <a href=href aria-current=current>{label}</a> }
                            })
                            .collect_view();
                        let scope = m.partner.clone().map(|p| format!(" · {p}")).unwrap_or_default();
                        let share = share_path.map(|p| view! { <ShareButton path=p /> });
                        view! {
                            {share}
                            <span class="who" data-testid="who">
                                {m.email.clone()}
                                <span class="role-badge">{m.role.as_str()}{scope}</span>
                            </span>
                            <form method="post" action="/auth/logout" class="inline">
                                <button type="submit" class="link-button">"Sign out"</button>
                            </form>
                            <nav class="main-nav" aria-label="Main" data-testid="main-nav">{links}</nav>
                        }.into_any()
                    }
                    _ => view! { <a href="/login" class="sign-in">"Sign in"</a> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::current_item;

    #[test]
    fn the_longest_parent_item_is_current() {
        let items = ["/", "/support", "/alerts", "/alerts/rules", "/partners"];
        assert_eq!(current_item("/", items), Some("/"));
        assert_eq!(current_item("/support/tickets", items), Some("/support"));
        assert_eq!(current_item("/alerts/rules", items), Some("/alerts/rules"));
        assert_eq!(current_item("/alerts", items), Some("/alerts"));
        assert_eq!(
            current_item("/partners/northwind", items),
            Some("/partners")
        );
        assert_eq!(current_item("/supportx", items), None);
        assert_eq!(current_item("/login", items), None);
    }
}
