//! Webhook delivery: signed JSON (or Slack-shaped) POSTs with retries and exponential
//! back-off, recorded in the delivery log. Attempts run side by side with a time limit, so a
//! dead target delays nothing but its own retries, and the engine never waits on delivery.

use super::engine::EngineConfig;
use crate::clock::now_ms;
use crate::store::alerts::{self as store, DueDelivery};
use crate::store::Store;
use app::domain::alert::delivery::{json_payload, retry_delay_ms, slack_payload, Event};
use app::domain::alert::rule::WebhookFormat;
use app::model::alerts::AlertView;
use axum::body::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};

/// The signature header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub const SIGNATURE_HEADER: &str = "x-signalroom-signature";

/// The body for a target's format.
pub fn payload(
    format: WebhookFormat,
    event: Event,
    alert: &AlertView,
    link: &str,
    now_ms: i64,
) -> String {
    match format {
        WebhookFormat::Json => json_payload(event, alert, link, now_ms),
        WebhookFormat::Slack => slack_payload(event, alert, link),
    }
    .to_string()
}

/// The signature header's value for `body` signed with `secret` at `unix_secs`. Receivers
/// recompute it and refuse old timestamps, which defeats replays.
pub fn sign(secret: &str, unix_secs: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("{unix_secs}.{body}").as_bytes());
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={unix_secs},v1={hex}")
}

type HttpClient = Client<
    hyper_util::client::legacy::connect::HttpConnector<super::ssrf::PublicResolver>,
    Full<Bytes>,
>;

/// Delivers due webhooks until shutdown; wakes when the engine queues some and when the
/// next retry is due.
pub async fn run(
    store: Arc<Store>,
    wake: Arc<Notify>,
    config: EngineConfig,
    mut shutdown: watch::Receiver<bool>,
) {
    // Names resolve to public addresses only; redirects are never followed (a 3xx fails).
    let connector = hyper_util::client::legacy::connect::HttpConnector::new_with_resolver(
        super::ssrf::PublicResolver {
            allow: config.webhook_allow.clone(),
        },
    );
    let client: HttpClient = Client::builder(TokioExecutor::new()).build(connector);
    loop {
        if *shutdown.borrow() {
            return;
        }
        if let Err(e) = deliver_due(&store, &client, &config).await {
            tracing::warn!(error = %e, "webhook delivery pass failed");
        }
        let wait = match store::next_due(&store).await {
            Ok(Some(t)) => Duration::from_millis((t - now_ms()).clamp(0, 60_000) as u64),
            _ => Duration::from_secs(60),
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = wake.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Attempts every due delivery once, concurrently.
pub async fn deliver_due(
    store: &Store,
    client: &HttpClient,
    config: &EngineConfig,
) -> Result<usize, crate::store::StoreError> {
    let due = store::due_deliveries(store, now_ms(), 100).await?;
    let mut secrets: HashMap<String, String> = HashMap::new();
    for d in &due {
        if !secrets.contains_key(&d.rule_id) {
            let s = store::rule_secret(store, &d.rule_id)
                .await?
                .unwrap_or_default();
            secrets.insert(d.rule_id.clone(), s);
        }
    }
    let attempts = due.iter().map(|d| {
        let secret = secrets.get(&d.rule_id).cloned().unwrap_or_default();
        attempt(client, d, secret, config)
    });
    let results = futures_util::future::join_all(attempts).await;
    let n = results.len();
    for (d, (ok, status, error)) in due.iter().zip(results) {
        let next = if ok {
            None
        } else {
            retry_delay_ms(d.attempts + 1, config.retry_base_ms).map(|ms| now_ms() + ms)
        };
        store::record_attempt(store, &d.id, ok, status, &error, next, now_ms()).await?;
        if !ok {
            tracing::warn!(delivery = %d.id, url = %d.url, error = %error, "webhook attempt failed");
        }
    }
    Ok(n)
}

/// One POST: `(delivered, HTTP status, error text)`.
async fn attempt(
    client: &HttpClient,
    d: &DueDelivery,
    secret: String,
    config: &EngineConfig,
) -> (bool, Option<i64>, String) {
    let timeout = config.delivery_timeout;
    // Literal addresses skip the resolver: check them here (a rule saved before the guard).
    if let Some(why) = super::ssrf::refusal(&d.url, &config.webhook_allow) {
        return (false, None, format!("refused: {why}"));
    }
    let unix = now_ms() / 1000;
    let req = hyper::Request::post(d.url.as_str())
        .header("content-type", "application/json")
        .header("user-agent", "Signalroom-Webhook/1")
        .header("x-signalroom-event", d.event.as_str())
        .header("x-signalroom-delivery", d.id.as_str())
        .header(SIGNATURE_HEADER, sign(&secret, unix, &d.payload))
        .body(Full::new(Bytes::from(d.payload.clone())));
    let req = match req {
        Ok(r) => r,
        Err(e) => return (false, None, format!("invalid request: {e}")),
    };
    match tokio::time::timeout(timeout, client.request(req)).await {
        Err(_) => (
            false,
            None,
            format!("timed out after {} s", timeout.as_secs()),
        ),
        Ok(Err(e)) => (false, None, format!("connection failed: {}", causes(&e))),
        Ok(Ok(resp)) => {
            let status = i64::from(resp.status().as_u16());
            if resp.status().is_success() {
                (true, Some(status), String::new())
            } else {
                (false, Some(status), format!("HTTP {status}"))
            }
        }
    }
}

/// An error with its causes ("client error (Connect): the host has no public address"), so the
/// delivery log says why; never a response body.
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(c) = next {
        out.push_str(": ");
        out.push_str(&c.to_string());
        next = c.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_timestamp_and_body() {
        let a = sign("whsec", 1_700_000_000, "{}");
        assert!(a.starts_with("t=1700000000,v1="));
        assert_eq!(a.len(), "t=1700000000,v1=".len() + 64);
        assert_ne!(a, sign("whsec", 1_700_000_001, "{}"));
        assert_ne!(a, sign("whsec", 1_700_000_000, "{ }"));
        assert_ne!(a, sign("other", 1_700_000_000, "{}"));
    }
}
