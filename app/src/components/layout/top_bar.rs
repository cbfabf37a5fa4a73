use super::live_badge::LiveBadge;
use super::user_menu::UserMenu;
use crate::components::alerts::alert_bell::AlertBell;
use crate::components::live::LiveStatus;
use leptos::prelude::*;

/// The bar across the top of every page: a skip link, brand, the page's `h1`, the
/// live-connection badge (on live pages), the share button (on shareable pages), the account
/// and, on a row of its own, the main navigation.
#[component]
pub fn TopBar(
    /// The page's name.
    title: &'static str,
    /// State of the live update stream, on pages that have one.
    #[prop(optional)]
    status: Option<ReadSignal<LiveStatus>>,
    /// The page path when its view can be shared with a link.
    #[prop(optional)]
    share_path: Option<&'static str>,
) -> impl IntoView {
    view! {
        <a class="skip-link" href="#content">"Skip to content"</a>
        <header class="topbar">
            <a class="brand" href="/">"Signalroom"</a>
            <h1 class="crumb">{title}</h1>
            {status.map(|s| view! { <LiveBadge status=s /> })}
            <span class="spacer"></span>
            <AlertBell />
            <UserMenu share_path=share_path />
        </header>
    }
}
