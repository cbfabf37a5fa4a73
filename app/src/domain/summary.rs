//! Builds the executive summary and the read API's report from daily aggregates. Pure: the
//! store fetches the aggregates, this module does the arithmetic.

use super::date::Day;
use super::dimension::Dimension;
use super::metric::{figure, resolve_ces_scale, MetricError, MetricId, SurveyAgg};
use super::query::DashboardQuery;
use super::survey::SurveyKind;
use super::target::Targets;
use crate::model::{
    Breakdown, BreakdownRow, DimensionValues, MetricBreakdownRow, MetricReport, PeriodValue,
    SeriesPoint, Summary, Tile, Trend,
};
use std::collections::BTreeMap;

/// One day's aggregate of one survey kind on one scale, under the view's filters.
#[derive(Clone, Debug, PartialEq)]
pub struct DailyAgg {
    pub day: Day,
    pub kind: SurveyKind,
    pub scale: i64,
    pub agg: SurveyAgg,
    /// Last time this aggregate changed (epoch ms).
    pub updated_at: i64,
}

/// An aggregate for one value of the breakdown dimension.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyedAgg {
    pub key: String,
    pub scale: i64,
    pub agg: SurveyAgg,
}

/// Sums the aggregates of `metric` (on `scale`, for CES) over `from..=to`; also returns the
/// latest update time seen.
fn total(
    daily: &[DailyAgg],
    metric: MetricId,
    scale: i64,
    from: Day,
    to: Day,
) -> (SurveyAgg, Option<i64>) {
    let mut agg = SurveyAgg::default();
    let mut updated = None;
    for r in daily
        .iter()
        .filter(|r| matches(r, metric, scale) && r.day >= from && r.day <= to)
    {
        agg.merge(&r.agg);
        updated = updated.max(Some(r.updated_at));
    }
    (agg, updated)
}

fn matches(r: &DailyAgg, metric: MetricId, scale: i64) -> bool {
    r.kind == metric.kind() && (metric != MetricId::Ces || r.scale == scale)
}

/// The series of `metric` over `from..=to` in the view's buckets.
fn series(
    daily: &[DailyAgg],
    q: &DashboardQuery,
    metric: MetricId,
    scale: i64,
    from: Day,
    to: Day,
) -> Vec<SeriesPoint> {
    let mut buckets: BTreeMap<Day, SurveyAgg> = q
        .bucket
        .starts(from, to)
        .into_iter()
        .map(|d| (d, SurveyAgg::default()))
        .collect();
    for r in daily
        .iter()
        .filter(|r| matches(r, metric, scale) && r.day >= from && r.day <= to)
    {
        buckets
            .entry(q.bucket.start(r.day))
            .or_default()
            .merge(&r.agg);
    }
    buckets
        .into_iter()
        .map(|(t, agg)| {
            let f = figure(metric, &agg, q.min_sample);
            SeriesPoint {
                t,
                value: f.value,
                n: f.n,
                partial: false,
            }
        })
        .collect()
}

/// CES scales present in the view's whole window.
fn ces_scales(daily: &[DailyAgg]) -> Vec<i64> {
    let mut s: Vec<i64> = daily
        .iter()
        .filter(|r| r.kind == SurveyKind::Ces)
        .map(|r| r.scale)
        .collect();
    s.sort_unstable();
    s.dedup();
    s
}

/// The dashboard's CES scale: the requested one, else the only one present, else 7-point.
/// Unlike the read API, the dashboard never fails on mixed scales; it shows one and says so.
pub fn dashboard_ces_scale(q: &DashboardQuery, daily: &[DailyAgg]) -> i64 {
    resolve_ces_scale(q.ces_scale, &ces_scales(daily)).unwrap_or(7)
}

fn tile(
    q: &DashboardQuery,
    daily: &[DailyAgg],
    targets: &Targets,
    metric: MetricId,
    ces_scale: i64,
) -> Tile {
    let goal = metric.goal(targets, &q.filters, ces_scale);
    let (agg, updated_at) = total(daily, metric, ces_scale, q.from, q.to);
    let current = figure(metric, &agg, q.min_sample);
    let previous = q.previous().map(|(f, t)| {
        let (agg, _) = total(daily, metric, ces_scale, f, t);
        PeriodValue::from(figure(metric, &agg, q.min_sample))
    });
    let change = match (current.value, previous.as_ref().and_then(|p| p.value)) {
        (Some(c), Some(p)) => Some(c - p),
        _ => None,
    };
    let is_ces = metric == MetricId::Ces;
    Tile {
        metric,
        label: metric.label().to_string(),
        unit: metric.unit(),
        direction: metric.direction(ces_scale),
        value: current.value,
        n: current.n,
        ci95: current.ci95,
        target: goal,
        status: metric.status_for(goal, current.value, ces_scale),
        previous,
        change,
        spark: series(daily, q, metric, ces_scale, q.from, q.to)
            .into_iter()
            .map(|p| p.value)
            .collect(),
        updated_at,
        scale: is_ces.then_some(ces_scale),
        other_scale_present: is_ces && ces_scales(daily).iter().any(|s| *s != ces_scale),
    }
}

/// Assembles the executive summary. `daily` covers `q.earliest()..=q.to` under the view's
/// filters; `breakdown` holds the selected metric per value of `q.by` over the range.
pub fn build_summary(
    q: &DashboardQuery,
    daily: &[DailyAgg],
    breakdown: &[KeyedAgg],
    options: Vec<DimensionValues>,
    has_data: bool,
    now_ms: i64,
    targets: &Targets,
) -> Summary {
    let ces_scale = dashboard_ces_scale(q, daily);
    let tiles = MetricId::ALL
        .into_iter()
        .map(|m| tile(q, daily, targets, m, ces_scale))
        .collect();
    let metric = q.metric;
    let mut points = series(daily, q, metric, ces_scale, q.from, q.to);
    mark_partial(&mut points, q.bucket, Day::from_epoch_ms(now_ms));
    let previous = match q.previous() {
        Some((f, t)) => {
            let mut prev = series(daily, q, metric, ces_scale, f, t);
            prev.truncate(points.len());
            prev
        }
        None => Vec::new(),
    };
    let rows = breakdown_rows(breakdown, metric, ces_scale, q.min_sample);
    Summary {
        previous_range: q.previous(),
        tiles,
        trend: Trend {
            metric,
            label: metric.label().to_string(),
            unit: metric.unit(),
            target: metric
                .goal(targets, &q.filters, ces_scale)
                .line(metric.direction(ces_scale)),
            points,
            previous,
        },
        breakdown: Breakdown {
            metric,
            dimension: q.by,
            rows,
        },
        options,
        audiences: None,
        service: Vec::new(),
        has_data,
        generated_at: now_ms,
        shared_view: false,
        query: q.clone(),
        requested: String::new(),
        can_edit_targets: false,
        notifications: None,
    }
}

/// Marks the points whose bucket is not over on `today` (it ends today or later).
pub fn mark_partial(points: &mut [SeriesPoint], bucket: super::query::Bucket, today: Day) {
    for p in points {
        p.partial = bucket.end(p.t) >= today;
    }
}

/// `metric` per breakdown value: best first, values below the minimum sample last, then by
/// volume.
fn breakdown_rows(
    breakdown: &[KeyedAgg],
    metric: MetricId,
    ces_scale: i64,
    min_sample: i64,
) -> Vec<BreakdownRow> {
    let mut by_key: BTreeMap<&str, SurveyAgg> = BTreeMap::new();
    for k in breakdown
        .iter()
        .filter(|k| metric != MetricId::Ces || k.scale == ces_scale)
    {
        by_key.entry(k.key.as_str()).or_default().merge(&k.agg);
    }
    let mut rows: Vec<BreakdownRow> = by_key
        .into_iter()
        .map(|(key, agg)| {
            let f = figure(metric, &agg, min_sample);
            BreakdownRow {
                key: key.to_string(),
                value: f.value,
                n: f.n,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let va = a.value.unwrap_or(f64::NEG_INFINITY);
        let vb = b.value.unwrap_or(f64::NEG_INFINITY);
        vb.total_cmp(&va)
            .then(b.n.cmp(&a.n))
            .then(a.key.cmp(&b.key))
    });
    rows
}

/// The read API's report for one metric. Unlike the dashboard, mixed CES scales without an
/// explicit `scale` are an error.
pub fn build_report(
    q: &DashboardQuery,
    daily: &[DailyAgg],
    metric: MetricId,
    targets: &Targets,
    breakdown: Option<(Dimension, &[KeyedAgg])>,
) -> Result<MetricReport, MetricError> {
    let scale = if metric == MetricId::Ces {
        resolve_ces_scale(q.ces_scale, &ces_scales(daily))?
    } else {
        0
    };
    let (agg, _) = total(daily, metric, scale, q.from, q.to);
    let current = figure(metric, &agg, q.min_sample);
    Ok(MetricReport {
        metric: metric.as_str().to_string(),
        family: crate::domain::catalogue::Family::Survey,
        unit: metric.unit(),
        direction: metric.direction(scale),
        from: q.from,
        to: q.to,
        bucket: q.bucket.as_str().to_string(),
        value: current.value,
        n: current.n,
        ci95: current.ci95,
        target: Some(metric.goal(targets, &q.filters, scale)),
        status: metric.status_for(
            metric.goal(targets, &q.filters, scale),
            current.value,
            scale,
        ),
        min_sample: q.min_sample,
        scale: (metric == MetricId::Ces).then_some(scale),
        previous: q.previous().map(|(f, t)| {
            let (agg, _) = total(daily, metric, scale, f, t);
            figure(metric, &agg, q.min_sample).into()
        }),
        series: series(daily, q, metric, scale, q.from, q.to),
        breakdown_by: breakdown.map(|(d, _)| d),
        breakdown: breakdown
            .map(|(_, rows)| {
                breakdown_rows(rows, metric, scale, q.min_sample)
                    .into_iter()
                    .map(MetricBreakdownRow::from)
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dimension::Dimension;

    fn today() -> Day {
        Day::parse("2026-03-31").unwrap()
    }

    fn row(
        day: &str,
        kind: SurveyKind,
        scale: i64,
        n: i64,
        sum: i64,
        good: i64,
        bad: i64,
    ) -> DailyAgg {
        DailyAgg {
            day: Day::parse(day).unwrap(),
            kind,
            scale,
            agg: SurveyAgg { n, sum, good, bad },
            updated_at: 7,
        }
    }

    #[test]
    fn tiles_compare_with_the_previous_period() {
        let q = DashboardQuery::parse_str("from=2026-03-01&to=2026-03-31&min_sample=10", today())
            .unwrap();
        let daily = vec![
            row("2026-03-02", SurveyKind::Nps, 10, 20, 0, 10, 2), // 40
            row("2026-03-20", SurveyKind::Nps, 10, 20, 0, 8, 4),  // together: 18 − 6 of 40 → 30
            row("2026-02-10", SurveyKind::Nps, 10, 10, 0, 2, 2),  // previous period: 0
            row("2026-01-10", SurveyKind::Nps, 10, 50, 0, 50, 0), // outside both periods
        ];
        let s = build_summary(&q, &daily, &[], vec![], true, 0, &Targets::default());
        let nps = &s.tiles[0];
        assert_eq!(nps.metric, MetricId::Nps);
        assert_eq!(nps.value, Some(30.0));
        assert_eq!(nps.n, 40);
        assert_eq!(
            nps.previous,
            Some(PeriodValue {
                value: Some(0.0),
                n: 10
            })
        );
        assert_eq!(nps.change, Some(30.0));
        assert_eq!(nps.spark.len(), 31);
        assert_eq!(nps.updated_at, Some(7));
        // Days with fewer answers than the minimum are gaps, not zeros.
        assert_eq!(s.trend.points[1].value, Some(40.0));
        assert_eq!(s.trend.points[0].value, None);
        let csat = &s.tiles[1];
        assert_eq!(csat.value, None);
        assert_eq!(csat.n, 0);
    }

    #[test]
    fn the_dashboard_reports_one_ces_scale_and_flags_the_other() {
        let q = DashboardQuery::parse_str("from=2026-03-01&to=2026-03-31&min_sample=1", today())
            .unwrap();
        let daily = vec![
            row("2026-03-02", SurveyKind::Ces, 7, 2, 12, 0, 0),
            row("2026-03-03", SurveyKind::Ces, 5, 2, 3, 0, 0),
        ];
        let s = build_summary(&q, &daily, &[], vec![], true, 0, &Targets::default());
        let ces = &s.tiles[2];
        assert_eq!(
            (ces.value, ces.scale, ces.other_scale_present),
            (Some(6.0), Some(7), true)
        );
        let q5 = DashboardQuery::parse_str(
            "from=2026-03-01&to=2026-03-31&min_sample=1&scale=5",
            today(),
        )
        .unwrap();
        assert_eq!(
            build_summary(&q5, &daily, &[], vec![], true, 0, &Targets::default()).tiles[2].value,
            Some(1.5)
        );
        let qc = DashboardQuery::parse_str("from=2026-03-01&to=2026-03-31&min_sample=1", today())
            .unwrap();
        assert_eq!(
            build_report(&qc, &daily, MetricId::Ces, &Targets::default(), None),
            Err(MetricError::MixedCesScales)
        );
        assert_eq!(
            build_report(&q5, &daily, MetricId::Ces, &Targets::default(), None)
                .unwrap()
                .value,
            Some(1.5)
        );
    }

    #[test]
    fn breakdown_rows_sort_best_first_with_small_samples_last() {
        let q = DashboardQuery::parse_str("metric=csat&by=region&min_sample=2", today()).unwrap();
        let agg = |n, good| SurveyAgg {
            n,
            sum: 0,
            good,
            bad: 0,
        };
        let rows = vec![
            KeyedAgg {
                key: "emea".into(),
                scale: 5,
                agg: agg(4, 2),
            },
            KeyedAgg {
                key: "apac".into(),
                scale: 5,
                agg: agg(1, 1),
            },
            KeyedAgg {
                key: "amer".into(),
                scale: 5,
                agg: agg(4, 3),
            },
            KeyedAgg {
                key: "amer".into(),
                scale: 5,
                agg: agg(4, 4),
            },
        ];
        let s = build_summary(&q, &[], &rows, vec![], true, 0, &Targets::default());
        assert_eq!(s.breakdown.dimension, Dimension::Region);
        let keys: Vec<_> = s
            .breakdown
            .rows
            .iter()
            .map(|r| (r.key.as_str(), r.value, r.n))
            .collect();
        assert_eq!(
            keys,
            [
                ("amer", Some(87.5), 8),
                ("emea", Some(50.0), 4),
                ("apac", None, 1)
            ]
        );
    }

    #[test]
    fn weekly_series_merge_days_into_iso_weeks() {
        let q = DashboardQuery::parse_str(
            "from=2026-03-02&to=2026-03-15&bucket=week&min_sample=1&metric=csat",
            today(),
        )
        .unwrap();
        let daily = vec![
            row("2026-03-02", SurveyKind::Csat, 5, 1, 5, 1, 0),
            row("2026-03-08", SurveyKind::Csat, 5, 1, 1, 0, 1),
            row("2026-03-09", SurveyKind::Csat, 5, 2, 10, 2, 0),
        ];
        let r = build_report(&q, &daily, MetricId::Csat, &Targets::default(), None).unwrap();
        let pts: Vec<_> = r
            .series
            .iter()
            .map(|p| (p.t.to_string(), p.value, p.n))
            .collect();
        assert_eq!(
            pts,
            [
                ("2026-03-02".into(), Some(50.0), 2),
                ("2026-03-09".into(), Some(100.0), 2)
            ]
        );
        assert_eq!(r.value, Some(75.0));
    }

    #[test]
    fn only_buckets_not_yet_over_are_partial() {
        let d = |s: &str| Day::parse(s).unwrap();
        let pt = |t: &str| SeriesPoint {
            t: d(t),
            value: Some(1.0),
            n: 1,
            partial: false,
        };
        let mut months = vec![pt("2026-01-01"), pt("2026-02-01"), pt("2026-03-01")];
        mark_partial(
            &mut months,
            super::super::query::Bucket::Month,
            d("2026-03-31"),
        );
        assert_eq!(
            months.iter().map(|p| p.partial).collect::<Vec<_>>(),
            [false, false, true]
        );
        // A week ending yesterday is over; the one holding today is not.
        let mut weeks = vec![pt("2026-03-16"), pt("2026-03-23")];
        mark_partial(
            &mut weeks,
            super::super::query::Bucket::Week,
            d("2026-03-23"),
        );
        assert_eq!(
            weeks.iter().map(|p| p.partial).collect::<Vec<_>>(),
            [false, true]
        );
        assert_eq!(
            super::super::query::Bucket::Month.end(d("2024-02-01")),
            d("2024-02-29")
        );
    }
}
