//! Webhook delivery, pure parts: the retry schedule and the two payload shapes. Signing
//! and sending live in the server.

use crate::model::alerts::AlertView;
use serde_json::{json, Value};

/// Attempts per delivery before it is marked failed.
pub const MAX_ATTEMPTS: i64 = 6;

/// Delay before attempt `attempt + 1` after `attempt` failed (1-based), doubling from
/// `base_ms`; `None` once attempts are exhausted.
pub fn retry_delay_ms(attempt: i64, base_ms: i64) -> Option<i64> {
    if !(1..MAX_ATTEMPTS).contains(&attempt) {
        return None;
    }
    Some(base_ms.saturating_mul(1 << (attempt - 1).min(30)))
}

/// What happened to an alert, as a webhook names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Event {
    Fired,
    Resolved,
}

impl Event {
    /// The `event` field.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fired => "alert.fired",
            Self::Resolved => "alert.resolved",
        }
    }
}

/// Signalroom's JSON document for an alert event. `link` is the inbox URL when known.
pub fn json_payload(event: Event, alert: &AlertView, link: &str, sent_at: i64) -> Value {
    json!({
        "event": event.as_str(),
        "sent_at": sent_at,
        "link": link,
        "alert": alert,
    })
}

/// A Slack incoming-webhook message for an alert event.
pub fn slack_payload(event: Event, alert: &AlertView, link: &str) -> Value {
    let icon = match (event, alert.severity.as_str()) {
        (Event::Resolved, _) => ":white_check_mark:",
        (_, "critical") => ":red_circle:",
        (_, "warning") => ":large_yellow_circle:",
        _ => ":large_blue_circle:",
    };
    let verb = match event {
        Event::Fired => "firing",
        Event::Resolved => "resolved",
    };
    let headline = format!(
        "{icon} [{}] {} is {verb}",
        alert.severity.as_str().to_uppercase(),
        alert.title
    );
    let mut text = format!("{headline}\n{}", alert.description);
    if !link.is_empty() {
        text.push_str(&format!("\n<{link}|Open in Signalroom>"));
    }
    json!({
        "text": headline,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_then_stop() {
        let d: Vec<_> = (1..=6).map(|a| retry_delay_ms(a, 1000)).collect();
        assert_eq!(
            d,
            [
                Some(1000),
                Some(2000),
                Some(4000),
                Some(8000),
                Some(16000),
                None
            ]
        );
        assert_eq!(retry_delay_ms(0, 1000), None);
    }
}
