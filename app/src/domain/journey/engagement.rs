//! Engagement over activity timelines: DAU, WAU and MAU per day, stickiness, sessions per
//! user and the customer engagement rate.
//!
//! WAU and MAU of a day are the people active in the 7 and 30 days ending that day (rolling,
//! as Mixpanel and Amplitude count them); the headline figures are their means over the
//! range's days. Stickiness is mean DAU / mean MAU. A session ends after
//! [`SESSION_GAP_MS`] without activity.

use super::timeline::{first_at_or_after, TimelineEvent};
use crate::domain::date::{Day, MS_PER_DAY};
use serde::{Deserialize, Serialize};

/// Inactivity that ends a session (the common 30 minutes).
pub const SESSION_GAP_MS: i64 = 30 * 60_000;

/// Engagement figures over a range.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Engagement {
    /// First day of the series.
    pub from: Option<Day>,
    /// Per day of the range, oldest first.
    pub dau: Vec<i64>,
    pub wau: Vec<i64>,
    pub mau: Vec<i64>,
    pub dau_mean: Option<f64>,
    pub wau_mean: Option<f64>,
    pub mau_mean: Option<f64>,
    /// Mean DAU / mean MAU, %.
    pub stickiness_pct: Option<f64>,
    /// People active in the range.
    pub active: i64,
    /// People first seen before the range's end.
    pub known: i64,
    /// Active / known, %.
    pub engagement_rate_pct: Option<f64>,
    pub sessions: i64,
    pub sessions_per_user: Option<f64>,
}

/// Accumulates people into [`Engagement`].
#[derive(Clone, Debug)]
pub struct EngagementTally {
    from: Day,
    days: usize,
    dau: Vec<i64>,
    // Difference arrays: +1 where a person's covered stretch starts, −1 after it ends.
    wau: Vec<i64>,
    mau: Vec<i64>,
    active: i64,
    known: i64,
    sessions: i64,
}

impl EngagementTally {
    /// A tally over whole days `from..to` (end exclusive).
    pub fn new(from: Day, to: Day) -> EngagementTally {
        let days = (to.0 - from.0).max(0) as usize;
        EngagementTally {
            from,
            days,
            dau: vec![0; days],
            wau: vec![0; days + 1],
            mau: vec![0; days + 1],
            active: 0,
            known: 0,
            sessions: 0,
        }
    }

    /// Counts one person by their sorted timeline.
    pub fn add(&mut self, timeline: &[TimelineEvent]) {
        let from_ms = self.from.start_ms();
        let to_ms = self.from.plus_days(self.days as i64).start_ms();
        if timeline.first().is_none_or(|e| e.at >= to_ms) {
            return;
        }
        self.known += 1;
        let begin = first_at_or_after(timeline, from_ms - 29 * MS_PER_DAY);
        let (mut last_day, mut wau_to, mut mau_to) = (i64::MIN, -1i64, -1i64);
        let mut prev_at: Option<i64> = None;
        let mut active = false;
        for e in &timeline[begin..] {
            if e.at >= to_ms {
                break;
            }
            if e.at >= from_ms {
                active = true;
                if prev_at.is_none_or(|p| e.at - p > SESSION_GAP_MS) {
                    self.sessions += 1;
                }
                prev_at = Some(e.at);
            }
            let d = Day::from_epoch_ms(e.at).0 - self.from.0;
            if d == last_day {
                continue;
            }
            last_day = d;
            if d >= 0 {
                self.dau[d as usize] += 1;
            }
            cover(&mut self.wau, &mut wau_to, d, 6, self.days);
            cover(&mut self.mau, &mut mau_to, d, 29, self.days);
        }
        if active {
            self.active += 1;
        }
    }

    /// Adds a tally of the same days (counted over other people).
    pub fn merge(&mut self, o: EngagementTally) {
        for (a, b) in [
            (&mut self.dau, o.dau),
            (&mut self.wau, o.wau),
            (&mut self.mau, o.mau),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        self.active += o.active;
        self.known += o.known;
        self.sessions += o.sessions;
    }

    /// The figures.
    pub fn finish(self) -> Engagement {
        let running = |diff: &[i64]| {
            let mut acc = 0;
            diff[..self.days]
                .iter()
                .map(|d| {
                    acc += d;
                    acc
                })
                .collect::<Vec<i64>>()
        };
        let mean =
            |v: &[i64]| (!v.is_empty()).then(|| v.iter().sum::<i64>() as f64 / v.len() as f64);
        let wau = running(&self.wau);
        let mau = running(&self.mau);
        let (dau_mean, wau_mean, mau_mean) = (mean(&self.dau), mean(&wau), mean(&mau));
        Engagement {
            from: Some(self.from),
            stickiness_pct: match (dau_mean, mau_mean) {
                (Some(d), Some(m)) if m > 0.0 => Some(d * 100.0 / m),
                _ => None,
            },
            dau: self.dau,
            wau,
            mau,
            dau_mean,
            wau_mean,
            mau_mean,
            active: self.active,
            known: self.known,
            engagement_rate_pct: (self.known > 0)
                .then(|| self.active as f64 * 100.0 / self.known as f64),
            sessions: self.sessions,
            sessions_per_user: (self.active > 0).then(|| self.sessions as f64 / self.active as f64),
        }
    }
}

/// Marks the days `d..=d+len` (clipped to the range) as covered, skipping what an earlier
/// active day of the same person already covered (`covered_to`).
fn cover(diff: &mut [i64], covered_to: &mut i64, d: i64, len: i64, days: usize) {
    let start = d.max(*covered_to + 1).max(0);
    let end = (d + len).min(days as i64 - 1);
    if start <= end {
        diff[start as usize] += 1;
        diff[end as usize + 1] -= 1;
        *covered_to = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn day(d: i64) -> i64 {
        Day(20_000 + d).start_ms()
    }

    fn tl(times: &[i64]) -> Vec<TimelineEvent> {
        times
            .iter()
            .map(|&at| TimelineEvent {
                at,
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn daily_weekly_monthly_actives_and_stickiness() {
        // Range: 10 days, Day(20_000) .. Day(20_010).
        let mut t = EngagementTally::new(Day(20_000), Day(20_010));
        // Active on days 0 and 1 (twice on day 0, 3 h apart: two sessions).
        t.add(&tl(&[day(0) + H, day(0) + 4 * H, day(1) + H]));
        // Active 20 days before the range only: in MAU for days 0..=9, not WAU.
        t.add(&tl(&[day(-20)]));
        // Active on day 9 only.
        t.add(&tl(&[day(9) + H, day(9) + H + 60_000]));
        // First seen after the range: not known.
        t.add(&tl(&[day(10)]));
        let e = t.finish();
        assert_eq!(e.dau, vec![1, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
        // Person 1 covers WAU days 0..=7, person 3 day 9.
        assert_eq!(e.wau, vec![1, 1, 1, 1, 1, 1, 1, 1, 0, 1]);
        assert_eq!(e.mau, vec![2, 2, 2, 2, 2, 2, 2, 2, 2, 3]);
        assert_eq!(e.dau_mean, Some(0.3));
        assert_eq!(e.mau_mean, Some(2.1));
        assert_eq!(e.stickiness_pct.map(|v| (v * 10.0).round()), Some(143.0));
        // The quiet person of day −20 is known but not active.
        assert_eq!((e.active, e.known, e.sessions), (2, 3, 4));
        assert_eq!(e.sessions_per_user, Some(2.0));
        assert_eq!(e.engagement_rate_pct.map(|v| v.round()), Some(67.0));
    }

    #[test]
    fn engagement_rate_counts_quiet_known_people() {
        let mut t = EngagementTally::new(Day(20_000), Day(20_002));
        t.add(&tl(&[day(-100)]));
        t.add(&tl(&[day(1)]));
        let e = t.finish();
        assert_eq!((e.active, e.known), (1, 2));
        assert_eq!(e.engagement_rate_pct, Some(50.0));
    }
}
