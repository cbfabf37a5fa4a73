use crate::components::charts::chart_table::{cells_csv, CsvCell, TableCsvLink};
use crate::components::filters::links::path_with;
use crate::components::format;
use crate::domain::ticket_list::TicketSort;
use crate::model::support::{TicketList, TicketListRow};
use leptos::prelude::*;

const PATH: &str = "/support/tickets";

/// A sortable column header: a link that sorts by the column (its natural direction first,
/// then the other way), with `aria-sort` on the current one.
#[component]
fn SortHeader(
    list_query: String,
    sort: TicketSort,
    current: TicketSort,
    desc: bool,
    label: &'static str,
) -> impl IntoView {
    let active = sort == current;
    let next_desc = if active { !desc } else { sort.natural_desc() };
    let href = path_with(
        PATH,
        &list_query,
        &[
            ("sort", Some(sort.as_str())),
            ("dir", Some(if next_desc { "desc" } else { "asc" })),
        ],
    );
    let aria = active.then_some(if desc { "descending" } else { "ascending" });
    let arrow = active.then_some(if desc { " ▼" } else { " ▲" });
    view! {
        <th scope="col" aria-sort=aria data-sort=sort.as_str()>
            <a href=href>{label}{arrow}</a>
        </th>
    }
}

/// The page of tickets shown, as CSV: times in RFC 3339 (UTC), durations in seconds, so the
/// file is data rather than display text.
pub fn tickets_csv(rows: &[TicketListRow]) -> String {
    let header: Vec<String> = [
        "Ticket",
        "Created",
        "Channel",
        "Status",
        "Priority",
        "First response (s)",
        "Resolution (s)",
        "CSAT",
        "Updated",
        "Customer",
        "VIP",
        "Category",
        "Segment",
        "Region",
        "Partner",
    ]
    .map(String::from)
    .to_vec();
    let secs = |s: Option<i64>| CsvCell::Number(s.map(|s| s as f64), 0);
    let text = |s: &str| CsvCell::Text(s.to_string());
    let cells: Vec<Vec<CsvCell>> = rows
        .iter()
        .map(|t| {
            vec![
                text(&t.id),
                text(&crate::domain::date::format_rfc3339(t.created_at)),
                text(&t.channel),
                text(&t.status),
                text(&t.priority),
                secs(t.first_response_secs),
                secs(t.resolution_secs),
                secs(t.satisfaction),
                text(&crate::domain::date::format_rfc3339(t.updated_at)),
                text(t.customer_id.as_deref().unwrap_or_default()),
                text(if t.vip { "yes" } else { "no" }),
                text(&t.category),
                text(&t.segment),
                text(&t.region),
                text(&t.partner_id),
            ]
        })
        .collect();
    cells_csv(&header, &cells)
}

/// One page of tickets with sortable columns and paging links.
#[component]
pub fn TicketTable(list: TicketList, query: String) -> impl IntoView {
    let p = list.params.clone();
    let csv = tickets_csv(&list.rows);
    let header = move |sort: TicketSort, label: &'static str| {
        view! { <SortHeader list_query=query.clone() sort=sort current=p.sort desc=p.desc label=label /> }
    };
    let headers = (
        header(TicketSort::Created, "Created"),
        header(TicketSort::Channel, "Channel"),
        header(TicketSort::Status, "Status"),
        header(TicketSort::Priority, "Priority"),
        header(TicketSort::FirstResponse, "First response"),
        header(TicketSort::Resolution, "Resolution"),
        header(TicketSort::Satisfaction, "CSAT"),
        header(TicketSort::Updated, "Updated"),
    );
    let dur = |s: Option<i64>| {
        s.map(|s| format::duration(s as f64))
            .unwrap_or_else(|| "—".into())
    };
    let rows = list
        .rows
        .into_iter()
        .map(|t| {
            let vip = t.vip.then(|| view! { <span class="badge">"VIP"</span> });
            view! {
                <tr data-testid="ticket-row">
                    <td><code>{t.id}</code></td>
                    <td>{format::datetime(t.created_at)}</td>
                    <td data-col="channel">{t.channel}</td>
                    <td data-col="status">{t.status}</td>
                    <td>{t.priority}</td>
                    <td class="num" data-col="first_response">{dur(t.first_response_secs)}</td>
                    <td class="num">{dur(t.resolution_secs)}</td>
                    <td class="num" data-col="satisfaction">{t.satisfaction.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                    <td>{format::datetime(t.updated_at)}</td>
                    <td>{t.customer_id.unwrap_or_default()} " " {vip}</td>
                    <td>{t.category}</td>
                    <td>{t.segment}</td>
                    <td>{t.region}</td>
                    <td>{t.partner_id}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table tickets" data-testid="ticket-table">
                <thead>
                    <tr>
                        <th scope="col">"Ticket"</th>
                        {headers}
                        <th scope="col">"Customer"</th>
                        <th scope="col">"Category"</th>
                        <th scope="col">"Segment"</th>
                        <th scope="col">"Region"</th>
                        <th scope="col">"Partner"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <TableCsvLink csv=csv name="tickets" />
    }
}

/// "Page 2 of 14" with previous / next links.
#[component]
pub fn Pager(
    page: i64,
    pages: i64,
    total: i64,
    query: String,
    /// Names this pager among others on the page ("top", "bottom").
    place: &'static str,
) -> impl IntoView {
    let link = |n: i64| {
        let n = n.to_string();
        path_with(PATH, &query, &[("page", Some(n.as_str()))])
    };
    let prev = (page > 1)
        .then(|| view! { <a class="button" rel="prev" href=link(page - 1)>"← Previous"</a> });
    let next = (page < pages)
        .then(|| view! { <a class="button" rel="next" href=link(page + 1)>"Next →"</a> });
    view! {
        <nav class="pager" aria-label=format!("Pages, {place}") data-testid="pager">
            {prev}
            <span>{format!("Page {page} of {pages} · {} tickets", format::count(total))}</span>
            {next}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_page_downloads_as_data() {
        let row = TicketListRow {
            id: "T-1".into(),
            created_at: 0,
            updated_at: 90_000,
            first_response_secs: Some(600),
            resolution_secs: None,
            status: "open".into(),
            priority: "high".into(),
            channel: "email".into(),
            satisfaction: Some(4),
            category: "=billing".into(),
            customer_id: None,
            partner_id: String::new(),
            segment: "SMB".into(),
            region: "EMEA".into(),
            vip: true,
        };
        let csv = tickets_csv(&[row]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("Ticket,Created,Channel"), "{csv}");
        assert_eq!(
            lines[1],
            "T-1,1970-01-01T00:00:00Z,email,open,high,600,,4,1970-01-01T00:01:30Z,,yes,'=billing,SMB,EMEA,"
        );
    }
}
