//! Load shedding: a concurrency limit per route class with a short, bounded queue. A request
//! past the queue, or one that waited its whole turn, is answered 503 `overloaded` with
//! `Retry-After` at once, so under any load every answer is quick and the work the server does
//! accept runs at full speed (instead of every request waiting 30 s for a pooled connection and
//! failing with a 500). Health checks, the live stream, static files and sign-in (which has its
//! own bound on password checks) are never shed.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// Limits of one route class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassLimits {
    /// Requests served at once.
    pub in_flight: usize,
    /// Requests allowed to wait for a turn; more are refused at once.
    pub queue: usize,
}

/// The shedding limits (`SIGNALROOM_MAX_READS`, `SIGNALROOM_MAX_WRITES`,
/// `SIGNALROOM_QUEUE_WAIT_MS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub reads: ClassLimits,
    pub writes: ClassLimits,
    /// Longest wait in a queue before the answer is 503.
    pub queue_wait: Duration,
}

impl Default for Limits {
    /// Sized for the store: SQLite has 8 pooled readers and one writer, PostgreSQL 16
    /// connections; more concurrency only queues inside the pool, where nobody can shed it.
    fn default() -> Self {
        Limits {
            reads: ClassLimits {
                in_flight: 16,
                queue: 64,
            },
            writes: ClassLimits {
                in_flight: 8,
                queue: 32,
            },
            queue_wait: Duration::from_millis(300),
        }
    }
}

/// A route class's gate.
struct Gate {
    permits: Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

impl Gate {
    fn new(l: ClassLimits) -> Gate {
        Gate {
            permits: Semaphore::new(l.in_flight.max(1)),
            waiting: AtomicUsize::new(0),
            queue: l.queue,
        }
    }
}

/// Which gate a request passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Never shed: probes, the stream, files, sign-in.
    Exempt,
    /// Reads: pages, server functions, the read API.
    Read,
    /// Writes: ingest, tracking, alert actions.
    Write,
}

/// The class of a request.
pub fn classify(method: &Method, path: &str) -> Class {
    if matches!(
        path,
        "/healthz" | "/readyz" | "/api/v1/stream" | "/favicon.svg"
    ) || path.starts_with("/pkg/")
        || path.starts_with("/assets/")
        || path.starts_with("/auth/")
    {
        return Class::Exempt;
    }
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        Class::Read
    } else {
        Class::Write
    }
}

/// The gates of every class, shared by all requests.
pub struct Shedder {
    reads: Gate,
    writes: Gate,
    wait: Duration,
    /// Requests refused so far (for the logs and the bench).
    pub shed: AtomicUsize,
}

impl Shedder {
    /// Gates with `limits`.
    pub fn new(limits: Limits) -> Shedder {
        Shedder {
            reads: Gate::new(limits.reads),
            writes: Gate::new(limits.writes),
            wait: limits.queue_wait,
            shed: AtomicUsize::new(0),
        }
    }

    fn refuse(&self, why: &str) -> Response {
        let n = self.shed.fetch_add(1, Ordering::Relaxed);
        if n.is_multiple_of(1000) {
            tracing::warn!(shed = n + 1, "overloaded: shedding requests ({why})");
        }
        ApiError::overloaded(1, format!("the server is busy ({why}): retry in a second"))
            .into_response()
    }
}

impl Shedder {
    /// Waits for a turn in `class` (no wait for [`Class::Exempt`]); the permit is held while
    /// the request runs. `Err` is the 503 answer.
    pub async fn admit(
        &self,
        class: Class,
    ) -> Result<Option<tokio::sync::SemaphorePermit<'_>>, Response> {
        let gate = match class {
            Class::Exempt => return Ok(None),
            Class::Read => &self.reads,
            Class::Write => &self.writes,
        };
        if let Ok(p) = gate.permits.try_acquire() {
            return Ok(Some(p));
        }
        if gate.waiting.fetch_add(1, Ordering::AcqRel) >= gate.queue {
            gate.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(self.refuse("queue full"));
        }
        let got = tokio::time::timeout(self.wait, gate.permits.acquire()).await;
        gate.waiting.fetch_sub(1, Ordering::AcqRel);
        match got {
            Ok(Ok(p)) => Ok(Some(p)),
            _ => Err(self.refuse("waited too long")),
        }
    }
}

/// The middleware: waits for a turn in the request's class, or answers 503.
pub async fn shed(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let class = classify(req.method(), req.uri().path());
    match state.shedder.admit(class).await {
        Ok(_permit) => next.run(req).await,
        Err(refusal) => refusal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_streams_files_and_sign_in_are_never_shed() {
        for p in [
            "/healthz",
            "/readyz",
            "/api/v1/stream",
            "/pkg/x.wasm",
            "/auth/login",
        ] {
            assert_eq!(classify(&Method::GET, p), Class::Exempt, "{p}");
        }
        assert_eq!(classify(&Method::GET, "/api/v1/support"), Class::Read);
        assert_eq!(classify(&Method::GET, "/"), Class::Read);
        assert_eq!(classify(&Method::POST, "/api/v1/surveys"), Class::Write);
        assert_eq!(
            classify(&Method::POST, "/api/fn/act_on_alert"),
            Class::Write
        );
    }
}
