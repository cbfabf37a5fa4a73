//! Support tickets (`docs/metrics.md`, family support): validation of incoming tickets, the durations and flags each
//! contributes to the support metrics, and the metrics themselves over a set of tickets.
//! Pure: the store keeps the same contributions as additive rollups.

use super::date::Day;
use super::dimension::Channel;
use super::histogram::Histogram;
use super::survey::{channel, dimension, external_id, string_or_number, timestamp, RecordError};
use serde::Deserialize;

/// A ticket's life-cycle state.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum TicketStatus {
    New,
    Open,
    Pending,
    Solved,
    Closed,
}

impl TicketStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [TicketStatus; 5] = [
        Self::New,
        Self::Open,
        Self::Pending,
        Self::Solved,
        Self::Closed,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Solved => "solved",
            Self::Closed => "closed",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<TicketStatus> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Solved or closed: no longer in the backlog.
    pub fn is_done(self) -> bool {
        matches!(self, Self::Solved | Self::Closed)
    }
}

/// A ticket's priority.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    Low,
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [Self::Low, Self::Normal, Self::High, Self::Urgent];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<Priority> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// One ticket as it arrives, before validation. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TicketInput {
    /// The help desk's id for the ticket (upsert key).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub first_response_at: Option<String>,
    pub resolved_at: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    pub customer_contacts: Option<i64>,
    pub agent_replies: Option<i64>,
    pub reopened: Option<i64>,
    pub satisfaction: Option<i64>,
    pub category: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub customer_id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
    pub segment: Option<String>,
    pub region: Option<String>,
    pub vip: Option<bool>,
    /// The customer's own words (description or first message): stored as feedback.
    pub description: Option<String>,
}

/// A validated ticket, ready to upsert. Missing dimensions are empty strings.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRecord {
    pub external_id: String,
    pub created_at_ms: i64,
    /// The version: an update with an older `updated_at` never replaces a newer one.
    pub updated_at_ms: i64,
    pub first_response_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    pub status: TicketStatus,
    pub priority: Priority,
    pub channel: String,
    pub customer_contacts: i64,
    pub agent_replies: i64,
    pub reopened: i64,
    pub satisfaction: Option<i64>,
    pub category: String,
    pub customer_id: Option<String>,
    pub partner_id: String,
    pub segment: String,
    pub region: String,
    pub vip: bool,
}

/// Counters beyond this are certainly an upstream bug.
const MAX_COUNT: i64 = 100_000;

fn count(field: &str, value: Option<i64>, default: i64) -> Result<i64, RecordError> {
    match value {
        None => Ok(default),
        Some(n) if (0..=MAX_COUNT).contains(&n) => Ok(n),
        Some(_) => Err(RecordError::new(
            "invalid_count",
            format!("`{field}` must be a whole number 0..={MAX_COUNT}"),
        )),
    }
}

impl TicketRecord {
    /// Validates one ticket. `now_ms` bounds timestamps from the future. Without
    /// `updated_at` the latest of the ticket's own timestamps stands in for it.
    pub fn validate(input: TicketInput, now_ms: i64) -> Result<TicketRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let created_at_ms = timestamp("created_at", input.created_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`created_at` is required"))?;
        let first_response_at_ms = timestamp(
            "first_response_at",
            input.first_response_at.as_deref(),
            now_ms,
        )?;
        let resolved_at_ms = timestamp("resolved_at", input.resolved_at.as_deref(), now_ms)?;
        for (field, t) in [
            ("first_response_at", first_response_at_ms),
            ("resolved_at", resolved_at_ms),
        ] {
            if t.is_some_and(|t| t < created_at_ms) {
                return Err(RecordError::new(
                    "timestamp_order",
                    format!("`{field}` is before `created_at`"),
                ));
            }
        }
        let latest = [Some(created_at_ms), first_response_at_ms, resolved_at_ms]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(created_at_ms);
        let updated_at_ms =
            timestamp("updated_at", input.updated_at.as_deref(), now_ms)?.unwrap_or(latest);
        let status = match input.status.as_deref().map(str::trim) {
            None | Some("") => {
                if resolved_at_ms.is_some() {
                    TicketStatus::Solved
                } else {
                    TicketStatus::Open
                }
            }
            Some(s) => TicketStatus::parse(s).ok_or_else(|| {
                RecordError::new(
                    "invalid_status",
                    format!("unknown status {s:?}: expected new, open, pending, solved or closed"),
                )
            })?,
        };
        let priority = match input.priority.as_deref().map(str::trim) {
            None | Some("") => Priority::Normal,
            Some(p) => Priority::parse(p).ok_or_else(|| {
                RecordError::new(
                    "invalid_priority",
                    format!("unknown priority {p:?}: expected low, normal, high or urgent"),
                )
            })?,
        };
        let channel = channel(input.channel.as_deref())?;
        let satisfaction = match input.satisfaction {
            None => None,
            Some(s) if (1..=5).contains(&s) => Some(s),
            Some(s) => {
                return Err(RecordError::new(
                    "invalid_score",
                    format!("`satisfaction` must be 1–5, got {s}"),
                ))
            }
        };
        Ok(TicketRecord {
            external_id,
            created_at_ms,
            updated_at_ms,
            first_response_at_ms,
            resolved_at_ms,
            status,
            priority,
            channel,
            customer_contacts: count("customer_contacts", input.customer_contacts, 1)?,
            agent_replies: count("agent_replies", input.agent_replies, 0)?,
            reopened: count("reopened", input.reopened, 0)?,
            satisfaction,
            category: dimension("category", input.category)?,
            customer_id: match dimension("customer_id", input.customer_id)? {
                s if s.is_empty() => None,
                s => Some(s),
            },
            partner_id: dimension("partner_id", input.partner_id)?,
            segment: dimension("segment", input.segment)?,
            region: dimension("region", input.region)?,
            vip: input.vip.unwrap_or(false),
        })
    }

    /// The UTC day the ticket was created (the day its volume counts on).
    pub fn day(&self) -> Day {
        Day::from_epoch_ms(self.created_at_ms)
    }

    /// First response time in seconds, once answered.
    pub fn first_response_secs(&self) -> Option<i64> {
        self.first_response_at_ms
            .map(|t| (t - self.created_at_ms) / 1000)
    }

    /// Resolution time in seconds, once resolved.
    pub fn resolution_secs(&self) -> Option<i64> {
        self.resolved_at_ms
            .filter(|_| self.status.is_done())
            .map(|t| (t - self.created_at_ms) / 1000)
    }

    /// Resolved with exactly one customer contact and never reopened (`fcr` in `docs/metrics.md`).
    /// `None` while unresolved: only resolved tickets count towards FCR.
    pub fn first_contact_resolution(&self) -> Option<bool> {
        self.resolution_secs()
            .map(|_| self.customer_contacts == 1 && self.reopened == 0)
    }

    /// When the ticket left the backlog: solved or closed, at `resolved_at` (or, lacking it,
    /// at its last update).
    pub fn done_at_ms(&self) -> Option<i64> {
        self.status
            .is_done()
            .then(|| self.resolved_at_ms.unwrap_or(self.updated_at_ms))
    }

    /// Whether an update with this version may replace `stored_updated_at_ms`: only a
    /// newer one (ties keep what is stored, so replays change nothing).
    pub fn supersedes(&self, stored_updated_at_ms: i64) -> bool {
        self.updated_at_ms > stored_updated_at_ms
    }
}

/// The support metrics over a set of tickets.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SupportAgg {
    /// Tickets created.
    pub tickets: i64,
    /// First response times (s).
    pub first_response: Histogram,
    /// Resolution times (s).
    pub resolution: Histogram,
    /// Resolved tickets, and those resolved at first contact.
    pub resolved: i64,
    pub fcr: i64,
    /// Satisfaction answers, and those 4–5.
    pub csat_n: i64,
    pub csat_good: i64,
}

impl SupportAgg {
    /// Adds one ticket's contribution.
    pub fn add(&mut self, t: &TicketRecord) {
        self.tickets += 1;
        if let Some(s) = t.first_response_secs() {
            self.first_response.add(s);
        }
        if let Some(s) = t.resolution_secs() {
            self.resolution.add(s);
        }
        if let Some(first) = t.first_contact_resolution() {
            self.resolved += 1;
            self.fcr += i64::from(first);
        }
        if let Some(s) = t.satisfaction {
            self.csat_n += 1;
            self.csat_good += i64::from(s >= 4);
        }
    }

    /// FCR in percent of resolved tickets.
    pub fn fcr_pct(&self) -> Option<f64> {
        (self.resolved > 0).then(|| 100.0 * self.fcr as f64 / self.resolved as f64)
    }

    /// CSAT with support: percent of 4–5 answers.
    pub fn csat_pct(&self) -> Option<f64> {
        (self.csat_n > 0).then(|| 100.0 * self.csat_good as f64 / self.csat_n as f64)
    }
}

/// A channel's target share of ticket volume (the brief's seed bands).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChannelBand {
    pub channel: Channel,
    /// Lowest healthy share in percent, if bounded.
    pub min_pct: Option<f64>,
    /// Highest healthy share in percent, if bounded.
    pub max_pct: Option<f64>,
}

/// Seed bands: phone < 40%, email 30–50%, chat 20–30%, self-service > 10%.
pub const CHANNEL_BANDS: [ChannelBand; 4] = [
    ChannelBand {
        channel: Channel::Phone,
        min_pct: None,
        max_pct: Some(40.0),
    },
    ChannelBand {
        channel: Channel::Email,
        min_pct: Some(30.0),
        max_pct: Some(50.0),
    },
    ChannelBand {
        channel: Channel::Chat,
        min_pct: Some(20.0),
        max_pct: Some(30.0),
    },
    ChannelBand {
        channel: Channel::SelfService,
        min_pct: Some(10.0),
        max_pct: None,
    },
];

impl ChannelBand {
    /// Whether `share_pct` lies in the band (open bounds are exclusive, as the brief's
    /// "< 40%" and "> 10%").
    pub fn contains(&self, share_pct: f64) -> bool {
        let above = match (self.min_pct, self.max_pct) {
            (Some(lo), Some(_)) => share_pct >= lo,
            (Some(lo), None) => share_pct > lo,
            (None, _) => true,
        };
        let below = match (self.min_pct, self.max_pct) {
            (Some(_), Some(hi)) => share_pct <= hi,
            (None, Some(hi)) => share_pct < hi,
            (_, None) => true,
        };
        above && below
    }
}

/// Each channel's share of `counts` (channel, tickets) in percent, in the given order.
pub fn channel_mix(counts: &[(String, i64)]) -> Vec<(String, f64)> {
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    counts
        .iter()
        .map(|(c, n)| {
            let share = if total > 0 {
                100.0 * *n as f64 / total as f64
            } else {
                0.0
            };
            (c.clone(), share)
        })
        .collect()
}

/// Tickets open at the end of `day`: created by then and not resolved by then.
pub fn backlog_at(tickets: &[TicketRecord], day: Day) -> i64 {
    let end = day.plus_days(1).start_ms();
    tickets
        .iter()
        .filter(|t| t.created_at_ms < end)
        .filter(|t| t.done_at_ms().is_none_or(|done| done >= end))
        .count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000; // 2026-11-18

    fn input(id: &str, created: &str) -> TicketInput {
        TicketInput {
            id: Some(id.into()),
            created_at: Some(created.into()),
            ..TicketInput::default()
        }
    }

    fn ticket(created: &str, first: Option<&str>, resolved: Option<&str>) -> TicketRecord {
        let mut i = input("t", created);
        i.first_response_at = first.map(Into::into);
        i.resolved_at = resolved.map(Into::into);
        TicketRecord::validate(i, NOW).unwrap()
    }

    #[test]
    fn durations_are_hand_computed_seconds() {
        let t = ticket(
            "2026-11-01T10:00:00Z",
            Some("2026-11-01T10:15:00Z"),
            Some("2026-11-01T12:00:00Z"),
        );
        assert_eq!(t.first_response_secs(), Some(900));
        assert_eq!(t.resolution_secs(), Some(7_200));
        assert_eq!(t.status, TicketStatus::Solved, "resolved without a status");
        assert_eq!(t.updated_at_ms, t.resolved_at_ms.unwrap());
        assert_eq!(t.first_contact_resolution(), Some(true));
    }

    #[test]
    fn fcr_needs_one_contact_no_reopen_and_a_resolution() {
        let mut many = input("a", "2026-11-01T10:00:00Z");
        many.resolved_at = Some("2026-11-01T11:00:00Z".into());
        many.customer_contacts = Some(3);
        let many = TicketRecord::validate(many, NOW).unwrap();
        assert_eq!(many.first_contact_resolution(), Some(false));
        let mut reopened = input("b", "2026-11-01T10:00:00Z");
        reopened.resolved_at = Some("2026-11-01T11:00:00Z".into());
        reopened.reopened = Some(1);
        let reopened = TicketRecord::validate(reopened, NOW).unwrap();
        assert_eq!(reopened.first_contact_resolution(), Some(false));
        let open = ticket("2026-11-01T10:00:00Z", None, None);
        assert_eq!(open.first_contact_resolution(), None);
        // A resolved_at on a ticket that was reopened (status open) does not count.
        let mut again = input("c", "2026-11-01T10:00:00Z");
        again.resolved_at = Some("2026-11-01T11:00:00Z".into());
        again.status = Some("open".into());
        let again = TicketRecord::validate(again, NOW).unwrap();
        assert_eq!(again.resolution_secs(), None);
    }

    #[test]
    fn aggregate_of_hand_made_tickets() {
        let tickets = [
            ticket(
                "2026-11-01T10:00:00Z",
                Some("2026-11-01T10:01:00Z"),
                Some("2026-11-01T11:00:00Z"),
            ),
            ticket("2026-11-01T10:00:00Z", Some("2026-11-01T10:03:00Z"), None),
            ticket(
                "2026-11-01T10:00:00Z",
                Some("2026-11-01T10:05:00Z"),
                Some("2026-11-01T13:00:00Z"),
            ),
            ticket("2026-11-01T10:00:00Z", None, None),
        ];
        let mut agg = SupportAgg::default();
        for t in &tickets {
            agg.add(t);
        }
        assert_eq!(agg.tickets, 4);
        assert_eq!(agg.first_response.count(), 3);
        // FRT 60, 180, 300 s: median 180, mean 180.
        let median = agg.first_response.quantile(0.5).unwrap();
        assert!((median - 180.0).abs() / 180.0 <= 0.01);
        assert_eq!(agg.first_response.mean(), Some(180.0));
        // Resolution 3600 and 10800: mean 7200.
        assert_eq!(agg.resolution.mean(), Some(7_200.0));
        assert_eq!((agg.resolved, agg.fcr), (2, 2));
        assert_eq!(agg.fcr_pct(), Some(100.0));
        assert_eq!(agg.csat_pct(), None);
    }

    #[test]
    fn bad_tickets_are_refused_with_stable_codes() {
        let code = |f: &dyn Fn(&mut TicketInput)| {
            let mut i = input("x", "2026-11-01T10:00:00Z");
            f(&mut i);
            TicketRecord::validate(i, NOW).unwrap_err().code
        };
        assert_eq!(code(&|i| i.id = None), "missing_id");
        assert_eq!(code(&|i| i.created_at = None), "missing_timestamp");
        assert_eq!(
            code(&|i| i.created_at = Some("yesterday".into())),
            "invalid_timestamp"
        );
        assert_eq!(
            code(&|i| i.created_at = Some("2099-01-01T00:00:00Z".into())),
            "timestamp_out_of_range"
        );
        assert_eq!(
            code(&|i| i.resolved_at = Some("2026-10-01T00:00:00Z".into())),
            "timestamp_order"
        );
        assert_eq!(code(&|i| i.status = Some("done".into())), "invalid_status");
        assert_eq!(
            code(&|i| i.priority = Some("p1".into())),
            "invalid_priority"
        );
        assert_eq!(
            code(&|i| i.channel = Some("pigeon".into())),
            "invalid_channel"
        );
        assert_eq!(code(&|i| i.satisfaction = Some(6)), "invalid_score");
        assert_eq!(code(&|i| i.customer_contacts = Some(-1)), "invalid_count");
        assert_eq!(
            code(&|i| i.region = Some("x".repeat(101))),
            "field_too_long"
        );
    }

    #[test]
    fn only_a_newer_version_replaces_a_stored_ticket() {
        let mut i = input("v", "2026-11-01T10:00:00Z");
        i.updated_at = Some("2026-11-02T10:00:00Z".into());
        let t = TicketRecord::validate(i, NOW).unwrap();
        assert!(t.supersedes(t.updated_at_ms - 1));
        assert!(!t.supersedes(t.updated_at_ms), "a replay changes nothing");
        assert!(
            !t.supersedes(t.updated_at_ms + 1),
            "out of order: older loses"
        );
    }

    #[test]
    fn channel_mix_against_the_seed_bands() {
        let mix = channel_mix(&[
            ("phone".into(), 35),
            ("email".into(), 40),
            ("chat".into(), 15),
            ("self-service".into(), 10),
        ]);
        assert_eq!(mix[0], ("phone".into(), 35.0));
        let verdicts: Vec<bool> = CHANNEL_BANDS
            .iter()
            .zip(&mix)
            .map(|(b, (_, share))| b.contains(*share))
            .collect();
        // phone 35 < 40 ok; email 40 in 30–50 ok; chat 15 below 20; self-service 10 not > 10.
        assert_eq!(verdicts, [true, true, false, false]);
        assert!(channel_mix(&[("phone".into(), 0)])[0].1 == 0.0);
    }

    #[test]
    fn backlog_counts_what_is_open_at_the_end_of_the_day() {
        let tickets = [
            ticket("2026-11-01T10:00:00Z", None, None),
            ticket("2026-11-01T10:00:00Z", None, Some("2026-11-01T12:00:00Z")),
            ticket("2026-11-01T10:00:00Z", None, Some("2026-11-03T12:00:00Z")),
            ticket("2026-11-02T10:00:00Z", None, None),
        ];
        let d = |s: &str| Day::parse(s).unwrap();
        assert_eq!(backlog_at(&tickets, d("2026-10-31")), 0);
        assert_eq!(backlog_at(&tickets, d("2026-11-01")), 2);
        assert_eq!(backlog_at(&tickets, d("2026-11-02")), 3);
        assert_eq!(backlog_at(&tickets, d("2026-11-03")), 2);
    }
}
