//! Support trends and the weekday × hour heatmap, assembled from per-day inputs (rollups) or
//! from ticket facts. Pure: the store hands in numbers, this decides the buckets.

use super::date::Day;
use super::histogram::Histogram;
use super::query::Bucket;
use super::ticket::TicketRecord;
use crate::model::support::{IncidentView, SupportTrend, SupportTrendPoint, WeekHourHeatmap};
use std::collections::BTreeMap;

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

/// Collects per-day numbers into the buckets of a trend over `from..=to`.
#[derive(Clone, Debug)]
pub struct TrendBuilder {
    bucket: Bucket,
    from: Day,
    to: Day,
    starts: Vec<Day>,
    channels: BTreeMap<String, Vec<i64>>,
    csat_n: Vec<i64>,
    csat_good: Vec<i64>,
    frt: Vec<Histogram>,
}

impl TrendBuilder {
    /// An empty trend of `bucket`s covering `from..=to`.
    pub fn new(bucket: Bucket, from: Day, to: Day) -> TrendBuilder {
        let starts = bucket.starts(from, to);
        let n = starts.len();
        TrendBuilder {
            bucket,
            from,
            to,
            starts,
            channels: BTreeMap::new(),
            csat_n: vec![0; n],
            csat_good: vec![0; n],
            frt: vec![Histogram::new(); n],
        }
    }

    /// The trend's bucket.
    pub fn bucket(&self) -> Bucket {
        self.bucket
    }

    /// The first day of each bucket (may precede `from` for weeks and months).
    pub fn starts(&self) -> &[Day] {
        &self.starts
    }

    fn index(&self, day: Day) -> Option<usize> {
        if day < self.from || day > self.to {
            return None;
        }
        self.starts.binary_search(&self.bucket.start(day)).ok()
    }

    /// Adds `n` tickets created on `day` through `channel`.
    pub fn add_channel(&mut self, day: Day, channel: &str, n: i64) {
        let len = self.starts.len();
        if let Some(i) = self.index(day) {
            self.channels
                .entry(channel.to_string())
                .or_insert_with(|| vec![0; len])[i] += n;
        }
    }

    /// Adds `n` satisfaction answers, `good` of them 4–5, for tickets created on `day`.
    pub fn add_csat(&mut self, day: Day, n: i64, good: i64) {
        if let Some(i) = self.index(day) {
            self.csat_n[i] += n;
            self.csat_good[i] += good;
        }
    }

    /// Adds `n` first responses in histogram bucket `index` to the trend bucket starting on
    /// `start` (stored rollup counts).
    pub fn add_frt_count(&mut self, start: Day, index: i32, n: i64) {
        if let Ok(i) = self.starts.binary_search(&start) {
            self.frt[i].add_count(index, n);
        }
    }

    /// Adds one ticket (the facts path).
    pub fn add_ticket(&mut self, t: &TicketRecord) {
        let day = t.day();
        self.add_channel(day, &t.channel, 1);
        if let Some(s) = t.satisfaction {
            self.add_csat(day, 1, i64::from(s >= 4));
        }
        if let (Some(i), Some(secs)) = (self.index(day), t.first_response_secs()) {
            self.frt[i].add(secs);
        }
    }

    /// The finished trend; channels in name order.
    pub fn build(self) -> SupportTrend {
        let channels: Vec<String> = self.channels.keys().cloned().collect();
        let points = self
            .starts
            .iter()
            .enumerate()
            .map(|(i, start)| {
                let end = self
                    .starts
                    .get(i + 1)
                    .map_or(self.to, |next| next.plus_days(-1).min(self.to));
                let by_channel: Vec<i64> = self.channels.values().map(|v| v[i]).collect();
                let (frt_median_secs, frt_n) = (self.frt[i].quantile(0.5), self.frt[i].count());
                SupportTrendPoint {
                    start: (*start).max(self.from),
                    end,
                    tickets: by_channel.iter().sum(),
                    by_channel,
                    frt_median_secs,
                    frt_n,
                    csat_pct: (self.csat_n[i] > 0)
                        .then(|| 100.0 * self.csat_good[i] as f64 / self.csat_n[i] as f64),
                    csat_n: self.csat_n[i],
                }
            })
            .collect();
        SupportTrend {
            bucket: self.bucket,
            channels,
            points,
        }
    }
}

/// UTC weekday (Monday = 0) and hour of an instant.
pub fn weekday_hour(ms: i64) -> (usize, usize) {
    let day = Day(ms.div_euclid(DAY_MS));
    let hour = ms.rem_euclid(DAY_MS) / HOUR_MS;
    (day.weekday() as usize, hour as usize)
}

impl WeekHourHeatmap {
    /// All zeros.
    pub fn empty() -> WeekHourHeatmap {
        WeekHourHeatmap {
            counts: vec![[0; 24]; 7],
        }
    }

    /// Adds `n` tickets created on `weekday` (Monday = 0) at `hour` (UTC); out-of-range cells
    /// are ignored.
    pub fn add(&mut self, weekday: usize, hour: usize, n: i64) {
        if let Some(cell) = self.counts.get_mut(weekday).and_then(|r| r.get_mut(hour)) {
            *cell += n;
        }
    }

    /// Adds one ticket by its creation time.
    pub fn add_ticket(&mut self, t: &TicketRecord) {
        let (w, h) = weekday_hour(t.created_at_ms);
        self.add(w, h, 1);
    }

    /// The busiest cell's count (0 when empty).
    pub fn max(&self) -> i64 {
        self.counts
            .iter()
            .flat_map(|r| r.iter())
            .copied()
            .max()
            .unwrap_or(0)
    }

    /// Total tickets.
    pub fn total(&self) -> i64 {
        self.counts.iter().flat_map(|r| r.iter()).sum()
    }
}

/// An incident drawn over a trend: the first and last point it touches, its extent in
/// point units (point `i` spans `i..i + 1`, so a band can cover part of a point), and its
/// label.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentBand {
    pub first: usize,
    pub last: usize,
    pub from_pos: f64,
    pub to_pos: f64,
    pub label: String,
}

/// The narrowest band drawn, in points, so an incident of minutes stays visible on a year.
const MIN_BAND: f64 = 0.2;

/// Where each incident falls on a trend's points: from its trigger to its resolution (the
/// trend's end while it is open); incidents outside the trend are left out.
pub fn incident_bands(
    points: &[SupportTrendPoint],
    incidents: &[IncidentView],
) -> Vec<IncidentBand> {
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return Vec::new();
    };
    let (lo, hi) = (first.start.start_ms(), last.end.plus_days(1).start_ms());
    // (index, fractional position) of an instant inside lo..hi.
    let locate = |ms: i64| -> Option<(usize, f64)> {
        points.iter().enumerate().find_map(|(i, p)| {
            let (a, b) = (p.start.start_ms(), p.end.plus_days(1).start_ms());
            (a <= ms && ms < b).then(|| (i, i as f64 + (ms - a) as f64 / (b - a) as f64))
        })
    };
    incidents
        .iter()
        .filter_map(|i| {
            let start = i.triggered_at;
            let end = i.resolved_at.unwrap_or(hi);
            if start >= hi || end < lo || end < start {
                return None;
            }
            let (first, from_pos) = locate(start.max(lo))?;
            let (last, to_pos) = locate(end.min(hi - 1))?;
            let n = points.len() as f64;
            let to_pos = to_pos.max(from_pos + MIN_BAND).min(n);
            let from_pos = from_pos.min(to_pos - MIN_BAND).max(0.0);
            Some(IncidentBand {
                first,
                last,
                from_pos,
                to_pos,
                label: format!("{}: {}", i.severity.as_str(), i.title),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ticket::TicketInput;

    fn day(s: &str) -> Day {
        Day::parse(s).unwrap()
    }

    fn ticket(created: &str, first: Option<&str>, channel: &str, sat: Option<i64>) -> TicketRecord {
        TicketRecord::validate(
            TicketInput {
                id: Some(format!("{created}-{channel}")),
                created_at: Some(created.into()),
                first_response_at: first.map(Into::into),
                channel: Some(channel.into()),
                satisfaction: sat,
                ..TicketInput::default()
            },
            1_900_000_000_000,
        )
        .unwrap()
    }

    #[test]
    fn daily_points_count_channels_csat_and_median_first_response() {
        let mut b = TrendBuilder::new(Bucket::Day, day("2026-11-02"), day("2026-11-03"));
        for t in [
            ticket(
                "2026-11-02T09:00:00Z",
                Some("2026-11-02T09:10:00Z"),
                "email",
                Some(5),
            ),
            ticket(
                "2026-11-02T10:00:00Z",
                Some("2026-11-02T10:20:00Z"),
                "chat",
                Some(2),
            ),
            ticket(
                "2026-11-02T11:00:00Z",
                Some("2026-11-02T11:30:00Z"),
                "email",
                None,
            ),
            ticket("2026-11-03T11:00:00Z", None, "phone", Some(4)),
            // Outside the range: ignored.
            ticket("2026-11-04T11:00:00Z", None, "phone", Some(1)),
        ] {
            b.add_ticket(&t);
        }
        let t = b.build();
        assert_eq!(t.channels, vec!["chat", "email", "phone"]);
        assert_eq!(t.points.len(), 2);
        let p = &t.points[0];
        assert_eq!(
            (p.start, p.end, p.tickets),
            (day("2026-11-02"), day("2026-11-02"), 3)
        );
        assert_eq!(p.by_channel, vec![1, 2, 0]);
        assert_eq!(p.csat_pct, Some(50.0));
        // Lower median of 600, 1200, 1800 s is 1200 s, within the histogram's 1%.
        let m = p.frt_median_secs.unwrap();
        assert!((m - 1_200.0).abs() <= 12.0, "{m}");
        assert_eq!(p.frt_n, 3);
        let q = &t.points[1];
        assert_eq!(
            (q.tickets, q.csat_pct, q.frt_median_secs),
            (1, Some(100.0), None)
        );
    }

    #[test]
    fn weekly_points_are_clamped_to_the_range_and_take_stored_histogram_counts() {
        // 2026-11-04 is a Wednesday; its week starts on Monday 2026-11-02.
        let mut b = TrendBuilder::new(Bucket::Week, day("2026-11-04"), day("2026-11-10"));
        assert_eq!(b.starts(), &[day("2026-11-02"), day("2026-11-09")]);
        b.add_channel(day("2026-11-03"), "email", 7); // before the range
        b.add_channel(day("2026-11-05"), "email", 2);
        b.add_channel(day("2026-11-10"), "chat", 3);
        b.add_frt_count(
            day("2026-11-09"),
            crate::domain::histogram::bucket_of(90),
            3,
        );
        let t = b.build();
        assert_eq!(t.points[0].start, day("2026-11-04"));
        assert_eq!(t.points[0].end, day("2026-11-08"));
        assert_eq!(t.points[0].by_channel, vec![0, 2]);
        assert_eq!(t.points[1].by_channel, vec![3, 0]);
        let m = t.points[1].frt_median_secs.unwrap();
        assert!((m - 90.0).abs() <= 0.9, "{m}");
        assert_eq!(t.points[1].frt_n, 3);
        assert_eq!(t.points[0].frt_median_secs, None);
    }

    #[test]
    fn incidents_become_bands_over_the_points_they_touch() {
        let mut b = TrendBuilder::new(Bucket::Day, day("2026-11-01"), day("2026-11-05"));
        b.add_channel(day("2026-11-01"), "email", 1);
        let points = b.build().points;
        let inc = |id: &str, from: &str, to: Option<&str>| IncidentView {
            id: id.into(),
            title: format!("{id} down"),
            severity: crate::domain::incident::Severity::Critical,
            service: "api".into(),
            triggered_at: crate::domain::date::parse_rfc3339(from).unwrap(),
            acknowledged_at: None,
            resolved_at: to.map(|t| crate::domain::date::parse_rfc3339(t).unwrap()),
        };
        let bands = incident_bands(
            &points,
            &[
                inc("a", "2026-11-02T10:00:00Z", Some("2026-11-03T01:00:00Z")),
                inc("b", "2026-10-20T10:00:00Z", Some("2026-11-01T01:00:00Z")),
                inc("c", "2026-11-04T10:00:00Z", None),
                inc("d", "2026-10-01T10:00:00Z", Some("2026-10-02T10:00:00Z")),
            ],
        );
        let spans: Vec<(usize, usize)> = bands.iter().map(|b| (b.first, b.last)).collect();
        assert_eq!(spans, vec![(1, 2), (0, 0), (3, 4)]);
        // a: 10:00 on day 1 to 01:00 on day 2; b: the start to 01:00 on day 0, widened to the
        // narrowest band; c: open, to the end.
        let close = |x: f64, y: f64| (x - y).abs() < 1e-9;
        assert!(
            close(bands[0].from_pos, 1.0 + 10.0 / 24.0) && close(bands[0].to_pos, 2.0 + 1.0 / 24.0)
        );
        assert!(close(bands[1].from_pos, 0.0) && close(bands[1].to_pos, 0.2));
        assert!(close(bands[2].from_pos, 3.0 + 10.0 / 24.0));
        assert!((bands[2].to_pos - 5.0).abs() < 1e-6);
        assert_eq!(bands[0].label, "critical: a down");
    }

    #[test]
    fn the_heatmap_places_tickets_by_utc_weekday_and_hour() {
        let mut h = WeekHourHeatmap::empty();
        // Monday 2026-11-02 09:xx and Sunday 2026-11-08 23:59.
        h.add_ticket(&ticket("2026-11-02T09:15:00Z", None, "email", None));
        h.add_ticket(&ticket("2026-11-02T09:45:00Z", None, "chat", None));
        h.add_ticket(&ticket("2026-11-08T23:59:59Z", None, "chat", None));
        h.add(9, 3, 5); // no such weekday: ignored
        assert_eq!(h.counts[0][9], 2);
        assert_eq!(h.counts[6][23], 1);
        assert_eq!((h.max(), h.total()), (2, 3));
        assert_eq!(weekday_hour(0), (3, 0), "1970-01-01 was a Thursday");
    }
}
