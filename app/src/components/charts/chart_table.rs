use crate::components::format;
use leptos::prelude::*;

/// A chart's figures as a table, under the chart: for screen readers, for copying, and — when
/// the chart box stays empty (JavaScript off, or the chart library missing) — shown open in
/// its place (see `style/main.css`, `.chart:empty + .chart-table`).
#[component]
pub fn ChartTable(
    /// What the rows are (the first column's heading): "Day", "Week"…
    first: &'static str,
    labels: Vec<String>,
    /// (series name, values aligned with `labels`).
    series: Vec<(String, Vec<Option<f64>>)>,
    /// Decimals shown.
    #[prop(default = 1)]
    places: usize,
    /// Where the same figures download as CSV (the metric API), when they come from it.
    #[prop(default = None)]
    csv: Option<String>,
) -> impl IntoView {
    let head = series
        .iter()
        .map(|(name, _)| view! { <th scope="col" class="num">{name.clone()}</th> })
        .collect_view();
    let rows = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let cells = series
                .iter()
                .map(|(_, v)| {
                    let text = v
                        .get(i)
                        .copied()
                        .flatten()
                        .map(|x| format::number(x, places))
                        .unwrap_or_else(|| "–".into());
                    view! { <td class="num">{text}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{label.clone()}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <details class="chart-table" data-testid="chart-table">
            <summary>"The figures as a table"</summary>
            <div class="table-scroll">
                <table class="data-table">
                    <thead><tr><th scope="col">{first}</th>{head}</tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
        {csv.map(|href| view! { <CsvLink href=href /> })}
    }
    // Erased: the table sits deep inside page views, whose nested types otherwise exceed
    // the compiler's query depth in the release WASM build.
    .into_any()
}

/// "Download CSV" of exactly what a chart or table shows: a plain link, so it works without
/// JavaScript and the browser saves the file the server names.
#[component]
pub fn CsvLink(href: String) -> impl IntoView {
    view! {
        <a class="csv-link" href=href download="" data-testid="csv-link">"Download CSV"</a>
    }
}
