use super::live_badge::LiveBadge;
use crate::components::live::LiveStatus;
use leptos::prelude::*;

/// The bar across the top of every page: brand, page name and the live-connection badge.
#[component]
pub fn TopBar(
    /// The page's name.
    title: &'static str,
    /// State of the live update stream.
    status: ReadSignal<LiveStatus>,
) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Signalroom"</a>
            <span class="crumb">{title}</span>
            <LiveBadge status=status />
        </header>
    }
}
