use crate::error::AppError;
use leptos::prelude::*;

/// A refused or failed admin view: says why, and sets the HTTP status while rendering on the
/// server (403 for a role without access, 401 when signed out).
#[component]
pub fn AccessErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let (Some(resp), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(error.status()),
    ) {
        resp.set_status(status);
    }
    let text = match &error {
        AppError::Forbidden(_) => "Your role does not give access to this page.".to_string(),
        AppError::Unauthorized => "Sign in to see this page.".to_string(),
        e => e.to_string(),
    };
    view! {
        <section class="error-panel" role="alert" data-testid="error-panel">
            <h2>"This page cannot be shown"</h2>
            <p>{text} " (" <code>{error.code().to_string()}</code> ")"</p>
            <p><a href="/">"Back to the executive summary"</a></p>
        </section>
    }
}
