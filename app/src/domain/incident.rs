//! Incidents (`docs/metrics.md`: MTTA / MTTR by severity): validation of generic incident records and
//! PagerDuty V3 webhook events, and the incident metrics. Pure.

use super::histogram::exact_quantile;
use super::survey::{dimension, external_id, string_or_number, timestamp, RecordError};
use serde::{Deserialize, Serialize};

/// Incident severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    High,
    Medium,
    Low,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [Self::Critical, Self::High, Self::Medium, Self::Low];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    /// Parses a wire name, case-insensitively.
    pub fn parse(s: &str) -> Option<Severity> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One incident as it arrives on `POST /api/v1/incidents`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct IncidentInput {
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    pub title: Option<String>,
    pub severity: Option<String>,
    pub service: Option<String>,
    pub triggered_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub resolved_at: Option<String>,
    pub customer_impact: Option<String>,
}

/// A validated incident. Later reports of the same id fill in what they know (an
/// acknowledgement, a resolution); they never erase what is stored.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentRecord {
    pub external_id: String,
    pub title: String,
    pub severity: Severity,
    pub service: String,
    pub triggered_at_ms: i64,
    pub acknowledged_at_ms: Option<i64>,
    pub resolved_at_ms: Option<i64>,
    pub customer_impact: Option<String>,
}

fn text(field: &str, v: Option<String>, max_chars: usize) -> Result<Option<String>, RecordError> {
    match v.map(|s| s.trim().to_string()) {
        Some(s) if s.chars().count() > max_chars => Err(RecordError::new(
            "field_too_long",
            format!("`{field}` is longer than {max_chars} characters"),
        )),
        Some(s) if s.is_empty() => Ok(None),
        other => Ok(other),
    }
}

impl IncidentRecord {
    /// Validates one incident; `now_ms` bounds timestamps from the future.
    pub fn validate(input: IncidentInput, now_ms: i64) -> Result<IncidentRecord, RecordError> {
        let external_id = external_id(input.id.as_deref())?;
        let triggered_at_ms = timestamp("triggered_at", input.triggered_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`triggered_at` is required"))?;
        let acknowledged_at_ms =
            timestamp("acknowledged_at", input.acknowledged_at.as_deref(), now_ms)?;
        let resolved_at_ms = timestamp("resolved_at", input.resolved_at.as_deref(), now_ms)?;
        for (field, t) in [
            ("acknowledged_at", acknowledged_at_ms),
            ("resolved_at", resolved_at_ms),
        ] {
            if t.is_some_and(|t| t < triggered_at_ms) {
                return Err(RecordError::new(
                    "timestamp_order",
                    format!("`{field}` is before `triggered_at`"),
                ));
            }
        }
        let severity = match input.severity.as_deref().map(str::trim) {
            None | Some("") => {
                return Err(RecordError::new(
                    "missing_severity",
                    "`severity` is required",
                ))
            }
            Some(s) => Severity::parse(s).ok_or_else(|| {
                RecordError::new(
                    "invalid_severity",
                    format!("unknown severity {s:?}: expected critical, high, medium or low"),
                )
            })?,
        };
        Ok(IncidentRecord {
            external_id,
            title: text("title", input.title, 500)?.unwrap_or_default(),
            severity,
            service: dimension("service", input.service)?,
            triggered_at_ms,
            acknowledged_at_ms,
            resolved_at_ms,
            customer_impact: text("customer_impact", input.customer_impact, 5_000)?,
        })
    }

    /// Seconds from trigger to acknowledgement.
    pub fn mtta_secs(&self) -> Option<i64> {
        self.acknowledged_at_ms
            .map(|a| (a - self.triggered_at_ms) / 1000)
    }

    /// Seconds from trigger to resolution.
    pub fn mttr_secs(&self) -> Option<i64> {
        self.resolved_at_ms
            .map(|r| (r - self.triggered_at_ms) / 1000)
    }

    /// Whether the incident is open at `t_ms`.
    pub fn is_open_at(&self, t_ms: i64) -> bool {
        self.triggered_at_ms <= t_ms && self.resolved_at_ms.is_none_or(|r| r > t_ms)
    }
}

/// The incident part of a PagerDuty V3 webhook event (`event.data` of an
/// `incident.triggered|acknowledged|resolved` event), reduced to what Signalroom keeps.
#[derive(Clone, Debug, PartialEq)]
pub struct PagerDutyEvent {
    /// The event's own id (the idempotency key of the delivery).
    pub event_id: String,
    /// `incident.triggered`, `incident.acknowledged` or `incident.resolved`.
    pub event_type: String,
    pub occurred_at_ms: i64,
    pub incident: IncidentRecord,
}

#[derive(Deserialize)]
struct PdEnvelope {
    event: PdEventBody,
}

#[derive(Deserialize)]
struct PdEventBody {
    id: String,
    event_type: String,
    occurred_at: String,
    data: PdIncident,
}

#[derive(Deserialize)]
struct PdIncident {
    id: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    priority: Option<PdSummary>,
    #[serde(default)]
    service: Option<PdSummary>,
    #[serde(default)]
    created_at: Option<String>,
}

#[derive(Deserialize)]
struct PdSummary {
    #[serde(default)]
    summary: Option<String>,
}

/// Maps PagerDuty's priority (`P1`–`P5`) or, lacking one, its urgency to a severity.
pub fn pagerduty_severity(priority: Option<&str>, urgency: Option<&str>) -> Severity {
    match priority.map(|p| p.trim().to_ascii_uppercase()).as_deref() {
        Some("P1") => Severity::Critical,
        Some("P2") => Severity::High,
        Some("P3") => Severity::Medium,
        Some("P4") | Some("P5") => Severity::Low,
        _ => match urgency {
            Some(u) if u.eq_ignore_ascii_case("high") => Severity::High,
            _ => Severity::Low,
        },
    }
}

impl PagerDutyEvent {
    /// Parses a V3 webhook body. `Ok(None)` for event types Signalroom does not track
    /// (PagerDuty sends many; they are acknowledged and ignored).
    pub fn parse(body: &[u8], now_ms: i64) -> Result<Option<PagerDutyEvent>, RecordError> {
        let env: PdEnvelope = serde_json::from_slice(body).map_err(|e| {
            RecordError::new("malformed_body", format!("not a PagerDuty V3 event: {e}"))
        })?;
        let e = env.event;
        if !matches!(
            e.event_type.as_str(),
            "incident.triggered" | "incident.acknowledged" | "incident.resolved"
        ) {
            return Ok(None);
        }
        let occurred = timestamp("occurred_at", Some(&e.occurred_at), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`occurred_at` is required"))?;
        let triggered =
            timestamp("created_at", e.data.created_at.as_deref(), now_ms)?.unwrap_or(occurred);
        let at = |kind: &str| (e.event_type == kind).then_some(occurred.max(triggered));
        let incident = IncidentRecord {
            external_id: external_id(Some(&e.data.id))?,
            title: text("title", e.data.title, 500)?.unwrap_or_default(),
            severity: pagerduty_severity(
                e.data.priority.as_ref().and_then(|p| p.summary.as_deref()),
                e.data.urgency.as_deref(),
            ),
            service: dimension("service", e.data.service.and_then(|s| s.summary))?,
            triggered_at_ms: triggered,
            acknowledged_at_ms: at("incident.acknowledged"),
            resolved_at_ms: at("incident.resolved"),
            customer_impact: None,
        };
        Ok(Some(PagerDutyEvent {
            event_id: external_id(Some(&e.id))?,
            event_type: e.event_type,
            occurred_at_ms: occurred,
            incident,
        }))
    }
}

/// MTTA and MTTR of one severity: median (the headline value) and mean, in seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeverityTimes {
    pub severity: Severity,
    /// Incidents triggered in the period.
    pub incidents: i64,
    pub mtta_median_secs: Option<f64>,
    pub mtta_mean_secs: Option<f64>,
    pub mttr_median_secs: Option<f64>,
    pub mttr_mean_secs: Option<f64>,
}

/// The mean of durations (seconds); `None` for none. Summed as `f64`: no overflow.
fn mean(v: &[i64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().map(|&x| x as f64).sum::<f64>() / v.len() as f64)
}

/// MTTA / MTTR per severity over `incidents` (exact: incidents are few).
pub fn times_by_severity(incidents: &[IncidentRecord]) -> Vec<SeverityTimes> {
    Severity::ALL
        .into_iter()
        .map(|sev| {
            let of: Vec<&IncidentRecord> = incidents.iter().filter(|i| i.severity == sev).collect();
            let mtta: Vec<i64> = of.iter().filter_map(|i| i.mtta_secs()).collect();
            let mttr: Vec<i64> = of.iter().filter_map(|i| i.mttr_secs()).collect();
            SeverityTimes {
                severity: sev,
                incidents: of.len() as i64,
                mtta_median_secs: exact_quantile(&mtta, 0.5),
                mtta_mean_secs: mean(&mtta),
                mttr_median_secs: exact_quantile(&mttr, 0.5),
                mttr_mean_secs: mean(&mttr),
            }
        })
        .collect()
}

/// The incident family's catalogue figures over `[from_ms, to_ms)` as seen at `now_ms`:
/// MTTA and MTTR are means over the incidents started in the window (MTTR over those resolved,
/// as the support page shows them), open incidents a count at the window's end (or now) whose
/// sample is the incidents active during the window.
pub fn window_samples(
    list: &[IncidentRecord],
    from_ms: i64,
    to_ms: i64,
    now_ms: i64,
) -> [(&'static str, crate::domain::alert::evaluate::Sample); 4] {
    use crate::domain::alert::evaluate::Sample;
    let started: Vec<&IncidentRecord> = list
        .iter()
        .filter(|i| i.triggered_at_ms >= from_ms && i.triggered_at_ms < to_ms)
        .collect();
    let mean_of = |secs: Vec<i64>| Sample {
        value: mean(&secs),
        n: secs.len() as i64,
    };
    let at = (to_ms - 1).min(now_ms);
    // A level's sample is the incidents seen during the window: an alert on it can recover
    // (a count of 0 with incidents behind it), and a quiet window is "no data".
    let seen: Vec<&IncidentRecord> = list
        .iter()
        .filter(|i| i.triggered_at_ms < to_ms && i.resolved_at_ms.is_none_or(|r| r >= from_ms))
        .collect();
    let is_major = |i: &&&IncidentRecord| matches!(i.severity, Severity::Critical | Severity::High);
    let level = |open: usize, n: usize| Sample {
        value: Some(open as f64),
        n: n as i64,
    };
    let open = seen.iter().filter(|i| i.is_open_at(at)).count();
    let major_open = seen
        .iter()
        .filter(is_major)
        .filter(|i| i.is_open_at(at))
        .count();
    let major_seen = seen.iter().filter(is_major).count();
    [
        (
            "mtta",
            mean_of(started.iter().filter_map(|i| i.mtta_secs()).collect()),
        ),
        (
            "mttr",
            mean_of(started.iter().filter_map(|i| i.mttr_secs()).collect()),
        ),
        ("open_incidents", level(open, seen.len())),
        ("major_incidents_open", level(major_open, major_seen)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn inc(
        id: &str,
        sev: &str,
        trig: &str,
        ack: Option<&str>,
        res: Option<&str>,
    ) -> IncidentRecord {
        IncidentRecord::validate(
            IncidentInput {
                id: Some(id.into()),
                severity: Some(sev.into()),
                triggered_at: Some(trig.into()),
                acknowledged_at: ack.map(Into::into),
                resolved_at: res.map(Into::into),
                ..IncidentInput::default()
            },
            NOW,
        )
        .unwrap()
    }

    #[test]
    fn window_samples_by_hand() {
        let all = [
            inc(
                "a",
                "critical",
                "2026-11-01T10:00:00Z",
                Some("2026-11-01T10:02:00Z"),
                Some("2026-11-01T11:00:00Z"),
            ),
            inc(
                "b",
                "high",
                "2026-11-02T10:00:00Z",
                Some("2026-11-02T10:10:00Z"),
                None,
            ),
            inc("c", "low", "2026-10-30T10:00:00Z", None, None),
        ];
        let ms = |s: &str| crate::domain::date::Day::parse(s).unwrap().start_ms();
        let w = window_samples(&all, ms("2026-11-01"), ms("2026-11-03"), ms("2026-12-01"));
        // MTTA (120 + 600) / 2 s; MTTR only "a" (3600 s); open at the end: "b" and "c".
        assert_eq!(w[0].1.value, Some(360.0));
        assert_eq!(w[0].1.n, 2);
        assert_eq!(w[1].1.value, Some(3_600.0));
        assert_eq!(w[1].1.n, 1);
        assert_eq!((w[2].1.value, w[2].1.n), (Some(2.0), 3));
        // Of those, "b" is high: a major incident; "c" (low) is not. "a" was major and seen.
        assert_eq!((w[3].1.value, w[3].1.n), (Some(1.0), 2));
        // At the end of the first day "a" is resolved and "b" not yet started: only "c".
        let first = window_samples(&all, ms("2026-11-01"), ms("2026-11-02"), ms("2026-12-01"));
        assert_eq!(first[2].1.value, Some(1.0));
        assert_eq!(first[1].1.n, 1);
    }

    #[test]
    fn mtta_and_mttr_by_severity_by_hand() {
        let all = [
            inc(
                "a",
                "critical",
                "2026-11-01T10:00:00Z",
                Some("2026-11-01T10:02:00Z"),
                Some("2026-11-01T11:00:00Z"),
            ),
            inc(
                "b",
                "critical",
                "2026-11-02T10:00:00Z",
                Some("2026-11-02T10:10:00Z"),
                Some("2026-11-02T13:00:00Z"),
            ),
            inc(
                "c",
                "critical",
                "2026-11-03T10:00:00Z",
                Some("2026-11-03T10:06:00Z"),
                None,
            ),
            inc("d", "low", "2026-11-03T10:00:00Z", None, None),
        ];
        let t = times_by_severity(&all);
        let crit = &t[0];
        assert_eq!(crit.incidents, 3);
        // MTTA 120, 600, 360 s → median 360, mean 360.
        assert_eq!(crit.mtta_median_secs, Some(360.0));
        assert_eq!(crit.mtta_mean_secs, Some(360.0));
        // MTTR 3600 and 10800 → lower median 3600, mean 7200.
        assert_eq!(crit.mttr_median_secs, Some(3_600.0));
        assert_eq!(crit.mttr_mean_secs, Some(7_200.0));
        assert_eq!(t[3].incidents, 1);
        assert_eq!(t[3].mtta_mean_secs, None);
        assert!(all[2].is_open_at(NOW));
        assert!(!all[0].is_open_at(NOW));
    }

    #[test]
    fn bad_incidents_are_refused_with_stable_codes() {
        let code = |f: &dyn Fn(&mut IncidentInput)| {
            let mut i = IncidentInput {
                id: Some("x".into()),
                severity: Some("high".into()),
                triggered_at: Some("2026-11-01T10:00:00Z".into()),
                ..IncidentInput::default()
            };
            f(&mut i);
            IncidentRecord::validate(i, NOW).unwrap_err().code
        };
        assert_eq!(
            code(&|i| i.severity = Some("sev1".into())),
            "invalid_severity"
        );
        assert_eq!(code(&|i| i.severity = None), "missing_severity");
        assert_eq!(code(&|i| i.triggered_at = None), "missing_timestamp");
        assert_eq!(
            code(&|i| i.resolved_at = Some("2026-10-01T00:00:00Z".into())),
            "timestamp_order"
        );
        assert_eq!(code(&|i| i.id = None), "missing_id");
    }

    #[test]
    fn pagerduty_events_map_to_incident_updates() {
        let body = br#"{"event":{"id":"01DEN","event_type":"incident.acknowledged","resource_type":"incident",
            "occurred_at":"2026-11-01T10:05:00Z","agent":{"id":"P1"},
            "data":{"id":"PGR0VU2","type":"incident","title":"Checkout errors","urgency":"high",
                    "priority":{"summary":"P1"},"service":{"summary":"checkout-api"},
                    "created_at":"2026-11-01T10:00:00Z","status":"acknowledged"}}}"#;
        let e = PagerDutyEvent::parse(body, NOW).unwrap().unwrap();
        assert_eq!(e.event_id, "01DEN");
        assert_eq!(e.incident.external_id, "PGR0VU2");
        assert_eq!(e.incident.severity, Severity::Critical);
        assert_eq!(e.incident.service, "checkout-api");
        assert_eq!(e.incident.mtta_secs(), Some(300));
        assert_eq!(e.incident.resolved_at_ms, None);
        let other = br#"{"event":{"id":"x","event_type":"service.updated","occurred_at":"2026-11-01T10:05:00Z","data":{"id":"S1"}}}"#;
        assert_eq!(PagerDutyEvent::parse(other, NOW).unwrap(), None);
        assert_eq!(
            PagerDutyEvent::parse(b"{}", NOW).unwrap_err().code,
            "malformed_body"
        );
        assert_eq!(pagerduty_severity(None, Some("low")), Severity::Low);
        assert_eq!(
            pagerduty_severity(Some("p3"), Some("high")),
            Severity::Medium
        );
    }
}
