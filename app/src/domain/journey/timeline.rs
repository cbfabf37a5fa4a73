//! A person's activity as the journey reads see it: events sorted by time, with event names
//! and dimension values interned to small integers by the event index.

/// Number of event dimensions kept per event (see [`DIMENSIONS`]).
pub const DIMS: usize = 5;

/// The event dimensions, in the order of [`TimelineEvent::dims`]. A funnel breaks down by
/// any of them.
pub const DIMENSIONS: [&str; DIMS] = ["channel", "source", "region", "segment", "product_category"];

/// One activity event of a person.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimelineEvent {
    /// Epoch milliseconds.
    pub at: i64,
    /// Interned event name.
    pub name: u32,
    /// Interned dimension values (0 is "none").
    pub dims: [u16; DIMS],
}

/// The index of a dimension name in [`DIMENSIONS`].
pub fn dimension_index(name: &str) -> Option<usize> {
    DIMENSIONS.iter().position(|d| *d == name)
}

/// Index of the first event at or after `t` in a sorted timeline.
pub fn first_at_or_after(timeline: &[TimelineEvent], t: i64) -> usize {
    timeline.partition_point(|e| e.at < t)
}

/// Whether the person did anything in `[from, to)`.
pub fn active_in(timeline: &[TimelineEvent], from: i64, to: i64) -> bool {
    timeline
        .get(first_at_or_after(timeline, from))
        .is_some_and(|e| e.at < to)
}

/// The median of `values` (the mean of the middle two for an even count); `None` if empty.
pub fn median(values: &mut [i64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (_, hi, _) = values.select_nth_unstable(n / 2);
    let hi = *hi;
    if n % 2 == 1 {
        return Some(hi as f64);
    }
    let lo = values[..n / 2].iter().copied().max().unwrap_or(hi);
    Some((lo + hi) as f64 / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_ranges() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3.0));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2.5));
        let t: Vec<TimelineEvent> = [10, 20, 30]
            .into_iter()
            .map(|at| TimelineEvent {
                at,
                ..Default::default()
            })
            .collect();
        assert!(active_in(&t, 15, 21));
        assert!(!active_in(&t, 21, 30));
        assert!(active_in(&t, 0, 11));
        assert_eq!(first_at_or_after(&t, 31), 3);
    }
}
