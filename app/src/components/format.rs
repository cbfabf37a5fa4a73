//! Number and time formatting shared by tiles, tables and charts.

use crate::domain::date::{format_rfc3339, Day};
use crate::domain::metric::{Direction, Unit};

/// A value in its unit: `32.4`, `84.1%`, `5.42`.
pub fn value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Points => format!("{v:.1}"),
        Unit::Percent => format!("{v:.1}%"),
        Unit::Score => format!("{v:.2}"),
        Unit::Seconds => duration(v),
        Unit::Count => format!("{v:.0}"),
    }
}

/// A change with its sign and unit: `+3.2 pts`, `−0.12`.
pub fn change(d: f64, unit: Unit) -> String {
    let sign = if d > 0.0 {
        "+"
    } else if d < 0.0 {
        "−"
    } else {
        "±"
    };
    let a = d.abs();
    match unit {
        Unit::Points | Unit::Percent => format!("{sign}{a:.1} pts"),
        Unit::Score => format!("{sign}{a:.2}"),
        Unit::Seconds => format!("{sign}{}", duration(a)),
        Unit::Count => format!("{sign}{a:.0}"),
    }
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
    let s = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
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
}
