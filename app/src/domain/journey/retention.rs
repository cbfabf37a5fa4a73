//! Retention cohorts and churn over activity timelines.
//!
//! A cohort is the people first seen in one week or month. A person counts as retained in
//! period *p* after their cohort when they were active in period *p* **or any later period**
//! ("on or after", also called unbounded retention): it reads "still with us by then", so a
//! row never rises. Only the first and the last activity matter for that, so a cohort table
//! is one pass over people.

use super::timeline::{active_in, TimelineEvent};
use crate::domain::date::Day;
use serde::{Deserialize, Serialize};

/// How cohorts are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Week,
    Month,
}

impl Period {
    /// Parses `week` or `month`.
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "week" => Some(Self::Week),
            "month" => Some(Self::Month),
            _ => None,
        }
    }

    /// The period containing `day` (weeks start on Monday).
    pub fn start(self, day: Day) -> Day {
        match self {
            Self::Week => day.week_start(),
            Self::Month => day.month_start(),
        }
    }

    /// The start of the period after the one starting at `start`.
    pub fn next(self, start: Day) -> Day {
        match self {
            Self::Week => start.plus_days(7),
            Self::Month => start.plus_days(32).month_start(),
        }
    }

    /// Whole periods from `a` to `b`, both period starts (`b` ≥ `a`).
    fn between(self, a: Day, b: Day) -> usize {
        let mut n = 0;
        let mut cur = a;
        while cur < b {
            cur = self.next(cur);
            n += 1;
        }
        n
    }
}

/// One cohort's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CohortRow {
    /// First day of the cohort's period.
    pub start: Day,
    /// People first seen in it.
    pub size: i64,
    /// Retained people per period after the cohort's (index 0 is the cohort's own period,
    /// always `size`); only periods that have begun by the table's date.
    pub retained: Vec<i64>,
}

impl CohortRow {
    /// Retained share per period, %.
    pub fn pct(&self) -> Vec<Option<f64>> {
        self.retained
            .iter()
            .map(|&r| (self.size > 0).then(|| r as f64 * 100.0 / self.size as f64))
            .collect()
    }
}

/// Builds a cohort table of the last `periods` periods up to `as_of` (epoch ms).
#[derive(Clone, Debug)]
pub struct CohortTable {
    period: Period,
    first: Day,
    as_of: i64,
    rows: Vec<CohortRow>,
}

impl CohortTable {
    /// An empty table of `periods` cohorts ending with the period containing `as_of`.
    pub fn new(period: Period, periods: usize, as_of: i64) -> CohortTable {
        let last = period.start(Day::from_epoch_ms(as_of));
        let mut starts = vec![last];
        while starts.len() < periods.max(1) {
            let prev = period.start(starts[starts.len() - 1].plus_days(-1));
            starts.push(prev);
        }
        starts.reverse();
        let n = starts.len();
        let rows = starts
            .iter()
            .enumerate()
            .map(|(i, &start)| CohortRow {
                start,
                size: 0,
                retained: vec![0; n - i],
            })
            .collect();
        CohortTable {
            period,
            first: starts[0],
            as_of,
            rows,
        }
    }

    /// Counts one person by their sorted timeline.
    pub fn add(&mut self, timeline: &[TimelineEvent]) {
        let Some(first) = timeline.first() else {
            return;
        };
        if first.at > self.as_of {
            return;
        }
        let first_period = self.period.start(Day::from_epoch_ms(first.at));
        if first_period < self.first {
            return;
        }
        let last_i = super::timeline::first_at_or_after(timeline, self.as_of + 1);
        let last = timeline[last_i.max(1) - 1].at;
        let last_period = self.period.start(Day::from_epoch_ms(last));
        let row_i = self.period.between(self.first, first_period);
        let Some(row) = self.rows.get_mut(row_i) else {
            return;
        };
        row.size += 1;
        let span = self.period.between(first_period, last_period);
        for r in row.retained.iter_mut().take(span + 1) {
            *r += 1;
        }
    }

    /// Adds a table of the same periods (counted over other people).
    pub fn merge(&mut self, o: CohortTable) {
        for (a, b) in self.rows.iter_mut().zip(o.rows) {
            a.size += b.size;
            for (x, y) in a.retained.iter_mut().zip(b.retained) {
                *x += y;
            }
        }
    }

    /// The rows, oldest cohort first.
    pub fn rows(self) -> Vec<CohortRow> {
        self.rows
    }
}

/// Churn between two equal periods: of the people active in `[prev_from, from)`, the share
/// not active in `[from, to)`, %. Retention is 100 − churn.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChurnTally {
    /// People active in the previous period.
    pub base: i64,
    /// Of those, people not active in this one.
    pub lost: i64,
}

impl ChurnTally {
    /// Counts one person.
    pub fn add(&mut self, timeline: &[TimelineEvent], prev_from: i64, from: i64, to: i64) {
        if active_in(timeline, prev_from, from) {
            self.base += 1;
            if !active_in(timeline, from, to) {
                self.lost += 1;
            }
        }
    }

    /// Adds another tally.
    pub fn merge(&mut self, o: ChurnTally) {
        self.base += o.base;
        self.lost += o.lost;
    }

    /// Churn, %; `None` with nobody in the base.
    pub fn churn_pct(&self) -> Option<f64> {
        (self.base > 0).then(|| self.lost as f64 * 100.0 / self.base as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, m: u32, d: u32) -> i64 {
        Day::from_ymd(y, m, d).expect("day").start_ms() + 3_600_000
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
    fn monthly_cohorts_count_on_or_after() {
        // Table of 3 months up to 2026-03-15.
        let mut t = CohortTable::new(Period::Month, 3, at(2026, 3, 15));
        // January: active Jan, Mar (skipping Feb still counts for Feb: on or after).
        t.add(&tl(&[at(2026, 1, 5), at(2026, 3, 1)]));
        // January: only January.
        t.add(&tl(&[at(2026, 1, 31)]));
        // February: Feb then Mar.
        t.add(&tl(&[at(2026, 2, 1), at(2026, 3, 2)]));
        // December: before the table.
        t.add(&tl(&[at(2025, 12, 30), at(2026, 3, 1)]));
        // March, with activity after as_of that does not count yet.
        t.add(&tl(&[at(2026, 3, 10), at(2026, 4, 2)]));
        // First seen after as_of: not counted.
        t.add(&tl(&[at(2026, 3, 20)]));
        let rows = t.rows();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].start, Day::from_ymd(2026, 1, 1).expect("d"));
        assert_eq!((rows[0].size, rows[0].retained.clone()), (2, vec![2, 1, 1]));
        assert_eq!((rows[1].size, rows[1].retained.clone()), (1, vec![1, 1]));
        assert_eq!((rows[2].size, rows[2].retained.clone()), (1, vec![1]));
        assert_eq!(rows[0].pct(), vec![Some(100.0), Some(50.0), Some(50.0)]);
    }

    #[test]
    fn weekly_cohorts_start_on_monday() {
        // 2026-03-02 is a Monday.
        let as_of = at(2026, 3, 11);
        let mut t = CohortTable::new(Period::Week, 2, as_of);
        t.add(&tl(&[at(2026, 3, 8), at(2026, 3, 9)])); // Sunday of the week before: outside
        t.add(&tl(&[at(2026, 3, 2), at(2026, 3, 9)])); // week 1, back in week 2
        t.add(&tl(&[at(2026, 3, 9)])); // week 2
        let rows = t.rows();
        assert_eq!(rows[0].start, Day::from_ymd(2026, 3, 2).expect("d"));
        assert_eq!((rows[0].size, rows[0].retained.clone()), (2, vec![2, 2]));
        assert_eq!((rows[1].size, rows[1].retained.clone()), (1, vec![1]));
    }

    #[test]
    fn churn_is_the_previous_periods_people_gone_quiet() {
        let mut c = ChurnTally::default();
        c.add(&tl(&[5, 15]), 0, 10, 20); // stayed
        c.add(&tl(&[5]), 0, 10, 20); // lost
        c.add(&tl(&[15]), 0, 10, 20); // new: not in the base
        c.add(&tl(&[2, 20]), 0, 10, 20); // back only at `to`: lost
        assert_eq!(c, ChurnTally { base: 3, lost: 2 });
        assert_eq!(c.churn_pct().map(|v| v.round()), Some(67.0));
        assert_eq!(ChurnTally::default().churn_pct(), None);
    }
}
