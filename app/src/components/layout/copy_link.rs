use leptos::prelude::*;

/// A share link as a full URL in a read-only field, with a button that copies it. Where the
/// clipboard is refused the field is selected, so Ctrl+C copies it.
#[component]
pub fn CopyLink(
    /// The link's path on this site (`/s/<token>`).
    path: String,
) -> impl IntoView {
    let url = absolute(&path);
    let state = RwSignal::new(Copy::Idle);
    let field = NodeRef::<leptos::html::Input>::new();
    let copy = {
        let url = url.clone();
        move |_| copy_text(&url, state, field)
    };
    let select = move |_| {
        if let Some(f) = field.get() {
            f.select();
        }
    };
    view! {
        <span class="copy-link">
            <input
                type="text"
                readonly
                node_ref=field
                value=url.clone()
                aria-label="Share link"
                data-testid="share-url"
                on:focus=select
            />
            <button type="button" class="secondary" on:click=copy data-testid="share-copy">
                {move || match state.get() {
                    Copy::Idle => "Copy link",
                    Copy::Done => "Copied ✓",
                    Copy::Manual => "Press Ctrl+C to copy",
                }}
            </button>
        </span>
    }
}

#[derive(Clone, Copy, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Copy {
    Idle,
    Done,
    Manual,
}

/// `path` on the origin the page was served from.
fn absolute(path: &str) -> String {
    format!("{}{path}", origin())
}

#[cfg(feature = "hydrate")]
fn origin() -> String {
    leptos::web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// On the server: the scheme and host the request came to (what the browser shows).
#[cfg(not(feature = "hydrate"))]
fn origin() -> String {
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        if let Some(host) = header("host") {
            let scheme = header("x-forwarded-proto").unwrap_or("http");
            return format!("{scheme}://{host}");
        }
    }
    String::new()
}

#[cfg(feature = "hydrate")]
fn copy_text(url: &str, state: RwSignal<Copy>, field: NodeRef<leptos::html::Input>) {
    let manual = move || {
        if let Some(f) = field.get_untracked() {
            f.select();
        }
        state.set(Copy::Manual);
    };
    let Some(clipboard) = leptos::web_sys::window().map(|w| w.navigator().clipboard()) else {
        manual();
        return;
    };
    let promise = clipboard.write_text(url);
    leptos::task::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(promise).await {
            Ok(_) => state.set(Copy::Done),
            Err(_) => manual(),
        }
    });
}

#[cfg(not(feature = "hydrate"))]
fn copy_text(_: &str, _: RwSignal<Copy>, _: NodeRef<leptos::html::Input>) {}
