use crate::components::live::LiveStatus;
use leptos::prelude::*;

/// Shows whether the page is receiving live updates.
#[component]
pub fn LiveBadge(status: ReadSignal<LiveStatus>) -> impl IntoView {
    let text = move || match status.get() {
        LiveStatus::Off => "Static",
        LiveStatus::Connecting => "Connecting…",
        LiveStatus::Live => "Live",
    };
    let class = move || match status.get() {
        LiveStatus::Off => "live-badge off",
        LiveStatus::Connecting => "live-badge connecting",
        LiveStatus::Live => "live-badge on",
    };
    view! { <span class=class data-testid="live-badge" role="status">{text}</span> }
}
