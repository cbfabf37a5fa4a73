//! The dashboard query: time range, bucket, compare-to, filters and selections, parsed from a
//! URL query string. The URL is the single source of truth for a view, so the same parser
//! serves the page, the server functions and the public read API.

use super::date::Day;
use super::dimension::{Channel, Dimension};
use super::metric::{MetricId, DEFAULT_MIN_SAMPLE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest time range one query may span, in days.
pub const MAX_RANGE_DAYS: i64 = 3_700;
/// Default range when the URL names none.
pub const DEFAULT_RANGE_DAYS: i64 = 30;

/// Time bucket of a series.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Bucket {
    Day,
    Week,
    Month,
}

impl Bucket {
    /// The query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
        }
    }

    /// Parses a query-string name.
    pub fn parse(s: &str) -> Option<Bucket> {
        [Self::Day, Self::Week, Self::Month]
            .into_iter()
            .find(|b| b.as_str() == s)
    }

    /// The first day of the bucket containing `day` (ISO weeks start on Monday).
    pub fn start(self, day: Day) -> Day {
        match self {
            Self::Day => day,
            Self::Week => day.week_start(),
            Self::Month => day.month_start(),
        }
    }

    /// The bucket starts covering `from..=to`, in order.
    pub fn starts(self, from: Day, to: Day) -> Vec<Day> {
        let mut out = Vec::new();
        let mut d = from;
        while d <= to {
            let s = self.start(d);
            if out.last() != Some(&s) {
                out.push(s);
            }
            d = match self {
                Self::Day => d.plus_days(1),
                Self::Week => s.plus_days(7),
                Self::Month => {
                    let (y, m, _) = s.ymd();
                    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                    Day::from_ymd(y, m, 1).unwrap_or(to.plus_days(1))
                }
            };
        }
        out
    }

    /// The last day of the bucket starting at `start`.
    pub fn end(self, start: Day) -> Day {
        match self {
            Self::Day => start,
            Self::Week => start.plus_days(6),
            Self::Month => start.plus_days(32).month_start().plus_days(-1),
        }
    }

    /// A sensible bucket for a span: daily up to two months, weekly up to a year.
    pub fn auto(days: i64) -> Bucket {
        if days <= 62 {
            Self::Day
        } else if days <= 366 {
            Self::Week
        } else {
            Self::Month
        }
    }
}

/// What the current period is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compare {
    /// The equally long period just before.
    Previous,
    /// The same weekdays 52 weeks earlier.
    Year,
    /// The same dates a calendar month earlier (each end clamped to that month's length).
    Month,
    /// No comparison.
    None,
}

impl Compare {
    /// The query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Previous => "previous",
            Self::Year => "year",
            Self::Month => "month",
            Self::None => "none",
        }
    }
}

/// A rejected query parameter, with a stable code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryError {
    /// Stable machine-readable code, e.g. `invalid_date`.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl QueryError {
    /// Builds an error from a code and a message.
    pub fn new(code: &str, message: impl Into<String>) -> QueryError {
        QueryError {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// A fully resolved dashboard view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DashboardQuery {
    /// First day of the range, inclusive.
    pub from: Day,
    /// Last day of the range, inclusive.
    pub to: Day,
    /// Series bucket.
    pub bucket: Bucket,
    /// Comparison period.
    pub compare: Compare,
    /// Active filters, at most one value per dimension.
    pub filters: BTreeMap<Dimension, String>,
    /// The metric shown in the trend and breakdown charts.
    pub metric: MetricId,
    /// The dimension of the breakdown chart.
    pub by: Dimension,
    /// Minimum answers behind a value.
    pub min_sample: i64,
    /// CES scale to report (5 or 7); `None` lets the data decide.
    pub ces_scale: Option<i64>,
    /// The partner this reader is confined to, set only by
    /// [`Principal::scope_query`](crate::domain::access::Principal::scope_query) and never from
    /// the URL. Unlike a filter, no read may drop it: see [`DashboardQuery::filters_without`].
    #[serde(default)]
    pub scope: Option<String>,
}

impl DashboardQuery {
    /// The filters with the one on `dim` dropped, as a breakdown by `dim` wants (it shows every
    /// value of its own dimension). The partner scope stays: a partner's breakdown by partner
    /// is its own row, never every partner's.
    pub fn filters_without(&self, dim: Dimension) -> BTreeMap<Dimension, String> {
        let mut f = self.filters.clone();
        f.remove(&dim);
        if let Some(own) = &self.scope {
            f.insert(Dimension::Partner, own.clone());
        }
        f
    }

    /// Number of days in the range.
    pub fn days(&self) -> i64 {
        self.to.0 - self.from.0 + 1
    }

    /// The comparison range, if any.
    pub fn previous(&self) -> Option<(Day, Day)> {
        match self.compare {
            Compare::Previous => Some((self.from.plus_days(-self.days()), self.from.plus_days(-1))),
            Compare::Year => Some((self.from.plus_days(-364), self.to.plus_days(-364))),
            Compare::Month => Some((self.from.minus_month(), self.to.minus_month())),
            Compare::None => None,
        }
    }

    /// The earliest day any part of the view needs.
    pub fn earliest(&self) -> Day {
        self.previous().map_or(self.from, |(f, _)| f.min(self.from))
    }

    /// Parses a raw query string (`a=1&b=2`, percent-encoded). Unknown keys are ignored so
    /// that links carrying tracking parameters still work.
    pub fn parse_str(query: &str, today: Day) -> Result<DashboardQuery, QueryError> {
        Self::parse(&decode_pairs(query), today)
    }

    /// Parses decoded key/value pairs; empty values count as absent (a submitted HTML form
    /// sends every field).
    pub fn parse(pairs: &[(String, String)], today: Day) -> Result<DashboardQuery, QueryError> {
        let get = |k: &str| param(pairs, k);
        let date = |k: &str| -> Result<Option<Day>, QueryError> {
            get(k)
                .map(|v| {
                    Day::parse(v).ok_or_else(|| {
                        QueryError::new(
                            "invalid_date",
                            format!("`{k}` must be YYYY-MM-DD, got {v:?}"),
                        )
                    })
                })
                .transpose()
        };
        let preset = get("range")
            .map(|r| {
                parse_preset(r).ok_or_else(|| {
                    QueryError::new(
                        "invalid_range",
                        format!("`range` must look like 30d, got {r:?}"),
                    )
                })
            })
            .transpose()?;
        let (from, to) = match (date("from")?, date("to")?) {
            (Some(f), Some(t)) => (f, t),
            (Some(f), None) => (f, today.max(f)),
            (None, Some(t)) => (t.plus_days(1 - preset.unwrap_or(DEFAULT_RANGE_DAYS)), t),
            (None, None) => (
                today.plus_days(1 - preset.unwrap_or(DEFAULT_RANGE_DAYS)),
                today,
            ),
        };
        if from > to {
            return Err(QueryError::new("invalid_range", "`from` is after `to`"));
        }
        if to.0 - from.0 + 1 > MAX_RANGE_DAYS {
            return Err(QueryError::new(
                "invalid_range",
                format!("a range may span at most {MAX_RANGE_DAYS} days"),
            ));
        }
        let bucket = match get("bucket") {
            None => Bucket::auto(to.0 - from.0 + 1),
            Some(b) => Bucket::parse(b).ok_or_else(|| {
                QueryError::new(
                    "invalid_bucket",
                    format!("`bucket` must be day, week or month, got {b:?}"),
                )
            })?,
        };
        let compare = match get("compare") {
            None | Some("previous") => Compare::Previous,
            Some("year") => Compare::Year,
            Some("month") => Compare::Month,
            Some("none") => Compare::None,
            Some(c) => {
                return Err(QueryError::new(
                    "invalid_compare",
                    format!("`compare` must be previous, year, month or none, got {c:?}"),
                ))
            }
        };
        let metric = match get("metric") {
            None => MetricId::Nps,
            Some(m) => MetricId::parse(m).ok_or_else(|| {
                QueryError::new("unknown_metric", format!("unknown metric {m:?}"))
            })?,
        };
        let by = match get("by") {
            None => Dimension::Channel,
            Some(d) => Dimension::parse(d).ok_or_else(|| {
                QueryError::new("invalid_dimension", format!("unknown dimension {d:?}"))
            })?,
        };
        let min_sample = match get("min_sample") {
            None => DEFAULT_MIN_SAMPLE,
            Some(v) => v
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=1_000_000).contains(n))
                .ok_or_else(|| {
                    QueryError::new(
                        "invalid_min_sample",
                        "`min_sample` must be a whole number 0..=1000000",
                    )
                })?,
        };
        let ces_scale = match get("scale").or(get("ces_scale")) {
            None => None,
            Some("5") => Some(5),
            Some("7") => Some(7),
            Some(s) => {
                return Err(QueryError::new(
                    "invalid_scale",
                    format!("`scale` must be 5 or 7, got {s:?}"),
                ))
            }
        };
        let mut filters = BTreeMap::new();
        for d in Dimension::ALL {
            if let Some(v) = get(d.as_str()) {
                filters.insert(d, filter_value(d, v)?);
            }
        }
        Ok(DashboardQuery {
            from,
            to,
            bucket,
            compare,
            filters,
            metric,
            by,
            min_sample,
            ces_scale,
            scope: None,
        })
    }
}

fn parse_preset(r: &str) -> Option<i64> {
    let n: i64 = r.strip_suffix('d')?.parse().ok()?;
    (1..=MAX_RANGE_DAYS).contains(&n).then_some(n)
}

fn filter_value(d: Dimension, v: &str) -> Result<String, QueryError> {
    if v.len() > 100 || v.chars().any(char::is_control) {
        return Err(QueryError::new(
            "invalid_filter",
            format!("`{}` must be at most 100 printable bytes", d.as_str()),
        ));
    }
    if d == Dimension::Channel {
        return Channel::parse(v)
            .map(|c| c.as_str().to_string())
            .ok_or_else(|| {
                QueryError::new(
                    "invalid_filter",
                    format!(
                        "unknown channel {v:?}: expected one of {}",
                        Channel::names()
                    ),
                )
            });
    }
    Ok(v.to_string())
}

/// The last non-empty value of `key` among decoded pairs, trimmed: a submitted HTML form sends
/// every field, so an empty one counts as absent, and a repeated key's last value wins.
pub fn param<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim())
}

/// Splits and percent-decodes a query string (`+` is a space). Malformed escapes are kept
/// literally rather than rejected, as browsers do.
pub fn decode_pairs(query: &str) -> Vec<(String, String)> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Percent-encodes a query component.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~') {
            out.push(c as char);
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Encodes pairs as a query string, skipping empty values.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Day {
        Day::parse("2026-11-22").unwrap()
    }

    #[test]
    fn compare_month_shifts_the_dates_one_calendar_month() {
        let q = DashboardQuery::parse_str("from=2026-03-01&to=2026-03-31&compare=month", today())
            .unwrap();
        assert_eq!(q.compare, Compare::Month);
        let (f, t) = q.previous().unwrap();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("2026-02-01".into(), "2026-02-28".into())
        );
        let q = DashboardQuery::parse_str("from=2026-01-10&to=2026-01-20&compare=month", today())
            .unwrap();
        let (f, t) = q.previous().unwrap();
        assert_eq!(
            (f.to_string(), t.to_string()),
            ("2025-12-10".into(), "2025-12-20".into())
        );
        assert_eq!(
            Day::parse("2024-03-31").unwrap().minus_month().to_string(),
            "2024-02-29"
        );
        let e = DashboardQuery::parse_str("compare=decade", today()).unwrap_err();
        assert_eq!(e.code, "invalid_compare");
    }

    #[test]
    fn defaults_are_the_last_30_days_daily_against_the_previous_period() {
        let q = DashboardQuery::parse_str("", today()).unwrap();
        assert_eq!(q.from.to_string(), "2026-10-24");
        assert_eq!(q.to, today());
        assert_eq!(q.days(), 30);
        assert_eq!(q.bucket, Bucket::Day);
        let (pf, pt) = q.previous().unwrap();
        assert_eq!(
            (pf.to_string(), pt.to_string()),
            ("2026-09-24".into(), "2026-10-23".into())
        );
        assert_eq!(q.metric, MetricId::Nps);
        assert_eq!(q.min_sample, 30);
    }

    #[test]
    fn explicit_ranges_filters_and_selections_are_read() {
        let q = DashboardQuery::parse_str(
            "from=2026-01-01&to=2026-06-30&channel=Self_Service&segment=Mid+Market&metric=csat&by=region&compare=year&min_sample=5&utm_source=x",
            today(),
        )
        .unwrap();
        assert_eq!(q.days(), 181);
        assert_eq!(q.bucket, Bucket::Week);
        assert_eq!(
            q.filters.get(&Dimension::Channel).map(String::as_str),
            Some("self-service")
        );
        assert_eq!(
            q.filters.get(&Dimension::Segment).map(String::as_str),
            Some("Mid Market")
        );
        assert_eq!(q.metric, MetricId::Csat);
        assert_eq!(q.by, Dimension::Region);
        assert_eq!(q.previous().unwrap().0.to_string(), "2025-01-02");
        assert_eq!(q.min_sample, 5);
    }

    #[test]
    fn empty_form_fields_count_as_absent() {
        let q = DashboardQuery::parse_str("range=7d&from=&to=&channel=&bucket=", today()).unwrap();
        assert_eq!(q.days(), 7);
        assert!(q.filters.is_empty());
    }

    #[test]
    fn bad_parameters_get_stable_codes() {
        let code = |s: &str| DashboardQuery::parse_str(s, today()).unwrap_err().code;
        assert_eq!(code("from=2026-02-30"), "invalid_date");
        assert_eq!(code("from=2026-03-02&to=2026-03-01"), "invalid_range");
        assert_eq!(code("range=forever"), "invalid_range");
        assert_eq!(code("from=2000-01-01&to=2026-01-01"), "invalid_range");
        assert_eq!(code("bucket=hour"), "invalid_bucket");
        assert_eq!(code("metric=happiness"), "unknown_metric");
        assert_eq!(code("by=colour"), "invalid_dimension");
        assert_eq!(code("channel=fax"), "invalid_filter");
        assert_eq!(code("min_sample=-1"), "invalid_min_sample");
        assert_eq!(code("scale=6"), "invalid_scale");
        assert_eq!(code("compare=tomorrow"), "invalid_compare");
    }

    #[test]
    fn buckets_cover_the_range_in_order() {
        let from = Day::parse("2026-01-30").unwrap();
        let to = Day::parse("2026-03-02").unwrap();
        let months: Vec<String> = Bucket::Month
            .starts(from, to)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(months, ["2026-01-01", "2026-02-01", "2026-03-01"]);
        let weeks = Bucket::Week.starts(from, to);
        assert_eq!(weeks.first().unwrap().to_string(), "2026-01-26");
        assert_eq!(weeks.len(), 6);
        assert_eq!(Bucket::Day.starts(from, to).len(), 32);
    }

    #[test]
    fn percent_coding_round_trips() {
        let pairs = decode_pairs("a=x%20y&b=1+2&c=%E2%9C%93&d=%zz&e");
        assert_eq!(pairs[0].1, "x y");
        assert_eq!(pairs[1].1, "1 2");
        assert_eq!(pairs[2].1, "✓");
        assert_eq!(pairs[3].1, "%zz");
        assert_eq!(pairs[4], ("e".to_string(), String::new()));
        let enc = encode_pairs([("segment", "Mid Market & co"), ("x", "")]);
        assert_eq!(enc, "segment=Mid%20Market%20%26%20co");
        assert_eq!(decode_pairs(&enc)[0].1, "Mid Market & co");
    }
}
