//! Signalroom's shared crate: metric types and formulas (`domain`), wire types (`model`),
//! server functions (`api`), and the Leptos components and pages rendered on the server and
//! hydrated in the browser.

pub mod api;
pub mod components;
pub mod domain;
pub mod error;
pub mod model;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};
use pages::admin_audit::AdminAuditPage;
use pages::admin_keys::AdminKeysPage;
use pages::admin_lexicon::AdminLexiconPage;
use pages::admin_users::AdminUsersPage;
use pages::alert_rules::AlertRulesPage;
use pages::alerts::AlertsPage;
use pages::journey::JourneyPage;
use pages::login::LoginPage;
use pages::not_found::NotFound;
use pages::partner::PartnerPage;
use pages::partners::PartnersPage;
use pages::sales::SalesPage;
use pages::shares::SharesPage;
use pages::summary::SummaryPage;
use pages::support::SupportPage;
use pages::tickets::TicketListPage;
use pages::voice::VoicePage;

/// The chart library's path: content-hashed in a built site (`hash.txt`, written by
/// `scripts/build-site.sh` beside Leptos's own `js`, `wasm` and `css` lines).
fn echarts_path(options: &LeptosOptions) -> String {
    let hash = options
        .hash_files
        .then(|| std::fs::read_to_string(options.hash_file.as_ref()).ok())
        .flatten()
        .and_then(|text| {
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(kind, _)| kind.trim() == "echarts")
                .map(|(_, h)| h.trim().to_string())
        });
    match hash {
        Some(h) => format!("/assets/echarts.{h}.js"),
        None => "/assets/echarts.min.js".into(),
    }
}

/// The request is for the sign-in page (rendered on the server only).
fn is_sign_in() -> bool {
    #[cfg(feature = "ssr")]
    return use_context::<http::request::Parts>().is_some_and(|p| p.uri.path() == "/login");
    #[cfg(not(feature = "ssr"))]
    false
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                // The sign-in page is a plain form (`pages/login.rs`): no WASM, no charts.
                {(!is_sign_in()).then(|| view! {
                    <script src=echarts_path(&options) defer nonce=leptos::nonce::use_nonce()></script>
                    <AutoReload options=options.clone() />
                    <HydrationScripts options />
                })}
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: routes to pages.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    api::auth::set_security_policy();
    view! {
        <Title text="Signalroom" />
        <Router>
            <Routes fallback=|| view! { <NotFound /> }>
                // Async: the status code and the whole page are known before the first byte,
                // so the page is complete without JavaScript.
                <Route path=StaticSegment("") view=SummaryPage ssr=SsrMode::Async />
                <Route path=StaticSegment("login") view=LoginPage />
                <Route path=StaticSegment("support") view=SupportPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("support"), StaticSegment("tickets")) view=TicketListPage ssr=SsrMode::Async />
                <Route path=StaticSegment("voice") view=VoicePage ssr=SsrMode::Async />
                <Route path=StaticSegment("journey") view=JourneyPage ssr=SsrMode::Async />
                <Route path=StaticSegment("sales") view=SalesPage ssr=SsrMode::Async />
                <Route path=StaticSegment("partners") view=PartnersPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("partners"), ParamSegment("id")) view=PartnerPage ssr=SsrMode::Async />
                <Route path=StaticSegment("alerts") view=AlertsPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("alerts"), StaticSegment("rules")) view=AlertRulesPage ssr=SsrMode::Async />
                <Route path=StaticSegment("shares") view=SharesPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("admin"), StaticSegment("users")) view=AdminUsersPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("admin"), StaticSegment("keys")) view=AdminKeysPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AdminAuditPage ssr=SsrMode::Async />
                <Route path=(StaticSegment("admin"), StaticSegment("lexicon")) view=AdminLexiconPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
