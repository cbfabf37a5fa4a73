//! The partner registry (`POST /api/v1/partners`): who the partners are, when they signed,
//! when onboarding completed, whether they churned; and the retention and onboarding figures
//! that follow from it.

use crate::domain::date::MS_PER_DAY;
use crate::domain::survey::{dimension, external_id, string_or_number, timestamp, RecordError};
use serde::{Deserialize, Serialize};

/// One partner as it arrives, before validation. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PartnerInput {
    /// The partner id used by every other record's `partner_id` (upsert key).
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    pub name: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub signed_at: Option<String>,
    /// Onboarding complete.
    pub live_at: Option<String>,
    /// `active` or `churned`; `churned` when only `churned_at` is given.
    pub status: Option<String>,
    pub churned_at: Option<String>,
}

/// Whether a partner is still in the programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerStatus {
    Active,
    Churned,
}

impl PartnerStatus {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Churned => "churned",
        }
    }

    /// Parses a wire name, any case.
    pub fn parse(s: &str) -> Option<PartnerStatus> {
        match s.trim().to_ascii_lowercase().as_str() {
            "active" => Some(Self::Active),
            "churned" => Some(Self::Churned),
            _ => None,
        }
    }
}

/// A validated partner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerRecord {
    pub id: String,
    /// Display name; the id when none is given.
    pub name: String,
    /// Programme tier, lower case (e.g. `gold`); empty when unknown.
    pub tier: String,
    pub region: String,
    pub signed_at_ms: i64,
    /// `None` while onboarding is in progress.
    pub live_at_ms: Option<i64>,
    pub status: PartnerStatus,
    /// Set exactly when `status` is `Churned`.
    pub churned_at_ms: Option<i64>,
}

impl PartnerRecord {
    /// Validates one input record. `now_ms` bounds timestamps from the future.
    pub fn validate(input: PartnerInput, now_ms: i64) -> Result<PartnerRecord, RecordError> {
        let id = external_id(input.id.as_deref())?;
        let name = match dimension("name", input.name)? {
            n if n.is_empty() => id.clone(),
            n => n,
        };
        let signed_at_ms = timestamp("signed_at", input.signed_at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`signed_at` is required"))?;
        let live_at_ms = timestamp("live_at", input.live_at.as_deref(), now_ms)?;
        let churned_at_ms = timestamp("churned_at", input.churned_at.as_deref(), now_ms)?;
        let status = match input.status.as_deref().map(str::trim) {
            None | Some("") if churned_at_ms.is_some() => PartnerStatus::Churned,
            None | Some("") => PartnerStatus::Active,
            Some(s) => PartnerStatus::parse(s).ok_or_else(|| {
                RecordError::new(
                    "invalid_status",
                    format!("`status` must be active or churned, got {s:?}"),
                )
            })?,
        };
        match (status, churned_at_ms) {
            (PartnerStatus::Churned, None) => {
                return Err(RecordError::new(
                    "missing_timestamp",
                    "`churned_at` is required when `status` is churned",
                ))
            }
            (PartnerStatus::Active, Some(_)) => {
                return Err(RecordError::new(
                    "invalid_status",
                    "an active partner has no `churned_at`",
                ))
            }
            _ => {}
        }
        for (field, t) in [("live_at", live_at_ms), ("churned_at", churned_at_ms)] {
            if t.is_some_and(|t| t < signed_at_ms) {
                return Err(RecordError::new(
                    "timestamp_order",
                    format!("`{field}` is before `signed_at`"),
                ));
            }
        }
        Ok(PartnerRecord {
            id,
            name,
            tier: dimension("tier", input.tier)?.to_ascii_lowercase(),
            region: dimension("region", input.region)?,
            signed_at_ms,
            live_at_ms,
            status,
            churned_at_ms,
        })
    }

    /// Signed → live, in days; `None` while onboarding is in progress.
    pub fn onboarding_days(&self) -> Option<f64> {
        self.live_at_ms
            .map(|l| (l - self.signed_at_ms) as f64 / MS_PER_DAY as f64)
    }

    /// In the programme at instant `t_ms`: signed by then and not churned by then.
    pub fn active_at(&self, t_ms: i64) -> bool {
        self.signed_at_ms <= t_ms && self.churned_at_ms.is_none_or(|c| c > t_ms)
    }
}

/// Partner retention over a period (`docs/metrics.md`, as customer churn): of the partners in the
/// programme at the period's start, the share still in it at its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Retention {
    /// Partners active at the start.
    pub at_start: i64,
    /// Of those, partners that churned during the period.
    pub churned: i64,
    /// Partners signed during the period (not in the denominator).
    pub signed: i64,
    /// `None` without partners at the start.
    pub retention_pct: Option<f64>,
    pub churn_pct: Option<f64>,
}

/// Retention over `[from_ms, to_ms)`.
pub fn retention(partners: &[PartnerRecord], from_ms: i64, to_ms: i64) -> Retention {
    let mut r = Retention::default();
    for p in partners {
        if p.active_at(from_ms - 1) {
            r.at_start += 1;
            if p.churned_at_ms.is_some_and(|c| c < to_ms) {
                r.churned += 1;
            }
        } else if (from_ms..to_ms).contains(&p.signed_at_ms) {
            r.signed += 1;
        }
    }
    if r.at_start > 0 {
        let churn = 100.0 * r.churned as f64 / r.at_start as f64;
        r.churn_pct = Some(churn);
        r.retention_pct = Some(100.0 - churn);
    }
    r
}

/// Onboarding over the registry: partners that went live in a period and how long it took
/// them, and partners still onboarding at its end.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Onboarding {
    /// Partners whose onboarding completed in the period.
    pub completed: i64,
    /// Signed by the period's end, not live by then, and not churned.
    pub in_progress: i64,
    /// Median and mean signed → live days of the completed ones.
    pub median_days: Option<f64>,
    pub mean_days: Option<f64>,
}

/// Onboarding figures for `[from_ms, to_ms)`.
pub fn onboarding(partners: &[PartnerRecord], from_ms: i64, to_ms: i64) -> Onboarding {
    let mut days: Vec<f64> = Vec::new();
    let mut in_progress = 0;
    for p in partners {
        match p.live_at_ms {
            Some(l) if (from_ms..to_ms).contains(&l) => {
                days.extend(p.onboarding_days());
            }
            Some(l) if l < to_ms => {}
            _ => {
                if p.active_at(to_ms - 1) {
                    in_progress += 1;
                }
            }
        }
    }
    days.sort_by(f64::total_cmp);
    let median = match days.len() {
        0 => None,
        n if n % 2 == 1 => Some(days[n / 2]),
        n => Some((days[n / 2 - 1] + days[n / 2]) / 2.0),
    };
    Onboarding {
        completed: days.len() as i64,
        in_progress,
        median_days: median,
        mean_days: (!days.is_empty()).then(|| days.iter().sum::<f64>() / days.len() as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;
    const DAY: i64 = MS_PER_DAY;

    fn input() -> PartnerInput {
        PartnerInput {
            id: Some("p1".into()),
            signed_at: Some("2026-01-01T00:00:00Z".into()),
            ..PartnerInput::default()
        }
    }

    fn partner(id: &str, signed: i64, live: Option<i64>, churned: Option<i64>) -> PartnerRecord {
        PartnerRecord {
            id: id.into(),
            name: id.into(),
            tier: String::new(),
            region: String::new(),
            signed_at_ms: signed,
            live_at_ms: live,
            status: if churned.is_some() {
                PartnerStatus::Churned
            } else {
                PartnerStatus::Active
            },
            churned_at_ms: churned,
        }
    }

    #[test]
    fn a_valid_partner_is_normalised() {
        let mut i = input();
        i.tier = Some(" Gold ".into());
        let p = PartnerRecord::validate(i, NOW).unwrap();
        assert_eq!(p.name, "p1");
        assert_eq!(p.tier, "gold");
        assert_eq!(p.status, PartnerStatus::Active);
        let mut i = input();
        i.churned_at = Some("2026-06-01T00:00:00Z".into());
        assert_eq!(
            PartnerRecord::validate(i, NOW).unwrap().status,
            PartnerStatus::Churned
        );
    }

    #[test]
    fn bad_partners_get_stable_codes() {
        let code = |f: fn(&mut PartnerInput)| {
            let mut i = input();
            f(&mut i);
            PartnerRecord::validate(i, NOW).unwrap_err().code
        };
        assert_eq!(code(|i| i.id = None), "missing_id");
        assert_eq!(code(|i| i.signed_at = None), "missing_timestamp");
        assert_eq!(
            code(|i| i.signed_at = Some("soon".into())),
            "invalid_timestamp"
        );
        assert_eq!(code(|i| i.status = Some("paused".into())), "invalid_status");
        assert_eq!(
            code(|i| i.status = Some("churned".into())),
            "missing_timestamp"
        );
        assert_eq!(
            code(|i| {
                i.status = Some("active".into());
                i.churned_at = Some("2026-06-01T00:00:00Z".into());
            }),
            "invalid_status"
        );
        assert_eq!(
            code(|i| i.live_at = Some("2025-12-01T00:00:00Z".into())),
            "timestamp_order"
        );
    }

    #[test]
    fn onboarding_in_progress_is_counted_but_not_timed() {
        // a: 10 days, b: 30 days, c: 20 days, all live in the period; d still onboarding;
        // e live before the period; f signed and churned without going live.
        let ps = [
            partner("a", 0, Some(10 * DAY), None),
            partner("b", 0, Some(30 * DAY), None),
            partner("c", 5 * DAY, Some(25 * DAY), None),
            partner("d", 20 * DAY, None, None),
            partner("e", -50 * DAY, Some(-20 * DAY), None),
            partner("f", 0, None, Some(40 * DAY)),
        ];
        let o = onboarding(&ps, 0, 60 * DAY);
        assert_eq!(o.completed, 3);
        assert_eq!(o.in_progress, 1);
        assert_eq!(o.median_days, Some(20.0));
        assert_eq!(o.mean_days, Some(20.0));
        // Before c and a went live: a and c still onboarding, d not signed yet.
        let o = onboarding(&ps, -60 * DAY, 8 * DAY);
        assert_eq!(o.completed, 1);
        assert_eq!(o.in_progress, 4);
        assert_eq!(o.median_days, Some(30.0));
    }

    #[test]
    fn retention_counts_partners_present_at_the_start() {
        let ps = [
            partner("a", -100 * DAY, Some(-90 * DAY), None),
            partner("b", -100 * DAY, None, Some(10 * DAY)),
            partner("c", -100 * DAY, None, Some(-5 * DAY)),
            partner("d", 3 * DAY, None, Some(20 * DAY)),
            partner("e", -10 * DAY, None, Some(30 * DAY)),
        ];
        // Present at 0: a, b, e (c churned before). b churned inside; e after the end.
        let r = retention(&ps, 0, 30 * DAY);
        assert_eq!((r.at_start, r.churned, r.signed), (3, 1, 1));
        assert_eq!(r.churn_pct, Some(100.0 / 3.0));
        assert_eq!(r.retention_pct, Some(100.0 - 100.0 / 3.0));
        assert_eq!(retention(&[], 0, DAY).retention_pct, None);
    }
}
