use super::severity_label;
use crate::components::format;
use crate::model::alerts::AlertLogEntry;
use leptos::prelude::*;

/// The alert log: every transition with who and when, newest first.
#[component]
pub fn AlertLogTable(entries: Vec<AlertLogEntry>) -> impl IntoView {
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
        </section>
    }
}
