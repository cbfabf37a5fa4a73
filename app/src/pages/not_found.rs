use leptos::prelude::*;

/// The 404 page; sets the status during server rendering.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main id="content" class="page">
            <section class="error-panel" role="alert">
                <h1>"Page not found"</h1>
                <p><a href="/">"Go to the executive summary"</a></p>
            </section>
        </main>
    }
}
