use super::copy_link::CopyLink;
use crate::api::access::CreateShareLink;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// Creates a read-only, expiring link to the current view (this path with its filters).
#[component]
pub fn ShareButton(
    /// The page path being shared.
    path: &'static str,
) -> impl IntoView {
    let action = ServerAction::<CreateShareLink>::new();
    let location = use_location();
    let query = move || location.search.get().trim_start_matches('?').to_string();
    let result = move || {
        action.value().get().map(|r| match r {
            Ok(created) => view! {
                <p class="share-result" data-testid="share-result">
                    "Anyone with this link can read this view until "
                    {crate::components::format::datetime(created.link.expires_at)} ". "
                    <a href="/shares">"All your links"</a>
                    <br />
                    <CopyLink path=created.url.clone() />
                </p>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <details class="share">
            <summary data-testid="share-button">"Share"</summary>
            <div class="share-panel">
                <ActionForm action=action>
                    <input type="hidden" name="path" value=path />
                    <input type="hidden" name="query" value=query />
                    <label class="field">"Label"
                        <input type="text" name="label" maxlength="100" />
                    </label>
                    <label class="field">"Expires after"
                        <select name="days">
                            <option value="1">"1 day"</option>
                            <option value="7" selected>"7 days"</option>
                            <option value="30">"30 days"</option>
                            <option value="90">"90 days"</option>
                        </select>
                    </label>
                    <button type="submit" data-testid="share-create">"Create link"</button>
                </ActionForm>
                {result}
            </div>
        </details>
    }
}
