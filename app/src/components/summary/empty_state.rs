use leptos::prelude::*;

/// Shown when the store holds no survey responses yet: says how to send some.
#[component]
pub fn EmptyState() -> impl IntoView {
    view! {
        <section class="empty-state" data-testid="empty-state">
            <h2>"No survey responses yet"</h2>
            <p>
                "Send responses to " <code>"POST /api/v1/surveys"</code>
                " with your ingest key; this page updates as soon as they are stored."
            </p>
            <pre>
                "curl -H 'Authorization: Bearer $KEY' -H 'Content-Type: application/json' \\\n  -d '[{\"id\":\"r1\",\"kind\":\"nps\",\"score\":9,\"responded_at\":\"2026-11-01T10:00:00Z\"}]' \\\n  http://127.0.0.1:3000/api/v1/surveys"
            </pre>
        </section>
    }
}
