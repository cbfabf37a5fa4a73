//! `GET /api/v1/metrics/{id}`: one catalogue metric (`app/src/domain/catalogue.rs`) over the
//! dashboard query, in one shape for every family. Survey metrics come from their daily
//! rollups (with a confidence interval); every other family from the samples the alert
//! engine reads (`alerts/source.rs`), so a figure, its alert and its API answer agree.

use super::ViewError;
use crate::alerts::source::Samples;
use crate::clock::now_ms;
use crate::state::AppState;
use app::domain::alert::catalogue as alertable;
use app::domain::alert::evaluate::Sample;
use app::domain::catalogue::{self, MetricSpec};
use app::domain::date::Day;
use app::domain::dimension::Dimension;
use app::domain::metric::{Direction, MetricId};
use app::domain::query::{decode_pairs, param, DashboardQuery, QueryError};
use app::model::{MetricBreakdownRow, MetricReport, PeriodValue, SeriesPoint};

/// What the metric API adds to the dashboard query.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricParams {
    /// `breakdown=<dimension>`.
    pub breakdown: Option<Dimension>,
}

/// The catalogue entry of `id`, or 404 `unknown_metric`.
pub fn spec(id: &str) -> Result<&'static MetricSpec, ViewError> {
    catalogue::find(id).ok_or_else(|| ViewError::NotFound {
        code: "unknown_metric",
        message: format!("no metric named {id:?}: GET /api/v1/metrics lists them"),
    })
}

/// Whether `GET /api/v1/metrics/{id}` computes `spec` (the catalogue list says so too): the
/// survey metrics and every family the samples read, i.e. every alertable metric.
pub fn queryable(spec: &MetricSpec) -> bool {
    alertable::find(spec.id).is_some()
}

/// Checks the scoped query against what `spec` supports and reads the API's own parameters:
/// a filter on a dimension the metric lacks is 400 `unsupported_filter`, a breakdown by one is
/// 400 `unsupported_breakdown`; a partner account asking for a figure that spans every
/// customer is 403. Without `min_sample` the catalogue's minimum applies (surveys keep the
/// dashboard's).
pub fn check(
    spec: &MetricSpec,
    q: &mut DashboardQuery,
    raw_query: &str,
) -> Result<MetricParams, ViewError> {
    let dims = spec.dimensions;
    if q.scope.is_some() && !dims.contains(&Dimension::Partner) {
        return Err(ViewError::Forbidden(format!(
            "{} covers every customer; partner accounts read their own partner's figures only",
            spec.id
        )));
    }
    if let Some(d) = q.filters.keys().find(|d| !dims.contains(d)) {
        return Err(QueryError::new("unsupported_filter", unsupported(spec, "filter", *d)).into());
    }
    let pairs = decode_pairs(raw_query);
    let breakdown = match param(&pairs, "breakdown") {
        None | Some("none") => None,
        Some(b) => {
            let d = Dimension::parse(b).ok_or_else(|| {
                QueryError::new("invalid_dimension", format!("unknown dimension {b:?}"))
            })?;
            if !dims.contains(&d) {
                return Err(QueryError::new(
                    "unsupported_breakdown",
                    unsupported(spec, "breakdown", d),
                )
                .into());
            }
            Some(d)
        }
    };
    if param(&pairs, "min_sample").is_none() && MetricId::parse(spec.id).is_none() {
        q.min_sample = spec.min_sample;
    }
    Ok(MetricParams { breakdown })
}

fn unsupported(spec: &MetricSpec, what: &str, d: Dimension) -> String {
    let names: Vec<&str> = spec.dimensions.iter().map(|d| d.as_str()).collect();
    format!(
        "{} has no {what} by {}; it supports {}",
        spec.id,
        d.as_str(),
        if names.is_empty() {
            "none".to_string()
        } else {
            names.join(", ")
        }
    )
}

/// The report of `spec` over a checked query.
pub async fn read(
    state: &AppState,
    spec: &'static MetricSpec,
    q: &DashboardQuery,
    p: &MetricParams,
) -> Result<MetricReport, ViewError> {
    if let Some(m) = MetricId::parse(spec.id) {
        return state
            .engine
            .report(m, q, p.breakdown)
            .await
            .map_err(|e| match e {
                crate::metrics::ReportError::Store(s) => ViewError::Store(s),
                crate::metrics::ReportError::Metric(e) => ViewError::Unprocessable {
                    code: "mixed_ces_scales",
                    message: e.to_string(),
                },
            });
    }
    let def = alertable::find(spec.id).ok_or_else(|| ViewError::Unprocessable {
        code: "not_queryable",
        message: format!(
            "{} is shown on {} but not yet computed by the metric API",
            spec.id, spec.page
        ),
    })?;
    let today = Day::from_epoch_ms(now_ms());
    let span = (today.0 - q.earliest().0 + 1).max(1);
    let mut samples = Samples::new(&state.store, today, span)
        .weights(state.config.partner_weights)
        .journey(state.engine.journey());
    let filters = q.filters.clone();
    let min = q.min_sample;
    let shown = |s: Sample| PeriodValue {
        value: s.value.filter(|_| s.n >= min),
        n: s.n,
    };
    let current = shown(samples.sample(def, &filters, q.from, q.to).await?);
    let previous = match q.previous() {
        Some((f, t)) => Some(shown(samples.sample(def, &filters, f, t).await?)),
        None => None,
    };
    let mut series = Vec::new();
    for start in q.bucket.starts(q.from, q.to) {
        let end = q.bucket.end(start);
        let s = shown(
            samples
                .sample(def, &filters, start.max(q.from), end.min(q.to))
                .await?,
        );
        series.push(SeriesPoint {
            t: start,
            value: s.value,
            n: s.n,
            partial: end >= today,
        });
    }
    let breakdown = match p.breakdown {
        Some(by) => {
            let others = q.filters_without(by);
            let mut rows: Vec<MetricBreakdownRow> = samples
                .keyed(def, &others, by, q.from, q.to)
                .await?
                .into_iter()
                // A value with nothing behind this metric (tickets, none resolved) is not a row.
                .filter(|(_, s)| s.n > 0)
                .map(|(value, s)| {
                    let s = shown(s);
                    MetricBreakdownRow {
                        value,
                        metric_value: s.value,
                        n: s.n,
                    }
                })
                .collect();
            sort_best_first(&mut rows, spec.direction);
            rows
        }
        None => Vec::new(),
    };
    let targets = crate::store::targets::list(&state.store).await?;
    // Commerce figures default to the deployment's `SIGNALROOM_COMMERCE_TARGETS`, as the sales
    // page does; people's targets win everywhere.
    let configured = app::domain::journey::commerce::CommerceMetric::ALL
        .into_iter()
        .find(|m| m.as_str() == spec.id && spec.family == catalogue::Family::Commerce)
        .map(|m| app::domain::target::Goal::Threshold(state.config.journey.targets.get(m)));
    let target = targets
        .goal(spec.id, &q.filters)
        .or(configured)
        .or(def.has_target().then_some(def.target));
    Ok(MetricReport {
        metric: spec.id.to_string(),
        family: spec.family,
        unit: spec.unit,
        direction: spec.direction,
        from: q.from,
        to: q.to,
        bucket: q.bucket.as_str().to_string(),
        value: current.value,
        n: current.n,
        ci95: None,
        target,
        status: app::domain::target::status(target, current.value, spec.direction),
        min_sample: min,
        scale: None,
        previous,
        series,
        breakdown_by: p.breakdown,
        breakdown,
    })
}

/// Best value first for the metric's direction, values below the minimum sample last, then
/// by volume and name.
fn sort_best_first(rows: &mut [MetricBreakdownRow], direction: Direction) {
    let key = |r: &MetricBreakdownRow| match (r.metric_value, direction) {
        (Some(v), Direction::HigherIsBetter) => -v,
        (Some(v), Direction::LowerIsBetter) => v,
        (None, _) => f64::INFINITY,
    };
    rows.sort_by(|a, b| {
        key(a)
            .total_cmp(&key(b))
            .then(b.n.cmp(&a.n))
            .then(a.value.cmp(&b.value))
    });
}

/// The report as CSV: the breakdown when one was asked for, else the series.
pub fn csv(r: &MetricReport) -> String {
    let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let mut out = String::new();
    if let Some(by) = r.breakdown_by {
        out.push_str(&format!("{},{},n\n", by.as_str(), r.metric));
        for row in &r.breakdown {
            out.push_str(&format!(
                "{},{},{}\n",
                app::domain::escape::csv_field(&row.value),
                num(row.metric_value),
                row.n
            ));
        }
    } else {
        out.push_str(&format!("t,{},n,partial\n", r.metric));
        for p in &r.series {
            out.push_str(&format!("{},{},{},{}\n", p.t, num(p.value), p.n, p.partial));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(value: &str, v: Option<f64>, n: i64) -> MetricBreakdownRow {
        MetricBreakdownRow {
            value: value.into(),
            metric_value: v,
            n,
        }
    }

    #[test]
    fn breakdown_sorts_by_the_metric_direction() {
        let mut rows = vec![
            row("a", Some(3.0), 5),
            row("b", None, 9),
            row("c", Some(1.0), 5),
        ];
        sort_best_first(&mut rows, Direction::LowerIsBetter);
        assert_eq!(
            rows.iter().map(|r| r.value.as_str()).collect::<Vec<_>>(),
            ["c", "a", "b"]
        );
        sort_best_first(&mut rows, Direction::HigherIsBetter);
        assert_eq!(
            rows.iter().map(|r| r.value.as_str()).collect::<Vec<_>>(),
            ["a", "c", "b"]
        );
    }

    #[test]
    fn every_queryable_metric_is_in_the_catalogue_and_surveys_stay_queryable() {
        for m in alertable::CATALOGUE {
            assert!(queryable(spec(m.id).unwrap()), "{}", m.id);
        }
        assert!(matches!(
            spec("nope"),
            Err(ViewError::NotFound {
                code: "unknown_metric",
                ..
            })
        ));
    }
}
