use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in page: a plain form posting to `/auth/login`, so it works before the WASM
/// bundle loads. `?error=` and `?next=` come from the server's redirects.
#[component]
pub fn LoginPage() -> impl IntoView {
    let q = use_query_map().get_untracked();
    let next = crate::domain::access::safe_next(&q.get("next").unwrap_or_default()).to_string();
    let error = match q.get("error").as_deref() {
        Some("invalid") => Some("The e-mail address or password is wrong."),
        Some("throttled") => Some("Too many failed attempts: wait a little and try again."),
        _ => None,
    };
    view! {
        <Title text="Sign in · Signalroom" />
        <header class="topbar">
            <a class="brand" href="/">"Signalroom"</a>
        </header>
        <main id="content" class="page narrow">
            <section class="panel login">
                <h1>"Sign in"</h1>
                {error.map(|e| view! { <p class="form-error" role="alert" data-testid="login-error">{e}</p> })}
                <form method="post" action="/auth/login" class="stacked">
                    <input type="hidden" name="next" value=next />
                    <label class="field">"E-mail"
                        <input type="email" name="email" autocomplete="username" required />
                    </label>
                    <label class="field">"Password"
                        <input type="password" name="password" autocomplete="current-password" required />
                    </label>
                    <button type="submit" data-testid="login-submit">"Sign in"</button>
                </form>
            </section>
        </main>
    }
}
