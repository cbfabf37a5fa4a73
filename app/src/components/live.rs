//! Live updates: the page subscribes to `/api/v1/stream` (Server-Sent Events) and bumps a
//! version signal when a change notice touches the days on screen, so only views whose data
//! changed are refetched.
//!
//! One tab holds **one** stream, shared by every subscriber (pages, the bell, the inbox) and
//! kept across client-side navigations; a component's subscription ends with it. A stream per
//! page used to pile up: after three navigations the browser's six connections per host were
//! all streams, and the app froze.

use crate::domain::date::Day;
use crate::model::ChangeNotice;
use leptos::prelude::*;

/// State of the live connection, for the badge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveStatus {
    /// Not connected (server-rendered page, or JavaScript off).
    Off,
    /// Connecting or reconnecting.
    Connecting,
    /// Receiving updates.
    Live,
}

/// Handles of the live subscription.
#[derive(Clone, Copy)]
pub struct Live {
    /// Increments whenever data on screen may have changed.
    pub version: ReadSignal<u64>,
    /// Connection state.
    pub status: ReadSignal<LiveStatus>,
    /// The days on screen (earliest..=latest); notices outside are ignored.
    pub window: RwSignal<Option<(Day, Day)>>,
}

/// Whether a notice touches the window on screen.
pub fn is_relevant(notice: &ChangeNotice, window: Option<(Day, Day)>) -> bool {
    window.is_none_or(|(from, to)| notice.to >= from && notice.from <= to)
}

/// Subscribes to the change stream for the life of the page: data notices (alert notices are
/// the inbox's, not the charts'). Browser-only work happens inside an effect, so server
/// rendering and hydration see the same markup.
pub fn use_live_updates() -> Live {
    use_live_where(|n| n.family != "alerts")
}

/// Subscribes to alert notices only (the bell and the inbox).
pub fn use_alert_updates() -> Live {
    use_live_where(|n| n.family == "alerts" || n.family == "*")
}

/// Subscribes to the change stream, counting notices that `accept` and that touch the window.
fn use_live_where(accept: fn(&ChangeNotice) -> bool) -> Live {
    let (version, set_version) = signal(0u64);
    let (status, set_status) = signal(LiveStatus::Off);
    let window = RwSignal::new(None);
    Effect::new(move |_| {
        // `try_update`: a refresh scheduled just before the page went finds its signal gone.
        let refresh = imp::throttle(move || {
            set_version.try_update(|v| *v += 1);
        });
        let id = imp::connect(
            move |notice| {
                if accept(&notice) && is_relevant(&notice, window.get_untracked()) {
                    refresh();
                }
            },
            move |resync| {
                set_status.set(LiveStatus::Live);
                // After a reconnect we may have missed notices: refetch once.
                if resync {
                    set_version.update(|v| *v += 1);
                }
            },
            move || set_status.set(LiveStatus::Connecting),
        );
        // Unsubscribe when the component goes (the shared stream stays for the next page).
        on_cleanup(move || imp::disconnect(id));
    });
    Live {
        version,
        status,
        window,
    }
}

#[cfg(feature = "hydrate")]
mod imp {
    use crate::model::ChangeNotice;
    use futures_util::StreamExt;
    use gloo_net::eventsource::futures::EventSource;
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    /// Coalesces bursts of notices into one refetch.
    const DEBOUNCE: Duration = Duration::from_millis(150);
    /// The least time between two refetches of one page: a stream of notices (a re-score
    /// announces every 5,000 texts) must leave each load time to finish, or the page would
    /// stay "loading" for as long as the stream lasts.
    const MIN_GAP_MS: f64 = 1_000.0;

    /// A trailing throttle over `run`: the first call schedules it, calls until it runs join
    /// that run, and two runs are at least [`MIN_GAP_MS`] apart.
    pub fn throttle(run: impl Fn() + 'static) -> impl Fn() + 'static {
        // (a run is scheduled, when the last one ran)
        let state = Rc::new(Cell::new((false, f64::NEG_INFINITY)));
        let run = Rc::new(run);
        move || {
            let (scheduled, last) = state.get();
            if scheduled {
                return;
            }
            state.set((true, last));
            let since = js_sys::Date::now() - last;
            let wait = Duration::from_millis((MIN_GAP_MS - since).max(0.0) as u64).max(DEBOUNCE);
            let (state, run) = (state.clone(), run.clone());
            leptos::prelude::set_timeout(
                move || {
                    state.set((false, js_sys::Date::now()));
                    run();
                },
                wait,
            );
        }
    }

    /// One subscriber of the tab's stream.
    #[derive(Clone)]
    struct Sub {
        id: u64,
        on_notice: Rc<dyn Fn(ChangeNotice)>,
        on_ready: Rc<dyn Fn(bool)>,
        on_lost: Rc<dyn Fn()>,
    }

    /// The tab's one stream and its subscribers.
    #[derive(Default)]
    struct Hub {
        subs: Vec<Sub>,
        next_id: u64,
        started: bool,
        /// The stream is open now (a new subscriber is live at once).
        ready: bool,
    }

    thread_local! {
        static HUB: RefCell<Hub> = RefCell::new(Hub::default());
    }

    /// The subscribers, copied out so callbacks run with the hub unborrowed (a callback may
    /// subscribe or unsubscribe).
    fn subscribers() -> Vec<Sub> {
        HUB.with_borrow(|h| h.subs.clone())
    }

    /// Adds a subscriber (and opens the stream on the first); returns its id.
    pub fn connect(
        on_notice: impl Fn(ChangeNotice) + 'static,
        on_ready: impl Fn(bool) + 'static,
        on_lost: impl Fn() + 'static,
    ) -> u64 {
        let (id, started, ready) = HUB.with_borrow_mut(|h| {
            h.next_id += 1;
            let id = h.next_id;
            h.subs.push(Sub {
                id,
                on_notice: Rc::new(on_notice),
                on_ready: Rc::new(on_ready),
                on_lost: Rc::new(on_lost),
            });
            let started = std::mem::replace(&mut h.started, true);
            (id, started, h.ready)
        });
        let me = subscribers().into_iter().find(|s| s.id == id);
        if let Some(me) = me {
            if ready {
                (me.on_ready)(false);
            } else {
                (me.on_lost)();
            }
        }
        if !started {
            open();
        }
        id
    }

    /// Removes a subscriber; the stream stays open for the next page.
    pub fn disconnect(id: u64) {
        HUB.with_borrow_mut(|h| h.subs.retain(|s| s.id != id));
    }

    fn open() {
        let Ok(mut es) = EventSource::new("/api/v1/stream") else {
            HUB.with_borrow_mut(|h| h.started = false);
            return;
        };
        let (Ok(ready), Ok(changes)) = (es.subscribe("ready"), es.subscribe("change")) else {
            HUB.with_borrow_mut(|h| h.started = false);
            return;
        };
        leptos::task::spawn_local(async move {
            // The EventSource closes when dropped (and with the tab): kept by this one task.
            let _es = es;
            let mut events = futures_util::stream::select(ready, changes);
            let mut connected_before = false;
            while let Some(event) = events.next().await {
                match event {
                    Ok((kind, _)) if kind == "ready" => {
                        HUB.with_borrow_mut(|h| h.ready = true);
                        for s in subscribers() {
                            (s.on_ready)(connected_before);
                        }
                        connected_before = true;
                    }
                    Ok((_, msg)) => {
                        let Some(notice) = msg
                            .data()
                            .as_string()
                            .and_then(|t| serde_json::from_str::<ChangeNotice>(&t).ok())
                        else {
                            continue;
                        };
                        for s in subscribers() {
                            (s.on_notice)(notice.clone());
                        }
                    }
                    // The browser reconnects by itself; show that we are behind meanwhile.
                    Err(_) => {
                        HUB.with_borrow_mut(|h| h.ready = false);
                        for s in subscribers() {
                            (s.on_lost)();
                        }
                    }
                }
            }
            HUB.with_borrow_mut(|h| {
                h.started = false;
                h.ready = false;
            });
        });
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use crate::model::ChangeNotice;

    pub fn connect(
        _on_notice: impl Fn(ChangeNotice) + 'static,
        _on_ready: impl Fn(bool) + 'static,
        _on_lost: impl Fn() + 'static,
    ) -> u64 {
        0
    }

    pub fn disconnect(_id: u64) {}

    pub fn throttle(run: impl Fn() + 'static) -> impl Fn() + 'static {
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::survey::SurveyKind;

    #[test]
    fn notices_outside_the_window_are_ignored() {
        let d = |s| Day::parse(s).unwrap();
        let n = ChangeNotice {
            family: "surveys".into(),
            kinds: vec![SurveyKind::Nps],
            from: d("2026-03-01"),
            to: d("2026-03-02"),
            count: 1,
            at: 0,
        };
        assert!(is_relevant(&n, None));
        assert!(is_relevant(&n, Some((d("2026-03-02"), d("2026-03-31")))));
        assert!(!is_relevant(&n, Some((d("2026-03-03"), d("2026-03-31")))));
    }
}
