//! Partner activity (`POST /api/v1/partner-activity`): typed records of portal logins and
//! interactions, trainings, certifications, programme participation, communications, leads,
//! and registered deals (upserted by `deal_id`, newest `at` wins); and the engagement,
//! training and pipeline figures built on them.

use crate::domain::order::{currency, MAX_AMOUNT};
use crate::domain::survey::{dimension, external_id, string_or_number, timestamp, RecordError};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Largest `count` one record may carry (a pre-aggregated day of logins, say).
pub const MAX_COUNT: i64 = 1_000_000;

/// One activity record as it arrives. Field names are the wire names.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ActivityInput {
    /// The record's id (idempotency key); deals use `deal_id` instead.
    #[serde(default, deserialize_with = "string_or_number")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "string_or_number")]
    pub partner_id: Option<String>,
    /// The activity type, see [`ActivityKind`].
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub at: Option<String>,
    /// How many occurrences the record stands for (default 1).
    pub count: Option<i64>,
    /// Trainings and certifications: the course.
    pub course: Option<String>,
    /// Trainings: the learner (pairs a start with its completion).
    #[serde(default, deserialize_with = "string_or_number")]
    pub person: Option<String>,
    /// Programme participation: the programme.
    pub program: Option<String>,
    /// Communications: `email`, `meeting` or `call`.
    pub medium: Option<String>,
    /// Deals: the deal's id (upsert key), value, currency and stage.
    #[serde(default, deserialize_with = "string_or_number")]
    pub deal_id: Option<String>,
    pub value: Option<f64>,
    pub currency: Option<String>,
    pub stage: Option<String>,
}

macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and wire name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }

            /// Parses a wire name, any case.
            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim().to_ascii_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// The names, for error messages.
            pub fn names() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

named_enum!(
    /// What a partner did.
    ActivityKind {
        Login = "login",
        Interaction = "interaction",
        TrainingStarted = "training_started",
        TrainingCompleted = "training_completed",
        Certification = "certification",
        Program = "program",
        Communication = "communication",
        Lead = "lead",
        Deal = "deal",
    }
);

named_enum!(
    /// How a communication happened.
    Medium {
        Email = "email",
        Meeting = "meeting",
        Call = "call",
    }
);

named_enum!(
    /// Where a deal stands; `Won` and `Lost` close it.
    DealStage {
        Registered = "registered",
        Qualified = "qualified",
        Proposal = "proposal",
        Negotiation = "negotiation",
        Won = "won",
        Lost = "lost",
    }
);

impl DealStage {
    /// Whether the deal is still in the pipeline.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Won | Self::Lost)
    }
}

/// A validated activity record (every kind but deals).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityRecord {
    pub external_id: String,
    pub partner_id: String,
    pub kind: ActivityKind,
    pub at_ms: i64,
    pub count: i64,
    /// The course, programme or medium, by kind; empty otherwise.
    pub detail: String,
    /// Trainings: the learner; empty when not given.
    pub person: String,
}

/// A validated deal registration or update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealRecord {
    pub deal_id: String,
    pub partner_id: String,
    pub value_cents: i64,
    pub currency: String,
    pub stage: DealStage,
    /// When the deal reached this state (orders updates of the same deal).
    pub at_ms: i64,
}

impl DealRecord {
    /// Whether this version replaces `stored`: a newer `at` does; an older one never does
    /// (a late delivery of an old stage must not undo a move); the same `at` with other
    /// content does (the source corrected itself).
    pub fn supersedes(&self, stored: &DealRecord) -> bool {
        self.at_ms > stored.at_ms || (self.at_ms == stored.at_ms && self != stored)
    }
}

/// One validated record of the activity endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Activity {
    Event(ActivityRecord),
    Deal(DealRecord),
}

fn required(field: &str, v: Option<String>, code: &str) -> Result<String, RecordError> {
    match dimension(field, v)? {
        s if s.is_empty() => Err(RecordError::new(code, format!("`{field}` is required"))),
        s => Ok(s),
    }
}

impl Activity {
    /// Validates one input record. `now_ms` bounds timestamps from the future.
    pub fn validate(input: ActivityInput, now_ms: i64) -> Result<Activity, RecordError> {
        let kind = match input.kind.as_deref() {
            None => return Err(RecordError::new("missing_type", "`type` is required")),
            Some(k) => ActivityKind::parse(k).ok_or_else(|| {
                RecordError::new(
                    "invalid_type",
                    format!(
                        "unknown type {k:?}: expected one of {}",
                        ActivityKind::names()
                    ),
                )
            })?,
        };
        let partner_id = required("partner_id", input.partner_id, "missing_partner")?;
        let at_ms = timestamp("at", input.at.as_deref(), now_ms)?
            .ok_or_else(|| RecordError::new("missing_timestamp", "`at` is required"))?;
        if kind == ActivityKind::Deal {
            let deal_id = external_id(input.deal_id.as_deref().or(input.id.as_deref()))
                .map_err(|e| RecordError::new(&e.code, e.message.replace("`id`", "`deal_id`")))?;
            let value = match input.value {
                None => return Err(RecordError::new("missing_amount", "`value` is required")),
                Some(v) if v.is_finite() && (0.0..=MAX_AMOUNT).contains(&v) => v,
                Some(_) => {
                    return Err(RecordError::new(
                        "invalid_amount",
                        format!("`value` must be a number from 0 to {MAX_AMOUNT}"),
                    ))
                }
            };
            let stage = match input.stage.as_deref() {
                None => DealStage::Registered,
                Some(s) => DealStage::parse(s).ok_or_else(|| {
                    RecordError::new(
                        "invalid_stage",
                        format!(
                            "unknown stage {s:?}: expected one of {}",
                            DealStage::names()
                        ),
                    )
                })?,
            };
            return Ok(Activity::Deal(DealRecord {
                deal_id,
                partner_id,
                value_cents: (value * 100.0).round() as i64,
                currency: currency(input.currency.as_deref())?,
                stage,
                at_ms,
            }));
        }
        let external_id = external_id(input.id.as_deref())?;
        let count = match input.count {
            None => 1,
            Some(c) if (1..=MAX_COUNT).contains(&c) => c,
            Some(_) => {
                return Err(RecordError::new(
                    "invalid_count",
                    format!("`count` must be from 1 to {MAX_COUNT}"),
                ))
            }
        };
        let detail = match kind {
            ActivityKind::TrainingStarted
            | ActivityKind::TrainingCompleted
            | ActivityKind::Certification => required("course", input.course, "missing_course")?,
            ActivityKind::Program => required("program", input.program, "missing_program")?,
            ActivityKind::Communication => {
                let m = input.medium.as_deref().unwrap_or_default();
                Medium::parse(m)
                    .ok_or_else(|| {
                        RecordError::new(
                            "invalid_medium",
                            format!("`medium` must be one of {}, got {m:?}", Medium::names()),
                        )
                    })?
                    .as_str()
                    .to_string()
            }
            _ => String::new(),
        };
        Ok(Activity::Event(ActivityRecord {
            external_id,
            partner_id,
            kind,
            at_ms,
            count,
            detail,
            person: dimension("person", input.person)?,
        }))
    }
}

/// Activity of one partner over a period: summed counts per kind, communications per
/// medium, and the distinct programmes joined.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityCounts {
    pub logins: i64,
    pub interactions: i64,
    pub trainings_started: i64,
    pub trainings_completed: i64,
    pub certifications: i64,
    pub leads: i64,
    pub emails: i64,
    pub meetings: i64,
    pub calls: i64,
    /// Distinct programmes with participation in the period.
    pub programs: i64,
}

impl ActivityCounts {
    /// Adds `n` occurrences of `kind` (with `detail`, the medium of a communication).
    pub fn add(&mut self, kind: ActivityKind, detail: &str, n: i64) {
        match kind {
            ActivityKind::Login => self.logins += n,
            ActivityKind::Interaction => self.interactions += n,
            ActivityKind::TrainingStarted => self.trainings_started += n,
            ActivityKind::TrainingCompleted => self.trainings_completed += n,
            ActivityKind::Certification => self.certifications += n,
            ActivityKind::Lead => self.leads += n,
            ActivityKind::Communication => match Medium::parse(detail) {
                Some(Medium::Email) => self.emails += n,
                Some(Medium::Meeting) => self.meetings += n,
                Some(Medium::Call) => self.calls += n,
                None => {}
            },
            // Programmes count distinct names (set by the reader); deals live elsewhere.
            ActivityKind::Program | ActivityKind::Deal => {}
        }
    }

    /// Adds another period's or partner's counts (programmes add up as partner-programmes).
    pub fn merge(&mut self, o: &ActivityCounts) {
        self.logins += o.logins;
        self.interactions += o.interactions;
        self.trainings_started += o.trainings_started;
        self.trainings_completed += o.trainings_completed;
        self.certifications += o.certifications;
        self.leads += o.leads;
        self.emails += o.emails;
        self.meetings += o.meetings;
        self.calls += o.calls;
        self.programs += o.programs;
    }

    /// Communications of every medium.
    pub fn communications(&self) -> i64 {
        self.emails + self.meetings + self.calls
    }

    /// Whether the partner used the portal in the period (the engagement-rate test).
    pub fn engaged(&self) -> bool {
        self.logins + self.interactions > 0
    }
}

/// One training event, as the completion rate pairs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingEvent {
    pub partner_id: String,
    pub course: String,
    pub person: String,
    pub completed: bool,
    pub at_ms: i64,
}

/// Training completion: of the distinct (partner, course, learner) trainings started in
/// `[from_ms, to_ms)`, the share completed at or after their first start in the period
/// (at any time up to now: a course started late in the period may still be completed).
/// A completion without a start in the period is not in the rate; a repeated start counts
/// once. Returns (started, completed, rate %).
pub fn training_completion(
    events: &[TrainingEvent],
    from_ms: i64,
    to_ms: i64,
) -> (i64, i64, Option<f64>) {
    let mut first_start: BTreeMap<(&str, &str, &str), i64> = BTreeMap::new();
    for e in events.iter().filter(|e| !e.completed) {
        if (from_ms..to_ms).contains(&e.at_ms) {
            let k = (e.partner_id.as_str(), e.course.as_str(), e.person.as_str());
            let t = first_start.entry(k).or_insert(e.at_ms);
            *t = (*t).min(e.at_ms);
        }
    }
    let mut done: BTreeSet<(&str, &str, &str)> = BTreeSet::new();
    for e in events.iter().filter(|e| e.completed) {
        let k = (e.partner_id.as_str(), e.course.as_str(), e.person.as_str());
        if first_start.get(&k).is_some_and(|s| e.at_ms >= *s) {
            done.insert(k);
        }
    }
    let started = first_start.len() as i64;
    let completed = done.len() as i64;
    let rate = (started > 0).then(|| 100.0 * completed as f64 / started as f64);
    (started, completed, rate)
}

/// Deals at one stage: how many, and their value in minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageFigure {
    pub stage: DealStage,
    pub deals: i64,
    pub value_cents: i64,
}

/// The pipeline by stage, every stage listed, from the deals' current versions in one
/// currency.
pub fn pipeline<'a>(deals: impl IntoIterator<Item = &'a DealRecord>) -> Vec<StageFigure> {
    let mut per: BTreeMap<DealStage, (i64, i64)> = BTreeMap::new();
    for d in deals {
        let e = per.entry(d.stage).or_default();
        e.0 += 1;
        e.1 += d.value_cents;
    }
    DealStage::ALL
        .iter()
        .map(|s| {
            let (deals, value_cents) = per.get(s).copied().unwrap_or_default();
            StageFigure {
                stage: *s,
                deals,
                value_cents,
            }
        })
        .collect()
}

/// Deal conversion: won of the deals closed (won or lost). `None` with none closed.
pub fn win_rate(pipeline: &[StageFigure]) -> Option<f64> {
    let get = |s: DealStage| {
        pipeline
            .iter()
            .find(|f| f.stage == s)
            .map_or(0, |f| f.deals)
    };
    let (won, lost) = (get(DealStage::Won), get(DealStage::Lost));
    (won + lost > 0).then(|| 100.0 * won as f64 / (won + lost) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000_000;

    fn input(kind: &str) -> ActivityInput {
        ActivityInput {
            id: Some("a1".into()),
            partner_id: Some("p1".into()),
            kind: Some(kind.into()),
            at: Some("2026-11-01T10:00:00Z".into()),
            ..ActivityInput::default()
        }
    }

    fn deal(id: &str, stage: DealStage, value: i64, at: i64) -> DealRecord {
        DealRecord {
            deal_id: id.into(),
            partner_id: "p1".into(),
            value_cents: value,
            currency: "USD".into(),
            stage,
            at_ms: at,
        }
    }

    #[test]
    fn records_of_each_type_validate() {
        let Activity::Event(e) = Activity::validate(input("LOGIN"), NOW).unwrap() else {
            panic!("a login is an event")
        };
        assert_eq!(
            (e.kind, e.count, e.detail.as_str()),
            (ActivityKind::Login, 1, "")
        );
        let mut i = input("communication");
        i.medium = Some("Call".into());
        let Activity::Event(e) = Activity::validate(i, NOW).unwrap() else {
            panic!("a call is an event")
        };
        assert_eq!(e.detail, "call");
        let mut i = input("deal");
        i.id = None;
        i.deal_id = Some("d-9".into());
        i.value = Some(1200.5);
        i.stage = Some("Proposal".into());
        let Activity::Deal(d) = Activity::validate(i, NOW).unwrap() else {
            panic!("a deal is a deal")
        };
        assert_eq!(
            (
                d.deal_id.as_str(),
                d.value_cents,
                d.stage,
                d.currency.as_str()
            ),
            ("d-9", 120_050, DealStage::Proposal, "USD")
        );
    }

    #[test]
    fn bad_records_get_stable_codes() {
        let code = |kind: &str, f: fn(&mut ActivityInput)| {
            let mut i = input(kind);
            f(&mut i);
            Activity::validate(i, NOW).unwrap_err().code
        };
        assert_eq!(code("login", |i| i.kind = None), "missing_type");
        assert_eq!(code("webinar", |_| {}), "invalid_type");
        assert_eq!(code("login", |i| i.partner_id = None), "missing_partner");
        assert_eq!(code("login", |i| i.at = None), "missing_timestamp");
        assert_eq!(code("login", |i| i.id = None), "missing_id");
        assert_eq!(code("login", |i| i.count = Some(0)), "invalid_count");
        assert_eq!(code("training_started", |_| {}), "missing_course");
        assert_eq!(code("program", |_| {}), "missing_program");
        assert_eq!(code("communication", |_| {}), "invalid_medium");
        assert_eq!(
            code("communication", |i| i.medium = Some("fax".into())),
            "invalid_medium"
        );
        assert_eq!(code("deal", |_| {}), "missing_amount");
        assert_eq!(code("deal", |i| i.value = Some(-5.0)), "invalid_amount");
        assert_eq!(
            code("deal", |i| {
                i.value = Some(5.0);
                i.stage = Some("maybe".into());
            }),
            "invalid_stage"
        );
        assert_eq!(
            code("deal", |i| {
                i.id = None;
                i.value = Some(5.0);
            }),
            "missing_id"
        );
    }

    #[test]
    fn deals_moving_stage_move_the_pipeline() {
        let registered = deal("d1", DealStage::Registered, 10_000, 1);
        let proposal = deal("d1", DealStage::Proposal, 12_000, 2);
        let won = deal("d1", DealStage::Won, 12_000, 3);
        // A newer stage replaces; an older one arriving late does not.
        assert!(proposal.supersedes(&registered));
        assert!(!registered.supersedes(&proposal));
        assert!(!won.supersedes(&won));
        // Same instant, corrected value: replaces.
        assert!(deal("d1", DealStage::Won, 11_000, 3).supersedes(&won));

        let other = deal("d2", DealStage::Lost, 5_000, 2);
        let third = deal("d3", DealStage::Proposal, 7_000, 2);
        let p = pipeline([&proposal, &other, &third]);
        let at = |s: DealStage| p.iter().find(|f| f.stage == s).copied().unwrap();
        assert_eq!(p.len(), DealStage::ALL.len());
        assert_eq!(
            (
                at(DealStage::Proposal).deals,
                at(DealStage::Proposal).value_cents
            ),
            (2, 19_000)
        );
        assert_eq!(win_rate(&p), Some(0.0));
        // d1 is won: it leaves the proposal stage with its value.
        let p = pipeline([&won, &other, &third]);
        let at = |s: DealStage| p.iter().find(|f| f.stage == s).copied().unwrap();
        assert_eq!(
            (
                at(DealStage::Proposal).deals,
                at(DealStage::Proposal).value_cents
            ),
            (1, 7_000)
        );
        assert_eq!(at(DealStage::Won).value_cents, 12_000);
        assert_eq!(win_rate(&p), Some(50.0));
        assert_eq!(win_rate(&pipeline([&third])), None);
    }

    #[test]
    fn training_completion_pairs_starts_with_later_completions() {
        let ev = |person: &str, course: &str, completed: bool, at: i64| TrainingEvent {
            partner_id: "p1".into(),
            course: course.into(),
            person: person.into(),
            completed,
            at_ms: at,
        };
        let events = [
            // ann: started twice, completed: one start, one completion.
            ev("ann", "basics", false, 10),
            ev("ann", "basics", false, 12),
            ev("ann", "basics", true, 20),
            // bob: started in the period, completed after it ends: still counts.
            ev("bob", "basics", false, 50),
            ev("bob", "basics", true, 150),
            // cy: completion before the start (an earlier run): not this start's.
            ev("cy", "advanced", true, 5),
            ev("cy", "advanced", false, 30),
            // dee: completion without a start in the period: outside the rate.
            ev("dee", "basics", true, 40),
            // eve: started before the period: outside.
            ev("eve", "basics", false, -10),
            ev("eve", "basics", true, 15),
        ];
        assert_eq!(
            training_completion(&events, 0, 100),
            (3, 2, Some(200.0 / 3.0))
        );
        assert_eq!(training_completion(&events, 200, 300), (0, 0, None));
    }

    #[test]
    fn activity_counts_sum_by_kind_and_medium() {
        let mut c = ActivityCounts::default();
        c.add(ActivityKind::Login, "", 3);
        c.add(ActivityKind::Communication, "email", 2);
        c.add(ActivityKind::Communication, "meeting", 1);
        c.add(ActivityKind::Lead, "", 4);
        assert_eq!((c.logins, c.communications(), c.leads), (3, 3, 4));
        assert!(c.engaged());
        assert!(!ActivityCounts::default().engaged());
    }
}
