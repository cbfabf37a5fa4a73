use crate::components::filters::links::path_with;
use crate::model::voice::FeedbackPage;
use leptos::prelude::*;

/// The recent feedback log: newest first, with source, sentiment label and score, and
/// previous/next page links that keep the rest of the view.
#[component]
pub fn FeedbackLog(page: FeedbackPage, query: String) -> impl IntoView {
    let pages = ((page.total + page.per_page - 1) / page.per_page).max(1);
    let prev = (page.page > 1).then(|| {
        let p = (page.page - 1).to_string();
        view! { <a class="tab" href=path_with("/voice", &query, &[("page", Some(p.as_str()))])>"← Newer"</a> }
    });
    let next = (page.page < pages).then(|| {
        let p = (page.page + 1).to_string();
        view! { <a class="tab" href=path_with("/voice", &query, &[("page", Some(p.as_str()))])>"Older →"</a> }
    });
    let rows = page
        .items
        .into_iter()
        .map(|i| {
            let label = i.sentiment_label.as_str();
            let when = crate::domain::date::format_rfc3339(i.at_ms)
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " ");
            let who = if i.author.is_empty() {
                i.partner_id.clone()
            } else {
                i.author.clone()
            };
            view! {
                <tr data-testid="feedback-row">
                    <td class="nowrap">{when}</td>
                    <td>{i.source.label()}</td>
                    <td class="feedback-text">{i.text}</td>
                    <td>{who}</td>
                    <td><span class=format!("label label-{label}")>{label}</span></td>
                    <td class="num">{format!("{:+.2}", i.sentiment_score)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="table feedback-log" data-testid="feedback-log">
            <thead>
                <tr>
                    <th>"When (UTC)"</th>
                    <th>"Source"</th>
                    <th>"Feedback"</th>
                    <th>"Author"</th>
                    <th>"Sentiment"</th>
                    <th class="num">"Score"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <nav class="tabs pager" aria-label="Pages">
            {prev}
            <span class="muted" data-testid="feedback-total">
                {format!("{} texts · page {} of {}", page.total, page.page, pages)}
            </span>
            {next}
        </nav>
    }
}
