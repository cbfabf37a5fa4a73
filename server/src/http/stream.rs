//! `GET /api/v1/stream`: Server-Sent Events announcing what changed. Notices carry no data
//! (family, kinds, days, count), so a page refetches only what it shows. Partner-scoped
//! readers hear only of changes to their partner's rows.

use super::auth::{require_reader, Reader};
use crate::error::ApiError;
use crate::state::AppState;
use app::domain::access::Principal;
use app::domain::date::Day;
use app::model::ChangeNotice;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Extension;
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// The change families a shared view shows: a share link's visitor hears of those only
/// (never of alerts, which are the team's). Keep in step with what each page reads.
pub fn view_families(path: &str) -> &'static [&'static str] {
    match path {
        "/" => &["surveys", "orders", "partners", "events"],
        "/support" | "/support/tickets" => &["tickets", "incidents"],
        "/voice" => &["feedback", "surveys"],
        "/journey" => &["events"],
        p if p == "/workflows" || p.starts_with("/workflows/") => &["workflows"],
        "/sales" => &["orders", "events", "marketing_spend"],
        p if p == "/partners" || p.starts_with("/partners/") => {
            &["partners", "orders", "surveys", "tickets", "feedback"]
        }
        _ => &[],
    }
}

/// Opens a stream: a `ready` event, then a `change` event per commit visible to the reader;
/// it ends when the server shuts down.
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    principal: Option<Extension<Principal>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let reader = require_reader(&state, &headers, principal.map(|p| p.0)).await?;
    let (partner, families) = match reader {
        Reader::Principal(p) => {
            let families = p.view.as_ref().map(|v| view_families(&v.path));
            (p.partner, families)
        }
        Reader::Key => (None, None),
    };
    let rx = state.bus.subscribe();
    let shutdown = state.shutdown.clone();
    let ready = stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    let changes = stream::unfold(
        (rx, shutdown, partner),
        move |(mut rx, mut shutdown, partner)| async move {
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                let notice = tokio::select! {
                    r = rx.recv() => match r {
                        Ok(change) => match change.for_partner(partner.as_deref()) {
                            Some(n) if families.is_none_or(|f| f.contains(&n.family.as_str())) => n,
                            _ => continue,
                        },
                        // Fell behind: tell the page to refetch everything.
                        Err(RecvError::Lagged(_)) => ChangeNotice {
                            family: "*".into(),
                            kinds: Vec::new(),
                            from: Day(0),
                            // 9999-12-31: the last day a wire date can name.
                            to: Day(2_932_896),
                            count: 0,
                            at: crate::clock::now_ms(),
                        },
                        Err(RecvError::Closed) => return None,
                    },
                    _ = shutdown.changed() => return None,
                };
                let event = Event::default()
                    .event("change")
                    .data(serde_json::to_string(&notice).unwrap_or_else(|_| "{}".into()));
                return Some((Ok(event), (rx, shutdown, partner)));
            }
        },
    );
    Ok(Sse::new(ready.chain(changes)).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::view_families;

    #[test]
    fn a_shared_view_hears_of_its_own_families_and_never_of_alerts() {
        assert!(view_families("/support").contains(&"tickets"));
        assert!(!view_families("/support").contains(&"surveys"));
        assert!(view_families("/partners/globex").contains(&"partners"));
        for p in [
            "/",
            "/support",
            "/voice",
            "/journey",
            "/sales",
            "/partners",
            "/alerts",
        ] {
            assert!(!view_families(p).contains(&"alerts"), "{p}");
        }
    }
}
