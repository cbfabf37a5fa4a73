use crate::api::alerts::get_alert_counts;
use crate::components::live::use_alert_updates;
use leptos::prelude::*;

/// The bell in the top bar: how many alerts are firing unacknowledged, live over the change
/// stream; a link to the inbox. Hidden for people who do not see alerts (partner accounts,
/// share links).
#[component]
pub fn AlertBell() -> impl IntoView {
    let live = use_alert_updates();
    let counts = Resource::new(move || live.version.get(), |_| get_alert_counts());
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                counts.await.ok().flatten().map(|c| {
                    let label = format!("Alerts: {} unacknowledged", c.unread);
                    let class = if c.critical > 0 && c.unread > 0 { "bell urgent" } else { "bell" };
                    view! {
                        <a class=class href="/alerts" data-testid="alert-bell" aria-label=label.clone() title=label>
                            <svg viewBox="0 0 24 24" aria-hidden="true" class="bell-icon">
                                <path d="M12 2a6 6 0 0 0-6 6v4l-2 4h16l-2-4V8a6 6 0 0 0-6-6zm0 20a3 3 0 0 0 3-3H9a3 3 0 0 0 3 3z" />
                            </svg>
                            {(c.unread > 0).then(|| view! { <span class="bell-count" data-testid="alert-count">{c.unread}</span> })}
                        </a>
                    }
                })
            })}
        </Transition>
    }
}
