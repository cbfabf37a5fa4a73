//! Funnels: ordered steps by event name, per person, strict order, within a conversion
//! window. A person enters with a first-step event inside the range; later steps may fall
//! after the range, within the window. Of all the ways a person could walk the steps, the
//! one reaching the furthest step counts; among those, the one that started latest (it has
//! the most window left, so it is never worse) — the rule ClickHouse's `windowFunnel` uses,
//! computed in one pass.

use super::timeline::{median, TimelineEvent};
use serde::{Deserialize, Serialize};

/// Most steps in one funnel.
pub const MAX_STEPS: usize = 10;

/// A funnel to evaluate: for each step the interned event names that complete it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunnelSteps {
    steps: usize,
    /// Per interned name, the steps it completes (bit k = step k).
    masks: Vec<u16>,
    /// Conversion window from the first step, ms.
    pub window_ms: i64,
}

impl FunnelSteps {
    /// A funnel of `steps` (each the interned names completing it; at most [`MAX_STEPS`]).
    pub fn new(steps: &[Vec<u32>], window_ms: i64) -> FunnelSteps {
        let steps = &steps[..steps.len().min(MAX_STEPS)];
        let len = steps
            .iter()
            .flatten()
            .map(|n| *n as usize + 1)
            .max()
            .unwrap_or(0);
        let mut masks = vec![0u16; len];
        for (k, names) in steps.iter().enumerate() {
            for n in names {
                masks[*n as usize] |= 1 << k;
            }
        }
        FunnelSteps {
            steps: steps.len(),
            masks,
            window_ms,
        }
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.steps
    }

    /// Whether the funnel has no steps.
    pub fn is_empty(&self) -> bool {
        self.steps == 0
    }

    fn mask(&self, name: u32) -> u16 {
        self.masks.get(name as usize).copied().unwrap_or(0)
    }
}

/// How far one person got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PersonFunnel {
    /// Steps completed, 1..=steps (a person who never entered has no `PersonFunnel`).
    pub reached: usize,
    /// When each completed step happened.
    pub times: [i64; MAX_STEPS],
    /// Index in the timeline of the first-step event (its dimensions attribute the person).
    pub start: usize,
}

#[derive(Clone, Copy, Default)]
struct Chain {
    times: [i64; MAX_STEPS],
    start: usize,
}

/// Working memory of [`person_funnel_in`], reused across people so a hot loop does not
/// clear a kilobyte per person.
#[derive(Clone, Default)]
pub struct FunnelScratch {
    chains: [Chain; MAX_STEPS],
}

/// Walks one person's sorted timeline through the steps; `None` when no first-step event
/// falls in `[from, to)`.
pub fn person_funnel(
    timeline: &[TimelineEvent],
    f: &FunnelSteps,
    from: i64,
    to: i64,
) -> Option<PersonFunnel> {
    person_funnel_in(&mut FunnelScratch::default(), timeline, f, from, to)
}

/// [`person_funnel`] with caller-provided working memory.
pub fn person_funnel_in(
    scratch: &mut FunnelScratch,
    timeline: &[TimelineEvent],
    f: &FunnelSteps,
    from: i64,
    to: i64,
) -> Option<PersonFunnel> {
    let n = f.len();
    if n == 0 {
        return None;
    }
    let chains = &mut scratch.chains;
    // Bit k: chains[k] holds a chain that completed step k.
    let mut valid: u16 = 0;
    let begin = super::timeline::first_at_or_after(timeline, from);
    let last_start_limit = to.saturating_add(f.window_ms);
    for (i, e) in timeline.iter().enumerate().skip(begin) {
        if e.at >= last_start_limit {
            break;
        }
        let mask = f.mask(e.name);
        if mask == 0 {
            continue;
        }
        // High to low, so one event advances a chain by one step at most.
        for k in (1..n).rev() {
            if mask & (1 << k) == 0 || valid & (1 << (k - 1)) == 0 {
                continue;
            }
            let start_at = chains[k - 1].times[0];
            if e.at - start_at > f.window_ms {
                continue;
            }
            if valid & (1 << k) != 0 && chains[k].times[0] >= start_at {
                continue;
            }
            let (lo, hi) = chains.split_at_mut(k);
            let (prev, next) = (&lo[k - 1], &mut hi[0]);
            next.times[..k].copy_from_slice(&prev.times[..k]);
            next.times[k] = e.at;
            next.start = prev.start;
            valid |= 1 << k;
        }
        if e.at < to && mask & 1 == 1 {
            chains[0].times[0] = e.at;
            chains[0].start = i;
            valid |= 1;
        }
    }
    (0..n)
        .rev()
        .find(|k| valid & (1 << k) != 0)
        .map(|k| PersonFunnel {
            reached: k + 1,
            times: chains[k].times,
            start: chains[k].start,
        })
}

/// One step's figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepFigure {
    pub label: String,
    /// People who completed this step (and every step before it).
    pub people: i64,
    /// Of the people who entered the funnel, %.
    pub conversion_pct: Option<f64>,
    /// Of the people who completed the previous step, %.
    pub step_conversion_pct: Option<f64>,
    /// People who completed the previous step but not this one.
    pub dropped: i64,
    /// Median time from the previous step to this one, seconds (the time spent in the
    /// previous stage).
    pub median_secs: Option<f64>,
}

/// Adds up person outcomes into step figures.
#[derive(Clone, Debug, Default)]
pub struct FunnelTally {
    /// People per number of steps reached (index 0 unused).
    reached: [i64; MAX_STEPS + 1],
    /// Durations from step k−1 to step k, ms, for people who reached k.
    durations: Vec<Vec<i64>>,
}

impl FunnelTally {
    /// An empty tally for `steps` steps.
    pub fn new(steps: usize) -> FunnelTally {
        FunnelTally {
            reached: [0; MAX_STEPS + 1],
            durations: vec![Vec::new(); steps.min(MAX_STEPS)],
        }
    }

    /// Counts one person.
    pub fn add(&mut self, p: &PersonFunnel) {
        let r = p.reached.min(self.durations.len());
        self.reached[r] += 1;
        for k in 1..r {
            self.durations[k].push(p.times[k] - p.times[k - 1]);
        }
    }

    /// Adds another tally of the same funnel (for an "other" breakdown row).
    pub fn merge(&mut self, other: FunnelTally) {
        for (a, b) in self.reached.iter_mut().zip(other.reached) {
            *a += b;
        }
        for (a, b) in self.durations.iter_mut().zip(other.durations) {
            a.extend(b);
        }
    }

    /// People who entered.
    pub fn entered(&self) -> i64 {
        self.reached.iter().sum()
    }

    /// The step figures, labelled.
    pub fn figures(mut self, labels: &[String]) -> Vec<StepFigure> {
        let n = self.durations.len();
        // people[k] = reached at least k+1 steps.
        let mut people = vec![0i64; n];
        let mut acc = 0;
        for k in (0..n).rev() {
            acc += self.reached[k + 1];
            people[k] = acc;
        }
        let pct = |a: i64, b: i64| (b > 0).then(|| a as f64 * 100.0 / b as f64);
        (0..n)
            .map(|k| StepFigure {
                label: labels.get(k).cloned().unwrap_or_default(),
                people: people[k],
                conversion_pct: pct(people[k], people[0]),
                step_conversion_pct: if k == 0 {
                    pct(people[0], people[0])
                } else {
                    pct(people[k], people[k - 1])
                },
                dropped: if k == 0 { 0 } else { people[k - 1] - people[k] },
                median_secs: if k == 0 {
                    None
                } else {
                    median(&mut self.durations[k]).map(|ms| ms / 1000.0)
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: u32 = 1;
    const B: u32 = 2;
    const C: u32 = 3;
    const X: u32 = 9;

    fn tl(events: &[(i64, u32)]) -> Vec<TimelineEvent> {
        let mut v: Vec<TimelineEvent> = events
            .iter()
            .map(|&(at, name)| TimelineEvent {
                at,
                name,
                dims: [0; 5],
            })
            .collect();
        v.sort_by_key(|e| e.at);
        v
    }

    fn abc(window_ms: i64) -> FunnelSteps {
        FunnelSteps::new(&[vec![A], vec![B], vec![C]], window_ms)
    }

    fn reached(events: &[(i64, u32)], f: &FunnelSteps, from: i64, to: i64) -> usize {
        person_funnel(&tl(events), f, from, to).map_or(0, |p| p.reached)
    }

    #[test]
    fn steps_count_only_in_order() {
        let f = abc(100);
        assert_eq!(reached(&[(1, A), (2, B), (3, C)], &f, 0, 50), 3);
        // Out of order: C before B does not complete C.
        assert_eq!(reached(&[(1, A), (2, C), (3, B)], &f, 0, 50), 2);
        // Events arriving out of order are sorted by time first.
        let mut t = tl(&[(3, C), (1, A), (2, B)]);
        t.sort_by_key(|e| e.at);
        assert_eq!(person_funnel(&t, &f, 0, 50).map(|p| p.reached), Some(3));
        // B before A does not count, unrelated events do not break the chain.
        assert_eq!(reached(&[(1, B), (2, A), (3, X), (4, C)], &f, 0, 50), 1);
        assert_eq!(reached(&[(1, B), (2, C)], &f, 0, 50), 0);
    }

    #[test]
    fn window_edges_are_inclusive() {
        let f = abc(10);
        // Exactly at the window's end counts, one ms later does not.
        assert_eq!(reached(&[(0, A), (5, B), (10, C)], &f, 0, 5), 3);
        assert_eq!(reached(&[(0, A), (5, B), (11, C)], &f, 0, 5), 2);
        // A later first step restarts the window: A@0 B@5 A@8 … C@17 completes from A@8?
        // No: B must follow the same A; B@5 belongs to A@0, whose window ends at 10.
        assert_eq!(reached(&[(0, A), (5, B), (8, A), (17, C)], &f, 0, 50), 2);
        // With a B after the second A, the later chain completes.
        assert_eq!(
            reached(&[(0, A), (5, B), (8, A), (9, B), (17, C)], &f, 0, 50),
            3
        );
    }

    #[test]
    fn entry_must_fall_in_the_range_but_later_steps_may_not() {
        let f = abc(100);
        assert_eq!(reached(&[(5, A), (60, B)], &f, 10, 50), 0);
        assert_eq!(reached(&[(20, A), (60, B), (70, C)], &f, 10, 50), 3);
        // `to` is exclusive for the entry.
        assert_eq!(reached(&[(50, A)], &f, 10, 50), 0);
    }

    #[test]
    fn repeated_steps_count_once_and_one_event_advances_one_step() {
        let f = FunnelSteps::new(&[vec![A], vec![A], vec![B]], 100);
        // One A is not two steps.
        assert_eq!(reached(&[(1, A), (2, B)], &f, 0, 50), 1);
        assert_eq!(reached(&[(1, A), (2, A), (3, B)], &f, 0, 50), 3);
        // Many repeats still one person at each step.
        let mut t = FunnelTally::new(3);
        let p = person_funnel(
            &tl(&[(1, A), (2, A), (3, A), (4, A), (5, B), (6, B)]),
            &f,
            0,
            50,
        )
        .expect("entered");
        t.add(&p);
        assert_eq!(t.entered(), 1);
        // The latest start wins: A@3 → A@4 → B@5.
        assert_eq!(&p.times[..3], &[3, 4, 5]);
    }

    #[test]
    fn figures_add_up_with_medians() {
        let f = abc(1_000_000);
        let people = [
            tl(&[(0, A), (10_000, B), (40_000, C)]),
            tl(&[(0, A), (30_000, B)]),
            tl(&[(0, A)]),
            tl(&[(0, A), (20_000, B), (30_000, C)]),
            tl(&[(5, X)]),
        ];
        let mut t = FunnelTally::new(3);
        for p in &people {
            if let Some(r) = person_funnel(p, &f, 0, 100) {
                t.add(&r);
            }
        }
        let labels: Vec<String> = ["Visit", "Cart", "Buy"].map(String::from).to_vec();
        let fig = t.figures(&labels);
        assert_eq!(
            fig.iter().map(|s| s.people).collect::<Vec<_>>(),
            vec![4, 3, 2]
        );
        assert_eq!(fig[1].dropped, 1);
        assert_eq!(fig[2].dropped, 1);
        assert_eq!(fig[1].conversion_pct, Some(75.0));
        assert_eq!(fig[2].conversion_pct, Some(50.0));
        assert_eq!(
            fig[2].step_conversion_pct.map(|v| (v * 100.0).round()),
            Some(6667.0)
        );
        // Cart: 10, 30, 20 s → 20 s; Buy: 30, 10 s → 20 s.
        assert_eq!(fig[1].median_secs, Some(20.0));
        assert_eq!(fig[2].median_secs, Some(20.0));
        assert_eq!(fig[0].median_secs, None);
        assert_eq!(fig[0].label, "Visit");
    }
}
