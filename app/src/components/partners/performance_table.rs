use super::stat_tile::{money, pct};
use crate::components::charts::chart_table::{cells_csv, CsvCell, TableCsvLink};
use crate::components::charts::sparkline::Sparkline;
use crate::components::filters::links::path_with;
use crate::domain::partner::sample;
use crate::model::partners::PartnerRow;
use leptos::prelude::*;

/// The sortable columns: (sort key, heading).
const COLUMNS: [(&str, &str); 10] = [
    ("name", "Partner"),
    ("tier", "Tier"),
    ("index", "Index"),
    ("revenue", "Revenue (12 weeks)"),
    ("growth", "YoY"),
    ("orders", "Orders"),
    ("pss", "PSS"),
    ("on_time", "On time"),
    ("engagement", "Engagement"),
    ("tickets", "Open tickets"),
];

/// Partners with their figures, sortable by any column (links, so sorting works without
/// JavaScript and the sort is in the URL); a partner's name opens its own page.
#[component]
pub fn PerformanceTable(
    rows: Vec<PartnerRow>,
    currency: String,
    sort: String,
    desc: bool,
    /// The page's query string (range and compare carry over to the links).
    query: String,
    /// A shared view is fixed: headings do not re-sort.
    fixed: bool,
) -> impl IntoView {
    let min = sample::min_sample(&query);
    let link_query = path_with("", &query, &[("sort", None), ("dir", None), ("view", None)]);
    let link_query = link_query.trim_start_matches('?').to_string();
    let heads = COLUMNS
        .iter()
        .map(|(key, label)| {
            let current = *key == sort;
            let dir = if current && desc {
                "asc"
            } else if current {
                "desc"
            } else {
                ""
            };
            let next = if dir.is_empty() {
                if matches!(*key, "name" | "tier" | "tickets") {
                    "asc"
                } else {
                    "desc"
                }
            } else {
                dir
            };
            let href = path_with(
                "/partners",
                &query,
                &[
                    ("view", Some("performance")),
                    ("sort", Some(key)),
                    ("dir", Some(next)),
                ],
            );
            let aria = current.then_some(if desc { "descending" } else { "ascending" });
            let class = if matches!(*key, "name" | "tier") {
                ""
            } else {
                "num"
            };
            let heading = if fixed {
                view! { <span>{*label}</span> }.into_any()
            } else {
                view! { <a href=href data-sort=*key>{*label}</a> }.into_any()
            };
            view! { <th class=class aria-sort=aria>{heading}</th> }
        })
        .collect_view();
    // Sorted by satisfaction, partners with too few answers go last: a PSS of 100 % from one
    // answer does not rank next to one from 133.
    let mut rows = rows;
    if sort == "pss" {
        rows.sort_by_key(|r| !sample::enough(r.pss_n, min));
    }
    let csv = partners_csv(&rows, &currency);
    let body = rows
        .into_iter()
        .map(|r| {
            let href = if link_query.is_empty() {
                format!("/partners/{}", r.id)
            } else {
                format!("/partners/{}?{link_query}", r.id)
            };
            let spark: Vec<Option<f64>> = r.revenue_weeks.iter().map(|v| Some(*v)).collect();
            let status = r
                .status
                .map(|s| s.as_str())
                .unwrap_or_default();
            view! {
                <tr data-partner=r.id.clone() data-testid="partner-row">
                    <td>
                        // A shared view opens no other page: the name is text there.
                        {if fixed {
                            view! { <span data-testid="partner-label">{r.name.clone()}</span> }.into_any()
                        } else {
                            view! { <a href=href data-testid="partner-link">{r.name.clone()}</a> }.into_any()
                        }}
                        {(status == "churned").then(|| view! { <span class="badge">" churned"</span> })}
                    </td>
                    <td>{r.tier.clone()}</td>
                    <td class="num" data-testid="partner-index">{r.index.map(|v| format!("{v:.0}")).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">
                        <Sparkline values=spark />
                        <span>{money(r.revenue, &currency)}</span>
                    </td>
                    <td class="num">{r.yoy_growth_pct.map(|g| format!("{g:+.0}%")).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{r.orders}</td>
                    <td class="num">{if sample::enough(r.pss_n, min) {
                        view! { {pct(r.pss)}<span class="muted">{format!(" n = {}", r.pss_n)}</span> }.into_any()
                    } else {
                        view! { <span class="muted" data-testid="pss-small">{format!("not enough data (n = {})", r.pss_n)}</span> }.into_any()
                    }}</td>
                    <td class="num">{pct(r.on_time_pct)}</td>
                    <td class="num">{r.engagement_pctile.map(|v| format!("p{v:.0}")).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{r.open_tickets}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table partners" data-testid="performance-table">
                <thead><tr>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
        <TableCsvLink csv=csv name="partners" />
    }
}

/// The partners as the table lists them, in its order, as CSV: figures as numbers (revenue in
/// `currency`), satisfaction with the answers it rests on.
pub fn partners_csv(rows: &[PartnerRow], currency: &str) -> String {
    let revenue = format!("Revenue, 12 weeks ({currency})");
    let header: Vec<String> = [
        "Partner id",
        "Partner",
        "Tier",
        "Status",
        "Index",
        revenue.as_str(),
        "YoY %",
        "Orders",
        "PSS %",
        "PSS answers",
        "On time %",
        "Engagement percentile",
        "Open tickets",
    ]
    .map(String::from)
    .to_vec();
    let text = |s: &str| CsvCell::Text(s.to_string());
    let num = |v: Option<f64>, places: usize| CsvCell::Number(v, places);
    let cells: Vec<Vec<CsvCell>> = rows
        .iter()
        .map(|r| {
            vec![
                text(&r.id),
                text(&r.name),
                text(&r.tier),
                text(r.status.map(|s| s.as_str()).unwrap_or_default()),
                num(r.index, 1),
                num(Some(r.revenue), 2),
                num(r.yoy_growth_pct, 1),
                num(Some(r.orders as f64), 0),
                num(r.pss, 1),
                num(Some(r.pss_n as f64), 0),
                num(r.on_time_pct, 1),
                num(r.engagement_pctile, 0),
                num(Some(r.open_tickets as f64), 0),
            ]
        })
        .collect();
    cells_csv(&header, &cells)
}
