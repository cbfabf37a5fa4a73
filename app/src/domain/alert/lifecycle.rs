//! The alert life cycle: pending → firing → acknowledged → resolved, with hysteresis in both
//! directions so a flapping metric holds one alert instead of raising a storm.
//!
//! - A breach opens a *pending* alert; it fires once the breach has held for the rule's
//!   "for" duration. A pending alert that clears (or loses its sample) is dropped unseen.
//! - A firing or acknowledged alert resolves only after the condition has been false for
//!   the recovery period: the "for" duration, and never less than [`MIN_RECOVERY_MS`]. A
//!   breach in between restarts that clock. An unknown evaluation (small sample) neither
//!   fires nor proves recovery.
//! - After resolution a new breach starts a new pending alert: at most one alert per rule and
//!   dimension key is open at any time.

use serde::{Deserialize, Serialize};

/// Shortest time a firing alert must stay clear before it resolves.
pub const MIN_RECOVERY_MS: i64 = 5 * 60_000;

/// Where an alert is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertState {
    Pending,
    Firing,
    Acknowledged,
    Resolved,
}

impl AlertState {
    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Firing => "firing",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<AlertState> {
        [
            Self::Pending,
            Self::Firing,
            Self::Acknowledged,
            Self::Resolved,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Firing or acknowledged: visible in the inbox and still to be resolved.
    pub fn is_active(self) -> bool {
        matches!(self, Self::Firing | Self::Acknowledged)
    }
}

/// What the engine tracks per open alert between evaluations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tracked {
    pub state: AlertState,
    /// When the current breach began (the pending clock).
    pub breach_since: i64,
    /// When the condition last turned false while active (the recovery clock).
    pub clear_since: Option<i64>,
}

/// An evaluation's verdict, reduced to what the life cycle needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observation {
    Breach,
    Clear,
    Unknown,
}

/// What happened to an alert in one step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// A new pending alert.
    Opened,
    /// Pending → firing (notify).
    Fired,
    /// A pending alert dropped before firing.
    Cancelled,
    /// Active → resolved after the recovery period.
    Recovered,
}

/// The next state of one alert (`None`: no open alert) and what changed, if anything.
pub fn step(
    prev: Option<Tracked>,
    obs: Observation,
    now_ms: i64,
    for_secs: i64,
) -> (Option<Tracked>, Option<Transition>) {
    let for_ms = for_secs.saturating_mul(1000);
    let recovery_ms = for_ms.max(MIN_RECOVERY_MS);
    match (prev, obs) {
        (None, Observation::Breach) => {
            let t = Tracked {
                state: AlertState::Pending,
                breach_since: now_ms,
                clear_since: None,
            };
            if for_ms == 0 {
                (
                    Some(Tracked {
                        state: AlertState::Firing,
                        ..t
                    }),
                    Some(Transition::Fired),
                )
            } else {
                (Some(t), Some(Transition::Opened))
            }
        }
        (None, _) => (None, None),
        (Some(t), _) if t.state == AlertState::Resolved => step(None, obs, now_ms, for_secs),
        (Some(t), Observation::Breach) if t.state == AlertState::Pending => {
            if now_ms - t.breach_since >= for_ms {
                (
                    Some(Tracked {
                        state: AlertState::Firing,
                        ..t
                    }),
                    Some(Transition::Fired),
                )
            } else {
                (Some(t), None)
            }
        }
        (Some(t), _) if t.state == AlertState::Pending => (None, Some(Transition::Cancelled)),
        (Some(t), Observation::Breach) => (
            Some(Tracked {
                clear_since: None,
                ..t
            }),
            None,
        ),
        (Some(t), Observation::Clear) => {
            let since = t.clear_since.unwrap_or(now_ms);
            if now_ms - since >= recovery_ms {
                (
                    Some(Tracked {
                        state: AlertState::Resolved,
                        clear_since: Some(since),
                        ..t
                    }),
                    Some(Transition::Recovered),
                )
            } else {
                (
                    Some(Tracked {
                        clear_since: Some(since),
                        ..t
                    }),
                    None,
                )
            }
        }
        (Some(t), Observation::Unknown) => (Some(t), None),
    }
}

/// Whether daily breach flags would have fired a rule with this "for" duration: some run
/// of consecutive breach days lasting at least that long (a day counts as a whole day).
pub fn would_fire(daily_breaches: &[bool], for_secs: i64) -> bool {
    let mut run = 0i64;
    let mut longest = 0i64;
    for b in daily_breaches {
        run = if *b { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest > 0 && longest * 86_400 >= for_secs
}

#[cfg(test)]
mod tests {
    use super::*;
    use Observation::*;

    const MIN: i64 = 60_000;

    /// Runs observations one tick (30 s) apart; returns the transitions seen.
    fn run(obs: &[Observation], for_secs: i64) -> (Option<Tracked>, Vec<Transition>) {
        let mut t = None;
        let mut seen = Vec::new();
        for (i, o) in obs.iter().enumerate() {
            let (next, tr) = step(t, *o, i as i64 * 30_000, for_secs);
            t = next;
            seen.extend(tr);
        }
        (t, seen)
    }

    #[test]
    fn a_breach_fires_only_after_the_for_duration() {
        let (t, seen) = run(&[Breach; 10], 120);
        assert_eq!(seen, [Transition::Opened, Transition::Fired]);
        let t = t.unwrap();
        assert_eq!(t.state, AlertState::Firing);
        assert_eq!(t.breach_since, 0);
        // Fired at the 5th tick (120 s), not before.
        let (t4, _) = run(&[Breach; 4], 120);
        assert_eq!(t4.unwrap().state, AlertState::Pending);
    }

    #[test]
    fn flapping_input_does_not_produce_a_storm() {
        // Breach and clear alternating for an hour: with a 2-minute "for" it never fires.
        let flap: Vec<_> = (0..120)
            .map(|i| if i % 2 == 0 { Breach } else { Clear })
            .collect();
        let (_, seen) = run(&flap, 120);
        assert!(!seen.contains(&Transition::Fired));
        // With no "for" it fires once and holds: recovery never lasts long enough.
        let (t, seen) = run(&flap, 0);
        assert_eq!(seen, [Transition::Fired]);
        assert_eq!(t.unwrap().state, AlertState::Firing);
    }

    #[test]
    fn small_samples_do_not_fire_and_do_not_resolve() {
        let (t, seen) = run(&[Breach, Unknown, Breach, Breach], 30);
        // The unknown dropped the pending alert; the breach restarted it.
        assert_eq!(
            seen,
            [
                Transition::Opened,
                Transition::Cancelled,
                Transition::Opened,
                Transition::Fired
            ]
        );
        let t = t.unwrap();
        let (held, tr) = step(Some(t), Unknown, 10 * 60 * MIN, 30);
        assert_eq!((held.unwrap().state, tr), (AlertState::Firing, None));
    }

    #[test]
    fn recovery_resolves_after_the_recovery_period() {
        let firing = Tracked {
            state: AlertState::Acknowledged,
            breach_since: 0,
            clear_since: None,
        };
        let (t, tr) = step(Some(firing), Clear, MIN, 60);
        assert_eq!(tr, None);
        assert_eq!(t.unwrap().clear_since, Some(MIN));
        // Still within the 5-minute floor.
        let (t, tr) = step(t, Clear, 5 * MIN, 60);
        assert_eq!((t.unwrap().state, tr), (AlertState::Acknowledged, None));
        let (t, tr) = step(t, Clear, 6 * MIN, 60);
        assert_eq!(
            (t.unwrap().state, tr),
            (AlertState::Resolved, Some(Transition::Recovered))
        );
        // A long "for" stretches recovery too.
        let (t, _) = step(Some(firing), Clear, 0, 3600);
        let (t, tr) = step(t, Clear, 59 * MIN, 3600);
        assert_eq!(tr, None);
        assert_eq!(
            step(t, Clear, 60 * MIN, 3600).1,
            Some(Transition::Recovered)
        );
    }

    #[test]
    fn a_breach_during_recovery_restarts_the_clock() {
        let firing = Tracked {
            state: AlertState::Firing,
            breach_since: 0,
            clear_since: None,
        };
        let (t, _) = step(Some(firing), Clear, 0, 0);
        let (t, _) = step(t, Breach, 4 * MIN, 0);
        assert_eq!(t.unwrap().clear_since, None);
        let (t, _) = step(t, Clear, 5 * MIN, 0);
        let (t, tr) = step(t, Clear, 9 * MIN, 0);
        assert_eq!((t.unwrap().state, tr), (AlertState::Firing, None));
    }

    #[test]
    fn a_test_fires_only_on_a_long_enough_run() {
        assert!(!would_fire(&[false, false], 0));
        assert!(would_fire(&[false, true, false], 3_600));
        assert!(!would_fire(&[true, false, true], 2 * 86_400));
        assert!(would_fire(&[true, true, false], 2 * 86_400));
    }

    #[test]
    fn after_resolution_a_new_breach_opens_a_new_alert() {
        let resolved = Tracked {
            state: AlertState::Resolved,
            breach_since: 0,
            clear_since: Some(0),
        };
        let (t, tr) = step(Some(resolved), Breach, 100 * MIN, 60);
        assert_eq!(tr, Some(Transition::Opened));
        assert_eq!(t.unwrap().breach_since, 100 * MIN);
    }
}
