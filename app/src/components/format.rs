//! Number and time formatting shared by tiles, tables and charts.

use crate::domain::date::{format_rfc3339, Day};
use crate::domain::metric::{Direction, Unit};

/// A value in its unit: `32.4`, `84.1%`, `5.42`, `12,723`.
pub fn value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Points => number(v, 1),
        Unit::Percent => format!("{}%", number(v, 1)),
        Unit::Score => number(v, 2),
        Unit::Seconds => duration(v),
        Unit::Count => number(v, 0),
        Unit::Money => number(v, 2),
        Unit::Ratio => format!("{}×", number(v, 2)),
    }
}

/// A status as a CSS class suffix and its words with a mark, for people who cannot tell the
/// colours apart.
pub fn status(s: crate::domain::metric::Status) -> (&'static str, &'static str) {
    use crate::domain::metric::Status;
    match s {
        Status::Good => ("good", "✓ On target"),
        Status::Warn => ("warn", "! Near target"),
        Status::Bad => ("bad", "✕ Off target"),
        Status::Unknown => ("unknown", "– No status"),
    }
}

/// A change with its sign and unit: `+3.2 pts`, `−0.12`.
pub fn change(d: f64, unit: Unit) -> String {
    match unit {
        Unit::Points | Unit::Percent => format!("{} pts", signed(d, 1)),
        Unit::Score => signed(d, 2),
        Unit::Seconds => {
            let sign = signed(d, 0).chars().next().unwrap_or('±');
            format!("{sign}{}", duration(d.abs()))
        }
        Unit::Count => signed(d, 0),
        Unit::Money | Unit::Ratio => signed(d, 2),
    }
}

/// The one number format: `places` decimals, thousands separators and a true minus sign:
/// `12,723.0`, `−1.6`. Not-a-number shows as a dash.
pub fn number(v: f64, places: usize) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let text = format!("{:.*}", places, v.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((text.as_str(), ""));
    let mut out = group(whole);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    // −0.0 after rounding is zero, not negative.
    if v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("−{out}")
    } else {
        out
    }
}

/// [`number`] with a sign always: `+3.2`, `−0.5`, `±0.0`.
pub fn signed(v: f64, places: usize) -> String {
    let n = number(v, places);
    if n.starts_with('−') || n == "–" {
        n
    } else if n.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("+{n}")
    } else {
        format!("±{n}")
    }
}

/// Digits with a comma every three from the right.
fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Whether a change is an improvement, a deterioration or neither: `up-good`, `down-bad`…
pub fn change_class(d: f64, direction: Direction) -> &'static str {
    let better = match direction {
        Direction::HigherIsBetter => d > 0.0,
        Direction::LowerIsBetter => d < 0.0,
    };
    if d.abs() < 1e-9 {
        "flat"
    } else if better {
        "better"
    } else {
        "worse"
    }
}

/// The time of day (UTC) of `ms` when it falls on `today`, else its date.
pub fn updated(ms: i64, today: Day) -> String {
    let ts = format_rfc3339(ms);
    if Day::from_epoch_ms(ms) == today {
        format!("{} UTC", &ts[11..19])
    } else {
        ts[..10].to_string()
    }
}

/// A duration for people: `45 s`, `7 min`, `3 h 54 min`, `2 d 4 h`.
pub fn duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as i64;
    match s {
        0..=59 => format!("{s} s"),
        60..=3_599 => format!("{} min", s / 60),
        3_600..=86_399 => format!("{} h {} min", s / 3_600, (s % 3_600) / 60),
        _ => format!("{} d {} h", s / 86_400, (s % 86_400) / 3_600),
    }
}

/// `2026-11-22 14:05 UTC`.
pub fn datetime(ms: i64) -> String {
    let ts = format_rfc3339(ms);
    format!("{} {} UTC", &ts[..10], &ts[11..16])
}

/// `2026-11-01` → `1 Nov 2026`.
pub fn day(d: Day) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, dd) = d.ymd();
    format!("{dd} {} {y}", MONTHS[(m as usize).saturating_sub(1) % 12])
}

/// An integer with thousands separators: `12,345`.
pub fn count(n: i64) -> String {
    let out = group(&n.unsigned_abs().to_string());
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// What a view covers, in words: its range, its filters, or "all data".
/// e.g. "1 Sep 2026 – 30 Nov 2026 · Channel: email · Segment: smb".
pub fn view_scope(q: &crate::domain::query::DashboardQuery) -> String {
    let mut parts = vec![format!("{} – {}", day(q.from), day(q.to))];
    if q.filters.is_empty() {
        parts.push("no filters".into());
    }
    parts.extend(q.filters.iter().map(|(d, v)| format!("{}: {v}", d.label())));
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_changes_carry_their_units() {
        assert_eq!(value(32.44, Unit::Points), "32.4");
        assert_eq!(value(84.06, Unit::Percent), "84.1%");
        assert_eq!(value(5.416, Unit::Score), "5.42");
        assert_eq!(change(3.21, Unit::Percent), "+3.2 pts");
        assert_eq!(change(-0.123, Unit::Score), "−0.12");
        assert_eq!(change_class(-1.0, Direction::LowerIsBetter), "better");
        assert_eq!(change_class(-1.0, Direction::HigherIsBetter), "worse");
    }

    #[test]
    fn counts_and_days_read_naturally() {
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(999), "999");
        assert_eq!(day(Day::parse("2026-11-01").unwrap()), "1 Nov 2026");
        let today = Day::parse("2026-11-22").unwrap();
        assert_eq!(updated(today.start_ms() + 3_723_000, today), "01:02:03 UTC");
        assert_eq!(updated(today.start_ms() - 1, today), "2026-11-21");
    }

    #[test]
    fn a_view_says_its_range_and_filters() {
        use crate::domain::dimension::Dimension;
        use crate::domain::query::DashboardQuery;
        let today = Day::from_ymd(2026, 11, 30).expect("a date");
        let q = DashboardQuery::parse_str("from=2026-09-01&to=2026-11-30&channel=email", today)
            .expect("a valid view");
        assert_eq!(view_scope(&q), "1 Sep 2026 – 30 Nov 2026 · Channel: email");
        let mut q = q;
        q.filters.remove(&Dimension::Channel);
        assert_eq!(view_scope(&q), "1 Sep 2026 – 30 Nov 2026 · no filters");
    }

    #[test]
    fn one_number_format_with_separators_and_a_true_minus() {
        assert_eq!(number(12723.0, 1), "12,723.0");
        assert_eq!(number(491.94, 1), "491.9");
        assert_eq!(number(-1.6, 1), "−1.6");
        assert_eq!(number(-0.04, 1), "0.0");
        assert_eq!(number(1_234_567.0, 0), "1,234,567");
        assert_eq!(number(f64::NAN, 1), "–");
        assert_eq!(signed(9.3, 1), "+9.3");
        assert_eq!(signed(0.0, 1), "±0.0");
        assert_eq!(signed(-1234.5, 1), "−1,234.5");
        assert_eq!(value(12723.0, Unit::Count), "12,723");
        assert_eq!(change(-90.0, Unit::Seconds), "−1 min");
        assert_eq!(count(-1234), "-1,234");
    }
}
