use super::severity_label;
use crate::components::charts::chart_table::{cells_csv, CsvCell, TableCsvLink};
use crate::components::format;
use crate::model::alerts::AlertLogEntry;
use leptos::prelude::*;

/// The alert log: every transition with who and when, newest first.
#[component]
pub fn AlertLogTable(entries: Vec<AlertLogEntry>) -> impl IntoView {
    let csv = alert_log_csv(&entries);
    let empty = entries
        .is_empty()
        .then(|| view! { <p class="muted">"Nothing has happened yet."</p> });
    let rows = entries
        .into_iter()
        .map(|e| {
            let sev = e.severity.as_str();
            view! {
                <tr data-testid="alert-log-row">
                    <td>{format::datetime(e.at)}</td>
                    <td>{e.title}</td>
                    <td><span class=format!("sev-badge {sev}")>{severity_label(e.severity)}</span></td>
                    <td>{e.detail}</td>
                    <td>{e.action}</td>
                    <td>{e.action_taken}</td>
                    <td>{e.actor}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel wide" data-testid="alert-log">
            <h2>"Alert log"</h2>
            <div class="table-scroll">
                <table class="data-table">
                    <thead><tr><th>"Time"</th><th>"Title"</th><th>"Severity"</th><th>"Description"</th><th>"Status"</th><th>"Action taken"</th><th>"By"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {empty}
            <TableCsvLink csv=csv name="alert-log" />
        </section>
    }
}

/// The log as shown, as CSV (times in RFC 3339, UTC).
pub fn alert_log_csv(entries: &[AlertLogEntry]) -> String {
    let header: Vec<String> = [
        "Time",
        "Title",
        "Severity",
        "Description",
        "Status",
        "Action taken",
        "By",
    ]
    .map(String::from)
    .to_vec();
    let cells: Vec<Vec<CsvCell>> = entries
        .iter()
        .map(|e| {
            [
                crate::domain::date::format_rfc3339(e.at),
                e.title.clone(),
                e.severity.as_str().to_string(),
                e.detail.clone(),
                e.action.clone(),
                e.action_taken.clone(),
                e.actor.clone(),
            ]
            .map(CsvCell::Text)
            .to_vec()
        })
        .collect();
    cells_csv(&header, &cells)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::alert::rule::Severity;

    #[test]
    fn the_log_downloads_as_shown_with_utc_times() {
        let e = AlertLogEntry {
            id: 1,
            alert_id: "a1".into(),
            at: 60_000,
            actor: "ana@example.com".into(),
            action: "acknowledged".into(),
            detail: "CSAT 41%, below 50".into(),
            title: "CSAT low, chat".into(),
            severity: Severity::Critical,
            action_taken: String::new(),
        };
        assert_eq!(
            alert_log_csv(&[e]),
            "Time,Title,Severity,Description,Status,Action taken,By\r\n\
             1970-01-01T00:01:00Z,\"CSAT low, chat\",critical,\"CSAT 41%, below 50\",acknowledged,,ana@example.com\r\n"
        );
    }
}
