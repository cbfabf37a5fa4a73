//! Segment HTTP Tracking API messages: the wire shape (Segment's field names) and the
//! validated event record the store keeps.

use crate::domain::date::{parse_rfc3339, Day};
use crate::domain::survey::{RecordError, MAX_DIMENSION_LEN, MAX_ID_LEN};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Segment's limit for one message (and one single-message call), in bytes.
pub const MAX_MESSAGE_BYTES: usize = 32 * 1024;
/// Segment's limit for one `/v1/batch` body, in bytes.
pub const MAX_BATCH_BYTES: usize = 500 * 1024;
/// Longest kept event name.
pub const MAX_EVENT_LEN: usize = 200;
/// Event name of a `page` call in funnels and activity.
pub const PAGE_EVENT: &str = "Page Viewed";
/// Event name of a `screen` call in funnels and activity.
pub const SCREEN_EVENT: &str = "Screen Viewed";

/// The call a message records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageKind {
    Track,
    Identify,
    Page,
    Screen,
    Group,
    Alias,
}

impl MessageKind {
    /// Every kind, by its wire name.
    pub const ALL: [MessageKind; 6] = [
        Self::Track,
        Self::Identify,
        Self::Page,
        Self::Screen,
        Self::Group,
        Self::Alias,
    ];

    /// The wire name (`track`, `identify`…), also the `/v1/{name}` path.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Track => "track",
            Self::Identify => "identify",
            Self::Page => "page",
            Self::Screen => "screen",
            Self::Group => "group",
            Self::Alias => "alias",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<MessageKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the call is something the user did (counts as activity and can be a funnel
    /// step); identify, group and alias only describe who the user is.
    pub fn is_activity(self) -> bool {
        matches!(self, Self::Track | Self::Page | Self::Screen)
    }
}

/// One message as an SDK sends it. Unknown fields are ignored, as Segment does.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SegmentMessage {
    /// `track`, `identify`…; single-message calls take it from the path.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub message_id: Option<Value>,
    pub user_id: Option<Value>,
    pub anonymous_id: Option<Value>,
    pub previous_id: Option<Value>,
    pub group_id: Option<Value>,
    pub event: Option<Value>,
    pub name: Option<Value>,
    pub properties: Option<Value>,
    pub traits: Option<Value>,
    pub context: Option<Value>,
    pub timestamp: Option<Value>,
    pub original_timestamp: Option<Value>,
    pub sent_at: Option<Value>,
}

/// The event dimensions kept per record (the breakdowns of funnels and activity).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventDims {
    /// `web`, `app` or what the message says (`context.channel`, `properties.channel`).
    pub channel: String,
    /// Campaign source (`context.campaign.source`, `properties.utm_source`).
    pub source: String,
    /// `context.location.country`, or a `region` trait/property.
    pub region: String,
    /// A `segment` trait or property.
    pub segment: String,
    /// `properties.category`.
    pub product_category: String,
}

/// A validated message, ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    /// The idempotency key: the message's `messageId`.
    pub message_id: String,
    pub kind: MessageKind,
    /// Activity name: the `track` event, [`PAGE_EVENT`], [`SCREEN_EVENT`]; empty otherwise.
    pub event: String,
    pub user_id: Option<String>,
    pub anonymous_id: Option<String>,
    /// `alias`: the id being merged into `user_id`.
    pub previous_id: Option<String>,
    pub group_id: Option<String>,
    /// When it happened, corrected for the sender's clock skew, epoch ms.
    pub at_ms: i64,
    pub received_ms: i64,
    pub dims: EventDims,
    /// `properties` (track, page, screen) or `traits` (identify, group) as JSON text.
    pub payload: Option<String>,
}

impl EventRecord {
    /// The UTC day the event happened.
    pub fn day(&self) -> Day {
        Day::from_epoch_ms(self.at_ms)
    }

    /// Validates one message. `kind` is the path's kind for single-message calls (the body
    /// may then omit `type`); `batch_sent_at` is the batch's `sentAt`; `raw_len` the
    /// message's size in bytes.
    pub fn validate(
        m: SegmentMessage,
        kind: Option<MessageKind>,
        batch_sent_at: Option<&Value>,
        received_ms: i64,
        raw_len: usize,
    ) -> Result<EventRecord, RecordError> {
        if raw_len > MAX_MESSAGE_BYTES {
            return Err(RecordError::new(
                "message_too_large",
                format!(
                    "a message may be at most {MAX_MESSAGE_BYTES} bytes; this one is {raw_len}"
                ),
            ));
        }
        let kind = match (kind, m.kind.as_deref()) {
            (Some(path), Some(t)) if t != path.as_str() => {
                return Err(RecordError::new(
                    "invalid_type",
                    format!(
                        "`type` {t:?} does not match the call `/v1/{}`",
                        path.as_str()
                    ),
                ))
            }
            (Some(path), _) => path,
            (None, Some(t)) => MessageKind::parse(t).ok_or_else(|| {
                RecordError::new(
                    "invalid_type",
                    format!("`type` {t:?} is not track, identify, page, screen, group or alias"),
                )
            })?,
            (None, None) => return Err(RecordError::new("missing_type", "`type` is required")),
        };
        let user_id = id_field("userId", m.user_id.as_ref())?;
        let anonymous_id = id_field("anonymousId", m.anonymous_id.as_ref())?;
        if user_id.is_none() && anonymous_id.is_none() {
            return Err(RecordError::new(
                "missing_identity",
                "a message needs a `userId` or an `anonymousId`",
            ));
        }
        let previous_id = id_field("previousId", m.previous_id.as_ref())?;
        let group_id = id_field("groupId", m.group_id.as_ref())?;
        if kind == MessageKind::Alias && (previous_id.is_none() || user_id.is_none()) {
            return Err(RecordError::new(
                "missing_previous_id",
                "`alias` needs both `previousId` and `userId`",
            ));
        }
        if kind == MessageKind::Group && group_id.is_none() {
            return Err(RecordError::new(
                "missing_group_id",
                "`group` needs a `groupId`",
            ));
        }
        let event = match kind {
            MessageKind::Track => {
                let e = text(m.event.as_ref()).unwrap_or_default();
                let e = e.trim();
                if e.is_empty() {
                    return Err(RecordError::new(
                        "missing_event",
                        "`track` needs an `event` name",
                    ));
                }
                if e.chars().count() > MAX_EVENT_LEN {
                    return Err(RecordError::new(
                        "invalid_event",
                        format!("`event` is longer than {MAX_EVENT_LEN} characters"),
                    ));
                }
                e.to_string()
            }
            MessageKind::Page => PAGE_EVENT.into(),
            MessageKind::Screen => SCREEN_EVENT.into(),
            _ => String::new(),
        };
        let message_id = match id_field("messageId", m.message_id.as_ref())? {
            Some(id) => id,
            None => {
                return Err(RecordError::new(
                    "missing_message_id",
                    "`messageId` is required",
                ))
            }
        };
        let at_ms = event_time(&m, batch_sent_at, received_ms)?;
        for (field, v) in [
            ("properties", &m.properties),
            ("traits", &m.traits),
            ("context", &m.context),
        ] {
            if v.as_ref().is_some_and(|v| !v.is_object() && !v.is_null()) {
                return Err(RecordError::new(
                    "invalid_value",
                    format!("`{field}` must be an object"),
                ));
            }
        }
        let dims = dims(kind, &m);
        let payload = match kind {
            MessageKind::Identify | MessageKind::Group => m.traits.as_ref(),
            _ => m.properties.as_ref(),
        }
        .filter(|v| v.as_object().is_some_and(|o| !o.is_empty()))
        .map(Value::to_string);
        Ok(EventRecord {
            message_id,
            kind,
            event,
            user_id,
            anonymous_id,
            previous_id,
            group_id,
            at_ms,
            received_ms,
            dims,
            payload,
        })
    }
}

/// When the event happened. Segment's rule: with both `timestamp` and `sentAt`, the
/// sender's clock is assumed off by the same amount for both, so the event happened
/// `sentAt − timestamp` before the server received it. With only `timestamp` it is taken as
/// is; with neither, the event happened when received. A message's own `sentAt` wins over
/// the batch's.
fn event_time(
    m: &SegmentMessage,
    batch_sent_at: Option<&Value>,
    received_ms: i64,
) -> Result<i64, RecordError> {
    let ts = time_field(
        "timestamp",
        m.timestamp.as_ref().or(m.original_timestamp.as_ref()),
    )?;
    let sent = time_field("sentAt", m.sent_at.as_ref().or(batch_sent_at))?;
    Ok(match (ts, sent) {
        (Some(t), Some(s)) => received_ms - (s - t),
        (Some(t), None) => t,
        (None, _) => received_ms,
    })
}

fn time_field(field: &str, v: Option<&Value>) -> Result<Option<i64>, RecordError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_rfc3339(s.trim()).map(Some).ok_or_else(|| {
            RecordError::new(
                "invalid_timestamp",
                format!("`{field}` {s:?} is not an ISO-8601 timestamp with a time zone"),
            )
        }),
        Some(_) => Err(RecordError::new(
            "invalid_timestamp",
            format!("`{field}` must be an ISO-8601 string"),
        )),
    }
}

/// An id: a non-empty string or a number (Segment accepts both), at most [`MAX_ID_LEN`].
fn id_field(field: &str, v: Option<&Value>) -> Result<Option<String>, RecordError> {
    let s = match v {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => {
            return Err(RecordError::new(
                "invalid_id",
                format!("`{field}` must be a string or a number"),
            ))
        }
    };
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() > MAX_ID_LEN {
        return Err(RecordError::new(
            "invalid_id",
            format!("`{field}` is longer than {MAX_ID_LEN} bytes"),
        ));
    }
    Ok(Some(s))
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn get<'a>(v: Option<&'a Value>, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v?;
    for key in path {
        cur = cur
            .as_object()
            .and_then(|o: &Map<String, Value>| o.get(*key))?;
    }
    Some(cur)
}

/// The first non-empty text among `candidates`, trimmed, lower-cased and bounded.
fn dim(candidates: &[Option<&Value>]) -> String {
    candidates
        .iter()
        .filter_map(|v| text(*v))
        .map(|s| s.trim().to_lowercase())
        .find(|s| !s.is_empty())
        .map(|s| s.chars().take(MAX_DIMENSION_LEN).collect())
        .unwrap_or_default()
}

fn dims(kind: MessageKind, m: &SegmentMessage) -> EventDims {
    let (props, traits, ctx) = (m.properties.as_ref(), m.traits.as_ref(), m.context.as_ref());
    let mut channel = dim(&[get(ctx, &["channel"]), get(props, &["channel"])]);
    if channel.is_empty() {
        let library = dim(&[get(ctx, &["library", "name"])]);
        channel = match kind {
            MessageKind::Page => "web".into(),
            MessageKind::Screen => "app".into(),
            _ if [
                "ios",
                "android",
                "react-native",
                "flutter",
                "swift",
                "kotlin",
            ]
            .iter()
            .any(|l| library.contains(l)) =>
            {
                "app".into()
            }
            _ if library.starts_with("analytics.js") || library.starts_with("analytics-next") => {
                "web".into()
            }
            _ => String::new(),
        };
    }
    EventDims {
        channel,
        source: dim(&[
            get(ctx, &["campaign", "source"]),
            get(props, &["utm_source"]),
        ]),
        region: dim(&[
            get(ctx, &["location", "country"]),
            get(traits, &["region"]),
            get(ctx, &["traits", "region"]),
            get(props, &["region"]),
        ]),
        segment: dim(&[
            get(traits, &["segment"]),
            get(ctx, &["traits", "segment"]),
            get(props, &["segment"]),
        ]),
        product_category: dim(&[get(props, &["category"])]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(v: Value) -> SegmentMessage {
        serde_json::from_value(v).expect("message")
    }

    const NOW: i64 = 1_790_000_000_000;

    #[test]
    fn skew_is_corrected_from_sent_at() {
        // The sender's clock is 1 h ahead: sent "11:00:05", the event "11:00:00"; received
        // at NOW, so the event happened 5 s before NOW.
        let m = msg(
            json!({"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1",
            "timestamp": "2026-09-21T11:00:00Z", "sentAt": "2026-09-21T11:00:05.000Z"}),
        );
        let r = EventRecord::validate(m, None, None, NOW, 10).expect("valid");
        assert_eq!(r.at_ms, NOW - 5_000);
        // The batch's sentAt applies when the message has none.
        let m = msg(
            json!({"type": "track", "event": "x", "userId": "u1", "messageId": "m1",
            "timestamp": "2026-09-21T11:00:00Z"}),
        );
        let r = EventRecord::validate(m, None, Some(&json!("2026-09-21T11:01:00+00:00")), NOW, 10)
            .expect("valid");
        assert_eq!(r.at_ms, NOW - 60_000);
        // Only a timestamp: taken as is; nothing: received.
        let m = msg(json!({"type": "page", "anonymousId": "a", "messageId": "m",
            "timestamp": "2026-09-21T11:00:00+02:00"}));
        let r = EventRecord::validate(m, None, None, NOW, 10).expect("valid");
        assert_eq!(r.at_ms, parse_rfc3339("2026-09-21T09:00:00Z").expect("ts"));
        assert_eq!(r.event, PAGE_EVENT);
        assert_eq!(r.dims.channel, "web");
        let m = msg(json!({"type": "screen", "anonymousId": "a", "messageId": "m"}));
        assert_eq!(
            EventRecord::validate(m, None, None, NOW, 10)
                .expect("valid")
                .at_ms,
            NOW
        );
    }

    #[test]
    fn bad_messages_get_stable_codes() {
        let code = |v: Value, kind: Option<MessageKind>, len: usize| {
            EventRecord::validate(msg(v), kind, None, NOW, len)
                .expect_err("invalid")
                .code
        };
        let ok = json!({"type": "track", "event": "e", "userId": "u", "messageId": "m"});
        assert_eq!(
            code(ok.clone(), None, MAX_MESSAGE_BYTES + 1),
            "message_too_large"
        );
        assert_eq!(code(ok, Some(MessageKind::Page), 5), "invalid_type");
        assert_eq!(
            code(
                json!({"event": "e", "userId": "u", "messageId": "m"}),
                None,
                5
            ),
            "missing_type"
        );
        assert_eq!(
            code(
                json!({"type": "fly", "userId": "u", "messageId": "m"}),
                None,
                5
            ),
            "invalid_type"
        );
        assert_eq!(
            code(
                json!({"type": "track", "event": "e", "messageId": "m"}),
                None,
                5
            ),
            "missing_identity"
        );
        assert_eq!(
            code(
                json!({"type": "track", "userId": "u", "messageId": "m"}),
                None,
                5
            ),
            "missing_event"
        );
        assert_eq!(
            code(
                json!({"type": "track", "event": "e", "userId": "u"}),
                None,
                5
            ),
            "missing_message_id"
        );
        assert_eq!(
            code(
                json!({"type": "alias", "userId": "u", "messageId": "m"}),
                None,
                5
            ),
            "missing_previous_id"
        );
        assert_eq!(
            code(
                json!({"type": "group", "userId": "u", "messageId": "m"}),
                None,
                5
            ),
            "missing_group_id"
        );
        assert_eq!(
            code(
                json!({"type": "track", "event": "e", "userId": {"a": 1}, "messageId": "m"}),
                None,
                5
            ),
            "invalid_id"
        );
        assert_eq!(
            code(
                json!({"type": "track", "event": "e", "userId": "u", "messageId": "m", "timestamp": "yesterday"}),
                None,
                5
            ),
            "invalid_timestamp"
        );
        assert_eq!(
            code(
                json!({"type": "track", "event": "e", "userId": "u", "messageId": "m", "properties": [1]}),
                None,
                5
            ),
            "invalid_value"
        );
    }

    #[test]
    fn dimensions_come_from_segment_fields() {
        let m = msg(
            json!({"type": "track", "event": "Product Added", "userId": 42, "messageId": 7,
            "properties": {"category": "Shoes", "segment": "SMB"},
            "context": {"library": {"name": "analytics-ios"}, "campaign": {"source": "Newsletter"},
                        "location": {"country": "DE"}}}),
        );
        let r = EventRecord::validate(m, Some(MessageKind::Track), None, NOW, 5).expect("valid");
        assert_eq!(r.user_id.as_deref(), Some("42"));
        assert_eq!(r.message_id, "7");
        assert_eq!(
            r.dims,
            EventDims {
                channel: "app".into(),
                source: "newsletter".into(),
                region: "de".into(),
                segment: "smb".into(),
                product_category: "shoes".into(),
            }
        );
        assert_eq!(
            r.payload.as_deref(),
            Some(r#"{"category":"Shoes","segment":"SMB"}"#)
        );
        assert!(!MessageKind::Identify.is_activity());
    }
}
