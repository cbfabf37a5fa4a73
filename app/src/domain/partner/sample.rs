//! When a partner's figures are enough to rank: a partner with one satisfaction answer (or
//! none, while onboarding) is not compared with one that has hundreds.

use super::super::query::decode_pairs;

/// Partner-satisfaction answers a partner needs in the range to be ranked, unless the viewer
/// picks another minimum (`min_sample` in the URL).
pub const DEFAULT_PARTNER_MIN_SAMPLE: i64 = 10;

/// The minimums the partner pages offer.
pub const CHOICES: [i64; 5] = [1, 5, 10, 30, 100];

/// `min_sample` from a raw query string: a whole number 1..=100000, else the default.
pub fn min_sample(query: &str) -> i64 {
    decode_pairs(query)
        .into_iter()
        .rev()
        .find(|(k, _)| k == "min_sample")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .filter(|n| (1..=100_000).contains(n))
        .unwrap_or(DEFAULT_PARTNER_MIN_SAMPLE)
}

/// Whether `n` answers are enough to rank on.
pub fn enough(n: i64, min: i64) -> bool {
    n >= min
}

/// Indices of the `take` lowest figures among those with enough answers, lowest first, and
/// how many were left out for too few answers. `rows` gives (figure, answers).
pub fn lowest(rows: &[(Option<f64>, i64)], min: i64, take: usize) -> (Vec<usize>, usize) {
    let mut ranked: Vec<(usize, f64)> = Vec::new();
    let mut left_out = 0;
    for (i, (v, n)) in rows.iter().enumerate() {
        match v {
            Some(v) if enough(*n, min) => ranked.push((i, *v)),
            Some(_) => left_out += 1,
            None => {}
        }
    }
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    (
        ranked.into_iter().take(take).map(|(i, _)| i).collect(),
        left_out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_figures_with_enough_answers_are_ranked() {
        // An onboarding partner (index 10, no answers) must not top the list.
        let rows = [
            (Some(10.0), 0),
            (Some(55.0), 133),
            (Some(40.0), 12),
            (None, 50),
            (Some(20.0), 9),
        ];
        assert_eq!(lowest(&rows, 10, 5), (vec![2, 1], 2));
        assert_eq!(lowest(&rows, 1, 2), (vec![4, 2], 1));
        assert_eq!(lowest(&rows, 200, 5), (vec![], 4));
    }

    #[test]
    fn the_viewer_may_change_the_minimum() {
        assert_eq!(min_sample(""), DEFAULT_PARTNER_MIN_SAMPLE);
        assert_eq!(min_sample("range=30d&min_sample=30"), 30);
        assert_eq!(min_sample("min_sample=0"), DEFAULT_PARTNER_MIN_SAMPLE);
        assert_eq!(min_sample("min_sample=abc"), DEFAULT_PARTNER_MIN_SAMPLE);
        assert!(enough(10, 10) && !enough(9, 10));
    }
}
