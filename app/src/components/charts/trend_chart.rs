use super::chart_table::ChartTable;
use super::echarts::{draw_next_frame, render_trend, ChartSlot};
use crate::model::Trend;
use leptos::prelude::*;

/// What a trend cannot show, in words: buckets under the minimum sample are gaps, and a chart
/// of gaps only is no chart (it used to be an empty box). `None` when every bucket is drawn.
pub fn sample_note(trend: &Trend, min_sample: i64) -> Option<(&'static str, String)> {
    let total = trend.points.len();
    let gaps = trend.points.iter().filter(|p| p.value.is_none()).count();
    let largest = trend.points.iter().map(|p| p.n).max().unwrap_or(0);
    if total == 0 || gaps == 0 {
        return None;
    }
    let answers = if min_sample == 1 { "answer" } else { "answers" };
    Some(if gaps == total {
        (
            "trend-not-enough",
            format!(
                "Not enough data to draw the trend: every period has fewer than {min_sample} {answers} (the most is n = {largest}). Choose a longer bucket or range, or a lower minimum sample."
            ),
        )
    } else {
        (
            "trend-gaps",
            format!(
                "{gaps} of {total} periods have fewer than {min_sample} {answers} and are left as gaps."
            ),
        )
    })
}

/// The trend of the selected metric with its target line; drawn by ECharts in the browser.
/// Buckets under `min_sample` answers are gaps, said as such under the chart.
#[component]
pub fn TrendChart(
    trend: Trend,
    min_sample: i64,
    /// The series as CSV, when the metric API serves it.
    #[prop(default = None)]
    csv: Option<String>,
) -> impl IntoView {
    let note = sample_note(&trend, min_sample).map(|(testid, text)| {
        view! { <p class="chart-note" role="note" data-testid=testid>{text}</p> }
    });
    let id = format!("trend-{}", trend.metric.as_str());
    let label = format!("{} over time", trend.label);
    let chart_id = id.clone();
    // The bucket that holds today is not over: the table says so, the chart draws it dashed.
    let labels: Vec<String> = trend
        .points
        .iter()
        .map(|p| {
            if p.partial {
                format!("{} (so far)", p.t)
            } else {
                p.t.to_string()
            }
        })
        .collect();
    let partial = trend.points.iter().any(|p| p.partial).then(|| {
        view! {
            <p class="chart-note" data-testid="trend-partial">
                "The last period is not over yet: its value so far is drawn dashed."
            </p>
        }
    });
    let mut series = vec![(
        trend.label.clone(),
        trend.points.iter().map(|p| p.value).collect::<Vec<_>>(),
    )];
    if !trend.previous.is_empty() {
        series.push((
            "Comparison period".to_string(),
            trend.previous.iter().map(|p| p.value).collect(),
        ));
    }
    series.push((
        "Target".to_string(),
        trend.points.iter().map(|_| Some(trend.target)).collect(),
    ));
    series.push((
        "Answers".to_string(),
        trend.points.iter().map(|p| Some(p.n as f64)).collect(),
    ));
    // The effect keeps the chart handle as its value: it is dropped (and the chart disposed)
    // with the effect. Effects run only in the browser.
    Effect::new(move |prev: Option<ChartSlot>| {
        drop(prev);
        let (id, trend) = (chart_id.clone(), trend.clone());
        draw_next_frame(move || render_trend(&id, &trend))
    });
    view! {
        <div class="chart trend" id=id role="img" aria-label=label data-testid="trend-chart"></div>
        {note}
        {partial}
        <ChartTable first="Period starting" labels=labels series=series csv=csv />
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::date::Day;
    use crate::domain::metric::{MetricId, Unit};
    use crate::model::SeriesPoint;

    fn trend(values: &[(Option<f64>, i64)]) -> Trend {
        Trend {
            metric: MetricId::Nps,
            label: "NPS".into(),
            unit: Unit::Points,
            target: 30.0,
            points: values
                .iter()
                .enumerate()
                .map(|(i, (value, n))| SeriesPoint {
                    t: Day(20_000 + i as i64),
                    value: *value,
                    n: *n,
                    partial: false,
                })
                .collect(),
            previous: Vec::new(),
        }
    }

    #[test]
    fn gaps_and_empty_trends_are_said_in_words() {
        assert_eq!(
            sample_note(&trend(&[(Some(40.0), 35), (Some(42.0), 31)]), 30),
            None
        );
        let (id, text) =
            sample_note(&trend(&[(Some(40.0), 35), (None, 3), (None, 0)]), 30).unwrap();
        assert_eq!(id, "trend-gaps");
        assert_eq!(
            text,
            "2 of 3 periods have fewer than 30 answers and are left as gaps."
        );
        let (id, text) = sample_note(&trend(&[(None, 4), (None, 1)]), 30).unwrap();
        assert_eq!(id, "trend-not-enough");
        assert!(
            text.contains("fewer than 30 answers (the most is n = 4)"),
            "{text}"
        );
        assert_eq!(sample_note(&trend(&[]), 30), None);
    }
}
