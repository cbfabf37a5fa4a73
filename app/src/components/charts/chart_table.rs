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
    /// Where the same figures download as CSV (the metric API), when they come from it;
    /// otherwise the table itself downloads, as shown.
    #[prop(default = None)]
    csv: Option<String>,
    /// The downloaded file's name when the table itself downloads (no extension).
    #[prop(default = "figures")]
    name: &'static str,
) -> impl IntoView {
    let download = match csv {
        Some(href) => view! { <CsvLink href=href /> }.into_any(),
        None => {
            let csv = table_csv(first, &labels, &series, places);
            view! { <TableCsvLink csv=csv name=name /> }.into_any()
        }
    };
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
        {download}
    }
    // Erased: the table sits deep inside page views, whose nested types otherwise exceed
    // the compiler's query depth in the release WASM build.
    .into_any()
}

/// The table as CSV: a header row, then one row per label, the values to the places shown
/// (empty where the table shows "–").
pub fn table_csv(
    first: &str,
    labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    places: usize,
) -> String {
    let mut header = vec![first.to_string()];
    header.extend(series.iter().map(|(name, _)| name.clone()));
    cells_csv(&header, &table_rows(labels, series, places))
}

/// A chart table's rows as cells: the label, then each series' value.
fn table_rows(
    labels: &[String],
    series: &[(String, Vec<Option<f64>>)],
    places: usize,
) -> Vec<Vec<CsvCell>> {
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let mut row = vec![CsvCell::Text(label.clone())];
            row.extend(
                series
                    .iter()
                    .map(|(_, v)| CsvCell::Number(v.get(i).copied().flatten(), places)),
            );
            row
        })
        .collect()
}

/// One cell of a downloaded table.
#[derive(Clone, Debug, PartialEq)]
pub enum CsvCell {
    /// A name or label (quoted and formula-guarded as needed).
    Text(String),
    /// A figure to the places shown; empty when missing.
    Number(Option<f64>, usize),
}

/// A header and rows as CSV (RFC 4180 line ends).
pub fn cells_csv(header: &[String], rows: &[Vec<CsvCell>]) -> String {
    use crate::domain::escape::csv_field;
    let mut out: String = header
        .iter()
        .map(|h| csv_field(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                CsvCell::Text(t) => csv_field(t),
                CsvCell::Number(Some(x), places) if x.is_finite() => {
                    // Numbers as numbers: a leading minus is a value, not a formula; −0
                    // after rounding is zero, as the table shows it.
                    let text = format!("{x:.places$}");
                    match text.strip_prefix('-') {
                        Some(t) if t.chars().all(|c| c == '0' || c == '.') => t.to_string(),
                        _ => text,
                    }
                }
                CsvCell::Number(..) => String::new(),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

/// "Download CSV" of a table the page holds: a `data:` link, so it works without JavaScript
/// and downloads exactly the rows shown.
#[component]
pub fn TableCsvLink(
    /// The file's content (see [`cells_csv`]).
    csv: String,
    /// The file's name, without `.csv`.
    name: &'static str,
) -> impl IntoView {
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        crate::domain::query::percent_encode(&csv)
    );
    view! {
        <a class="csv-link" href=href download=format!("{name}.csv") data-testid="csv-link">"Download CSV"</a>
    }
}

/// "Download CSV" of exactly what a chart or table shows: a plain link, so it works without
/// JavaScript and the browser saves the file the server names.
#[component]
pub fn CsvLink(href: String) -> impl IntoView {
    view! {
        <a class="csv-link" href=href download="" data-testid="csv-link">"Download CSV"</a>
    }
}

#[cfg(test)]
mod tests {
    use super::{cells_csv, table_csv, CsvCell};

    #[test]
    fn cells_keep_text_as_text_and_numbers_as_numbers() {
        let csv = cells_csv(
            &["Channel".into(), "Share %".into(), "In band".into()],
            &[vec![
                CsvCell::Text("=cmd".into()),
                CsvCell::Number(None, 1),
                CsvCell::Text("no".into()),
            ]],
        );
        assert_eq!(csv, "Channel,Share %,In band\r\n'=cmd,,no\r\n");
    }

    #[test]
    fn the_table_downloads_as_it_reads() {
        let csv = table_csv(
            "Period",
            &["2026-11-30".into(), "Acme, Inc".into()],
            &[
                ("Score".into(), vec![Some(-0.1234), Some(-0.001)]),
                ("n".into(), vec![Some(12.0), Some(3.0)]),
            ],
            2,
        );
        assert_eq!(
            csv,
            "Period,Score,n\r\n2026-11-30,-0.12,12.00\r\n\"Acme, Inc\",0.00,3.00\r\n"
        );
    }
}
