//! The workflow figures of a period (`docs/metrics.md`, family `workflow`), as the period stood
//! at its end (or now, for a period that has not ended). Pure.
//!
//! Definitions, stated once here and on the page:
//! - **The period's workflows**: created before the period's end and not closed before it
//!   began; cancelled ones leave the count. Every percentage is of these.
//! - **Active**: open (not started or in progress) at the period's end.
//! - **Completed**: done within the period.
//! - **Delayed**: past due and not done at the period's end, or done within the period after
//!   its due date. **Average delay**: of the delayed ones, (done or period end) − due.
//! - **Efficiency ratio**: completed on time / completed; one without a due date is on time.
//! - **Cycle time**: first "in progress" → done, of the completed ones that were started.
//! - **Throughput**: completed per 7 days of the period.

use super::{Category, RunRecord, RunStatus, Stage, StateAt, TaskRecord, WorkflowRecord};
use crate::domain::alert::evaluate::Sample;
use crate::domain::histogram::exact_quantile;

const WEEK_MS: i64 = 7 * 86_400_000;

/// The window figures are read over: `[from_ms, to_ms)`, seen at `min(now, to_ms − 1)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from_ms: i64,
    pub to_ms: i64,
    pub now_ms: i64,
}

impl Period {
    /// The instant the period is seen at: its last millisecond, or now if that is earlier.
    pub fn at(&self) -> i64 {
        self.now_ms.min(self.to_ms - 1)
    }

    fn within(&self, t: i64) -> bool {
        (self.from_ms..=self.at()).contains(&t)
    }

    /// Weeks the period has run so far, at least one day's worth.
    fn weeks(&self) -> f64 {
        (self.at() + 1 - self.from_ms).max(86_400_000) as f64 / WEEK_MS as f64
    }
}

/// The workflow figures of one period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkflowFigures {
    /// The period's workflows (the denominator of every percentage).
    pub workflows: i64,
    pub active: i64,
    pub not_started: i64,
    pub in_progress: i64,
    pub completed: i64,
    pub completed_on_time: i64,
    pub delayed: i64,
    /// Open and due within the 7 days after the period's end.
    pub upcoming: i64,
    pub time_to_completion_secs: Option<f64>,
    pub average_delay_secs: Option<f64>,
    pub cycle_time_p50_secs: Option<f64>,
    pub cycle_time_p85_secs: Option<f64>,
    /// Completed workflows with a known start (the cycle times' sample).
    pub cycles: i64,
    pub throughput_per_week: f64,
    /// Open workflows by their stage, in stage order.
    pub stages: Vec<(Stage, i64)>,
}

fn pct(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn mean(values: &[i64]) -> Option<f64> {
    let sum: i128 = values.iter().map(|v| *v as i128).sum();
    (!values.is_empty()).then(|| sum as f64 / values.len() as f64)
}

impl WorkflowFigures {
    pub fn completed_pct(&self) -> Option<f64> {
        pct(self.completed, self.workflows)
    }
    pub fn in_progress_pct(&self) -> Option<f64> {
        pct(self.in_progress, self.workflows)
    }
    pub fn delayed_pct(&self) -> Option<f64> {
        pct(self.delayed, self.workflows)
    }
    /// Completed on time / completed, in percent.
    pub fn efficiency_ratio(&self) -> Option<f64> {
        pct(self.completed_on_time, self.completed)
    }
}

/// How late a workflow is at the period's end: `Some(ms late)` when delayed (see the module
/// documentation), `None` otherwise or when it is not one of the period's workflows.
pub fn lateness_ms(w: &WorkflowRecord, p: &Period) -> Option<i64> {
    let at = p.at();
    let due = w.due_at_ms?;
    match w.state_at(at) {
        StateAt::Open(_) if due < at => Some(at - due),
        StateAt::Closed(Category::Done) => {
            let done = w.closed_at_ms?;
            (p.within(done) && done > due).then_some(done - due)
        }
        _ => None,
    }
}

/// Whether `w` is one of the period's workflows.
pub fn in_period(w: &WorkflowRecord, p: &Period) -> bool {
    w.created_at_ms <= p.at()
        && w.closed_at_ms.is_none_or(|c| c >= p.from_ms)
        && !(w.category == Category::Cancelled && w.closed_at_ms.is_some_and(|c| c <= p.at()))
}

/// The figures of `workflows` over `p`.
pub fn workflow_figures<'a>(
    workflows: impl IntoIterator<Item = &'a WorkflowRecord>,
    p: &Period,
) -> WorkflowFigures {
    let at = p.at();
    let mut f = WorkflowFigures {
        stages: Stage::ALL.iter().map(|s| (*s, 0)).collect(),
        ..Default::default()
    };
    let (mut to_complete, mut cycles, mut delays) = (Vec::new(), Vec::new(), Vec::new());
    for w in workflows.into_iter().filter(|w| in_period(w, p)) {
        f.workflows += 1;
        match w.state_at(at) {
            StateAt::Open(c) => {
                f.active += 1;
                if c == Category::InProgress {
                    f.in_progress += 1;
                } else {
                    f.not_started += 1;
                }
                if let Some(slot) = f.stages.iter_mut().find(|(s, _)| *s == w.stage) {
                    slot.1 += 1;
                }
                if w.due_at_ms.is_some_and(|d| d >= at && d < at + WEEK_MS) {
                    f.upcoming += 1;
                }
            }
            StateAt::Closed(Category::Done) => {
                if let Some(done) = w.closed_at_ms.filter(|d| p.within(*d)) {
                    f.completed += 1;
                    if w.due_at_ms.is_none_or(|d| done <= d) {
                        f.completed_on_time += 1;
                    }
                    to_complete.push(done - w.created_at_ms);
                    if let Some(s) = w.started_at_ms.filter(|s| *s <= done) {
                        cycles.push(done - s);
                    }
                }
            }
            _ => {}
        }
        if let Some(late) = lateness_ms(w, p) {
            f.delayed += 1;
            delays.push(late);
        }
    }
    let secs = |ms: Option<f64>| ms.map(|v| v / 1000.0);
    f.time_to_completion_secs = secs(mean(&to_complete));
    f.average_delay_secs = secs(mean(&delays));
    f.cycle_time_p50_secs = secs(exact_quantile(&cycles, 0.5));
    f.cycle_time_p85_secs = secs(exact_quantile(&cycles, 0.85));
    f.cycles = cycles.len() as i64;
    f.throughput_per_week = f.completed as f64 / p.weeks();
    f
}

/// Task figures of one period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskFigures {
    /// Open at the period's end.
    pub pending: i64,
    /// Done within the period.
    pub completed: i64,
    /// Open at the period's end and past due.
    pub overdue: i64,
    /// Tasks seen in the period (created by its end, not closed before it began).
    pub seen: i64,
}

pub fn task_figures<'a>(
    tasks: impl IntoIterator<Item = &'a TaskRecord>,
    p: &Period,
) -> TaskFigures {
    let at = p.at();
    let mut f = TaskFigures::default();
    for t in tasks
        .into_iter()
        .filter(|t| t.created_at_ms <= at && t.closed_at_ms.is_none_or(|c| c >= p.from_ms))
    {
        f.seen += 1;
        if t.open_at(at) {
            f.pending += 1;
            if t.due_at_ms.is_some_and(|d| d < at) {
                f.overdue += 1;
            }
        } else if t.category == Category::Done && t.closed_at_ms.is_some_and(|c| p.within(c)) {
            f.completed += 1;
        }
    }
    f
}

/// Automation runs started within one period, by their status now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunFigures {
    pub pending: i64,
    pub running: i64,
    pub completed: i64,
    pub failed: i64,
}

impl RunFigures {
    /// Completed / finished runs, in percent.
    pub fn success_rate(&self) -> Option<f64> {
        pct(self.completed, self.completed + self.failed)
    }
}

pub fn run_figures<'a>(runs: impl IntoIterator<Item = &'a RunRecord>, p: &Period) -> RunFigures {
    let mut f = RunFigures::default();
    for r in runs.into_iter().filter(|r| p.within(r.started_at_ms)) {
        match r.status {
            RunStatus::Pending => f.pending += 1,
            RunStatus::Running => f.running += 1,
            RunStatus::Completed => f.completed += 1,
            RunStatus::Failed => f.failed += 1,
        }
    }
    f
}

/// Every workflow figure by its catalogue id (`app/src/domain/catalogue.rs`), with the records
/// behind it: the metric API, the page and the alert engine all read these. A count's sample
/// is every record seen in the window, so a quiet window is "no data" while a zero with work
/// behind it is a real zero an alert can recover on.
pub fn samples(
    w: &WorkflowFigures,
    t: &TaskFigures,
    r: &RunFigures,
) -> Vec<(&'static str, Sample)> {
    let s = |value: Option<f64>, n: i64| Sample { value, n };
    let count = |v: i64, n: i64| s((n > 0).then_some(v as f64), n);
    let runs = r.pending + r.running + r.completed + r.failed;
    let finished = r.completed + r.failed;
    vec![
        ("active_workflows", count(w.active, w.workflows)),
        ("workflows_completed", count(w.completed, w.workflows)),
        ("workflows_completed_pct", s(w.completed_pct(), w.workflows)),
        ("workflows_in_progress", count(w.in_progress, w.workflows)),
        (
            "workflows_in_progress_pct",
            s(w.in_progress_pct(), w.workflows),
        ),
        ("workflows_delayed", count(w.delayed, w.workflows)),
        ("workflows_delayed_pct", s(w.delayed_pct(), w.workflows)),
        ("upcoming_deadlines", count(w.upcoming, w.workflows)),
        (
            "time_to_completion",
            s(w.time_to_completion_secs, w.completed),
        ),
        ("workflow_delay", s(w.average_delay_secs, w.delayed)),
        ("efficiency_ratio", s(w.efficiency_ratio(), w.completed)),
        ("cycle_time_p50", s(w.cycle_time_p50_secs, w.cycles)),
        ("cycle_time_p85", s(w.cycle_time_p85_secs, w.cycles)),
        (
            "workflow_throughput",
            s(
                (w.workflows > 0).then_some(w.throughput_per_week),
                w.workflows,
            ),
        ),
        ("tasks_pending", count(t.pending, t.seen)),
        ("tasks_completed", count(t.completed, t.seen)),
        ("tasks_overdue", count(t.overdue, t.seen)),
        ("automation_running", count(r.running, runs)),
        ("automation_pending", count(r.pending, runs)),
        ("automation_completed", count(r.completed, runs)),
        ("automation_failed", count(r.failed, runs)),
        ("automation_success_rate", s(r.success_rate(), finished)),
    ]
}

#[cfg(test)]
mod tests {
    use super::super::{Audience, Priority};
    use super::*;

    const DAY: i64 = 86_400_000;
    /// Day 0 of the tests: 2026-05-01T00:00Z.
    const T0: i64 = 1_777_593_600_000;

    fn wf(
        id: &str,
        category: Category,
        created: i64,
        started: Option<i64>,
        due: Option<i64>,
        closed: Option<i64>,
    ) -> WorkflowRecord {
        WorkflowRecord {
            external_id: id.into(),
            kind: "customer_onboarding".into(),
            audience: Audience::Customer,
            title: id.into(),
            status: category.as_str().into(),
            category,
            stage: category.default_stage(),
            customer_id: None,
            partner_id: None,
            team: "a".into(),
            owner: String::new(),
            priority: Priority::Medium,
            created_at_ms: T0 + created * DAY,
            started_at_ms: started.map(|d| T0 + d * DAY),
            due_at_ms: due.map(|d| T0 + d * DAY),
            closed_at_ms: closed.map(|d| T0 + d * DAY),
            updated_at_ms: T0 + created * DAY,
            delay_reason: None,
            comment: None,
            changed_by: String::new(),
        }
    }

    /// Days 10..20 of the tests, seen from day 30.
    fn period() -> Period {
        Period {
            from_ms: T0 + 10 * DAY,
            to_ms: T0 + 20 * DAY,
            now_ms: T0 + 30 * DAY,
        }
    }

    /// Six workflows, figured by hand over days 10–20 (seen at the end of day 19):
    /// - a: created 0, started 2, due 12, done 11 → completed on time, cycle 9 days.
    /// - b: created 5, started 6, due 12, done 15 → completed 3 days late, cycle 9 days.
    /// - c: created 8, started 9, due 14, open → 6 days overdue (19.99… − 14).
    /// - d: created 12, not started, due 25 → active, upcoming (due within 7 days of the end).
    /// - e: created 1, done 5 → closed before the period: not one of its workflows.
    /// - f: created 11, cancelled 13 → leaves the count.
    fn six() -> Vec<WorkflowRecord> {
        vec![
            wf("a", Category::Done, 0, Some(2), Some(12), Some(11)),
            wf("b", Category::Done, 5, Some(6), Some(12), Some(15)),
            wf("c", Category::InProgress, 8, Some(9), Some(14), None),
            wf("d", Category::NotStarted, 12, None, Some(25), None),
            wf("e", Category::Done, 1, None, None, Some(5)),
            wf("f", Category::Cancelled, 11, None, None, Some(13)),
        ]
    }

    #[test]
    fn figures_equal_the_hand_computed_values() {
        let p = period();
        let f = workflow_figures(&six(), &p);
        assert_eq!(f.workflows, 4, "a, b, c, d");
        assert_eq!((f.active, f.in_progress, f.not_started), (2, 1, 1));
        assert_eq!((f.completed, f.completed_on_time), (2, 1));
        assert_eq!(f.delayed, 2, "b done late, c overdue");
        assert_eq!(f.delayed_pct(), Some(50.0));
        assert_eq!(f.completed_pct(), Some(50.0));
        assert_eq!(f.efficiency_ratio(), Some(50.0));
        assert_eq!(
            f.upcoming, 1,
            "d is due on day 25, within 7 days of the end"
        );
        // Completion: a 11 days, b 10 days → 10.5 days.
        assert_eq!(f.time_to_completion_secs, Some(10.5 * 86_400.0));
        // Delay: b 3 days; c (20 days − 1 ms) − 14 days.
        let delay_ms = (3 * DAY + 6 * DAY - 1) as f64 / 2.0;
        assert_eq!(f.average_delay_secs, Some(delay_ms / 1000.0));
        assert_eq!(f.cycle_time_p50_secs, Some(9.0 * 86_400.0));
        assert_eq!(f.throughput_per_week, 2.0 / (10.0 / 7.0));
        assert_eq!(f.stages[0], (Stage::Initiation, 1));
        assert_eq!(f.stages[2], (Stage::Execution, 1));
    }

    #[test]
    fn upcoming_counts_open_work_due_within_a_week_of_the_end() {
        let p = period();
        let mut d = six().remove(3);
        d.due_at_ms = Some(T0 + 24 * DAY);
        assert_eq!(workflow_figures([&d], &p).upcoming, 1);
        d.due_at_ms = Some(T0 + 27 * DAY);
        assert_eq!(workflow_figures([&d], &p).upcoming, 0);
    }

    #[test]
    fn an_unfinished_period_is_seen_now() {
        let p = Period {
            from_ms: T0 + 10 * DAY,
            to_ms: T0 + 40 * DAY,
            now_ms: T0 + 13 * DAY,
        };
        let f = workflow_figures(&six(), &p);
        // At day 13: b is open (done on 15) and 1 day overdue; c is open, not yet due.
        assert_eq!(f.completed, 1);
        assert_eq!(f.delayed, 1);
        assert_eq!(f.average_delay_secs, Some(86_400.0));
        assert_eq!(f.upcoming, 1, "c is due on day 14");
    }

    #[test]
    fn nothing_to_figure_is_none_not_zero() {
        let f = workflow_figures(&[], &period());
        assert_eq!(f.efficiency_ratio(), None);
        assert_eq!(f.delayed_pct(), None);
        assert_eq!(f.time_to_completion_secs, None);
        assert_eq!(f.throughput_per_week, 0.0);
    }

    #[test]
    fn tasks_and_runs_are_counted_at_the_end_of_the_period() {
        let p = period();
        let task = |closed: Option<i64>, due: Option<i64>| TaskRecord {
            external_id: "t".into(),
            workflow_id: None,
            title: String::new(),
            assignee: String::new(),
            team: String::new(),
            category: if closed.is_some() {
                Category::Done
            } else {
                Category::NotStarted
            },
            created_at_ms: T0,
            due_at_ms: due.map(|d| T0 + d * DAY),
            closed_at_ms: closed.map(|d| T0 + d * DAY),
            updated_at_ms: T0,
        };
        let tasks = [
            task(None, Some(15)),
            task(None, Some(25)),
            task(Some(12), None),
            task(Some(25), Some(11)),
            task(Some(3), None),
        ];
        assert_eq!(
            task_figures(&tasks, &p),
            TaskFigures {
                pending: 3,
                completed: 1,
                overdue: 2,
                seen: 4
            }
        );
        let run = |status, day: i64| RunRecord {
            external_id: "r".into(),
            automation: "x".into(),
            workflow_id: None,
            status,
            started_at_ms: T0 + day * DAY,
            finished_at_ms: None,
            error: None,
        };
        let runs = [
            run(RunStatus::Completed, 11),
            run(RunStatus::Completed, 12),
            run(RunStatus::Completed, 13),
            run(RunStatus::Failed, 14),
            run(RunStatus::Running, 19),
            run(RunStatus::Failed, 2),
        ];
        let r = run_figures(&runs, &p);
        assert_eq!((r.completed, r.failed, r.running, r.pending), (3, 1, 1, 0));
        assert_eq!(r.success_rate(), Some(75.0));
    }
}
