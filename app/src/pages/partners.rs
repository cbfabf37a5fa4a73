use crate::api::partners::get_partners_page;
use crate::components::filters::links::{path_with, query_param};
use crate::components::filters::range_tabs::range_tabs;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::partners::performance_table::PerformanceTable;
use crate::components::partners::pipeline_table::PipelineTable;
use crate::components::partners::series_chart::SeriesChart;
use crate::components::partners::stat_tile::{delta, money, pct, StatTile};
use crate::domain::partner::sample;
use crate::model::partners::{PartnerHeadline, PartnerRow, PartnersPage as Page};
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The partner dashboards' views: (query value, tab label).
const VIEWS: [(&str, &str); 5] = [
    ("summary", "Executive summary"),
    ("performance", "Performance"),
    ("engagement", "Engagement"),
    ("operations", "Supply chain & operations"),
    ("revenue", "Revenue & growth"),
];

/// The partner command centre: an executive summary, the performance table (a partner opens
/// its own page), engagement, supply chain and operations, revenue and growth, and a link to
/// partner feedback and sentiment. Live as partner data arrives.
#[component]
pub fn PartnersPage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let page = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_partners_page(q),
    );
    view! {
        <Title text="Partners · Signalroom" />
        <TopBar title="Partner experience" status=live.status share_path="/partners" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            live.window.set(Some((p.from, p.to)));
                            view! { <PartnersView page=p query=raw.get_untracked() /> }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn PartnersView(page: Page, query: String) -> impl IntoView {
    let current = query_param(&query, "view").unwrap_or_else(|| "summary".into());
    let fixed = page.shared_view;
    let link = |changes: &[(&str, Option<&str>)]| path_with("/partners", &query, changes);
    let tabs = VIEWS
        .iter()
        .map(|(v, label)| {
            let href = link(&[("view", Some(v))]);
            let here = (*v == current).then_some("page");
            view! { <a class="tab" href=href aria-current=here data-view=*v>{*label}</a> }
        })
        .collect_view();
    let range_now = query_param(&query, "range").unwrap_or_else(|| "30d".into());
    let ranges = (!fixed).then(|| range_tabs("/partners", &query));
    let comparing = page.previous_range.is_some();
    let compare = (!fixed).then(|| {
        let href = link(&[("compare", Some(if comparing { "none" } else { "previous" }))]);
        let label = if comparing {
            "Stop comparing"
        } else {
            "Compare with the previous period"
        };
        view! { <a class="tab" href=href data-testid="compare-toggle">{label}</a> }
    });
    // How many satisfaction answers a partner needs to be ranked (small samples are not facts).
    let min_now = sample::min_sample(&query);
    let minimums = (!fixed).then(|| {
        let choices = sample::CHOICES
            .into_iter()
            .map(|n| {
                let v = n.to_string();
                let href = link(&[("min_sample", Some(v.as_str()))]);
                let here = (n == min_now).then_some("page");
                view! { <a class="tab" href=href aria-current=here data-testid=format!("min-sample-{n}")>{v.clone()}</a> }
            })
            .collect_view();
        view! {
            <nav class="tabs" aria-label="Minimum sample" data-testid="min-sample">
                <span class="muted small">"Rank partners with at least"</span>
                {choices}
                <span class="muted small">"satisfaction answers"</span>
            </nav>
        }
    });
    // A shared view is one fixed view: its other tabs would not change what it shows.
    let tabs = (!fixed).then_some(tabs);
    let mut feedback = format!("/voice?audience=partner&range={range_now}");
    if let Some(p) = &page.scoped_partner {
        feedback.push_str(&format!("&partner={p}"));
    }
    let scope = page.scoped_partner.clone().map(|p| {
        view! { <p class="shared-note" data-testid="partner-scope">{format!("Partner view: {p}")}</p> }
    });
    let others = (!page.other_currencies.is_empty()).then(|| {
        view! {
            <p class="muted small" data-testid="other-currencies">
                {format!(
                    "Money in {}; orders in {} are counted in volumes and operations, not in revenue.",
                    page.currency,
                    page.other_currencies.join(", ")
                )}
            </p>
        }
    });
    let body = match current.as_str() {
        "performance" => performance(&page, &query).into_any(),
        "engagement" => engagement(&page).into_any(),
        "operations" => operations(&page).into_any(),
        "revenue" => revenue(&page).into_any(),
        _ => summary(&page, &query).into_any(),
    };
    view! {
        {scope}
        <nav class="tabs" aria-label="Partner views">
            {tabs}
            {(!fixed).then(|| view! { <a class="tab" href=feedback data-view="feedback">"Feedback & sentiment"</a> })}
        </nav>
        <nav class="tabs" aria-label="Range">{ranges}{compare}</nav>
        {minimums}
        <p class="compared">
            {format!("{} – {}", format::day(page.from), format::day(page.to))}
            {page.previous_range.map(|(f, t)| format!(" · compared with {} – {}", format::day(f), format::day(t)))}
        </p>
        {others}
        {body}
    }
}

fn prev<T>(page: &Page, f: impl Fn(&PartnerHeadline) -> T) -> Option<T> {
    page.previous.as_ref().map(f)
}

fn summary(page: &Page, query: &str) -> impl IntoView {
    let h = &page.headline;
    let (pss_note, pss_class) = delta(h.pss, prev(page, |p| p.pss).flatten(), true, " pts");
    let (eng_note, eng_class) = delta(
        h.engagement_rate_pct,
        prev(page, |p| p.engagement_rate_pct).flatten(),
        true,
        " pts",
    );
    let (idx_note, idx_class) = delta(
        h.mean_index,
        prev(page, |p| p.mean_index).flatten(),
        true,
        "",
    );
    let share = h
        .revenue_share_pct
        .map(|s| format!("{s:.1}% of all revenue"))
        .unwrap_or_default();
    let min = sample::min_sample(query);
    let figures: Vec<(Option<f64>, i64)> = page.rows.iter().map(|r| (r.index, r.pss_n)).collect();
    let (lowest, left_out) = sample::lowest(&figures, min, 5);
    let left_out = (left_out > 0).then(|| {
        view! {
            <p class="muted small" data-testid="attention-left-out">
                {format!("{left_out} partners with fewer than {min} satisfaction answers are not ranked: not enough data.")}
            </p>
        }
    });
    let attention = lowest
        .into_iter()
        .filter_map(|i| page.rows.get(i))
        .map(|r: &PartnerRow| {
            view! {
                <li>
                    {if page.shared_view {
                        view! { <span>{r.name.clone()}</span> }.into_any()
                    } else {
                        view! { <a href=format!("/partners/{}", r.id)>{r.name.clone()}</a> }.into_any()
                    }}
                    <span class="muted">{format!(" index {:.0} · PSS {} · on time {}", r.index.unwrap_or(0.0), pct(r.pss), pct(r.on_time_pct))}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="tiles" aria-label="Partner headline">
            <StatTile label="Partners" value=format!("{} active", h.active) note=format!("{} registered · {} onboarding", h.partners, h.onboarding.in_progress) testid="partners-active" />
            <StatTile label="Partner satisfaction (PSS)" value=pct(h.pss) note=if pss_note.is_empty() { format!("n = {}", h.pss_n) } else { pss_note } change_class=pss_class testid="partners-pss" />
            <StatTile label="Partner NPS" value=h.pnps.map(|v| format!("{v:.1}")).unwrap_or_else(|| "No data".into()) note=format!("n = {}", h.pnps_n) testid="partners-pnps" />
            <StatTile label="Partner retention" value=pct(h.retention.retention_pct) note=format!("{} churned of {} at the start", h.retention.churned, h.retention.at_start) testid="partners-retention" />
            <StatTile label="Revenue through partners" value=money(h.revenue, &page.currency) note=share testid="partners-revenue" />
            <StatTile label="YoY growth" value=h.yoy_growth_pct.map(|g| format!("{g:+.1}%")).unwrap_or_else(|| "No data".into()) note="on the same period a year earlier".to_string() testid="partners-growth" />
            <StatTile label="Partner engagement rate" value=pct(h.engagement_rate_pct) note=eng_note change_class=eng_class testid="partners-engagement" />
            <StatTile label="Performance index (mean)" value=h.mean_index.map(|v| format!("{v:.0}")).unwrap_or_else(|| "No data".into()) note=idx_note change_class=idx_class testid="partners-index" />
            <StatTile label="On-time delivery" value=pct(h.on_time_pct) testid="partners-on-time" />
            <StatTile label="Open partner tickets" value=h.open_tickets.to_string() testid="partners-tickets" />
        </section>
        <div class="panels">
            <section class="panel">
                <h2>"Revenue through partners, by month"</h2>
                {revenue_chart(page)}
            </section>
            <section class="panel" data-testid="attention">
                <h2>"Lowest performance index"</h2>
                <ol>{attention}</ol>
                {left_out}
                <p class="muted small">{weights_note(page)}</p>
            </section>
        </div>
    }
}

fn weights_note(page: &Page) -> String {
    let w = page.weights;
    format!(
        "Index 0–100: weighted mean of satisfaction ({}), on-time delivery ({}), revenue growth ({}), engagement percentile ({}) and training completion ({}); components without data are left out.",
        w.satisfaction, w.delivery, w.growth, w.engagement, w.training
    )
}

fn revenue_chart(page: &Page) -> impl IntoView {
    let labels: Vec<String> = page
        .revenue_trend
        .iter()
        .map(|p| p.month.to_string()[..7].to_string())
        .collect();
    let mut series = vec![(
        format!("Through partners ({})", page.currency),
        page.revenue_trend
            .iter()
            .map(|p| Some(p.partner_revenue))
            .collect(),
    )];
    if page.scoped_partner.is_none() {
        series.push((
            format!("All revenue ({})", page.currency),
            page.revenue_trend
                .iter()
                .map(|p| Some(p.total_revenue))
                .collect(),
        ));
    }
    view! { <SeriesChart id="partner-revenue-chart" labels=labels series=series /> }
}

fn performance(page: &Page, query: &str) -> impl IntoView {
    view! {
        <section class="panel">
            <h2>{format!("Partners ({})", page.rows.len())}</h2>
            <PerformanceTable
                rows=page.rows.clone()
                currency=page.currency.clone()
                sort=page.sort.clone()
                desc=page.desc
                query=query.to_string()
                fixed=page.shared_view
            />
            <p class="muted small">{weights_note(page)}</p>
        </section>
    }
}

fn engagement(page: &Page) -> impl IntoView {
    let h = &page.headline;
    let labels: Vec<String> = page
        .engagement_trend
        .iter()
        .map(|w| w.week.to_string())
        .collect();
    let series = vec![(
        "Logins and interactions".to_string(),
        page.engagement_trend
            .iter()
            .map(|w| Some(w.value))
            .collect(),
    )];
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let a = &r.activity;
            view! {
                <tr>
                    <td><a href=format!("/partners/{}", r.id)>{r.name.clone()}</a></td>
                    <td class="num">{a.logins}</td>
                    <td class="num">{a.interactions}</td>
                    <td class="num">{format!("{} / {}", r.trainings_completed, r.trainings_started)}</td>
                    <td class="num">{a.certifications}</td>
                    <td class="num">{a.programs}</td>
                    <td class="num">{a.communications()}</td>
                    <td class="num">{r.onboarding_days.map(|d| format!("{d:.0} d")).unwrap_or_else(|| "onboarding".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="tiles" aria-label="Engagement">
            <StatTile label="Engagement rate" value=pct(h.engagement_rate_pct) note=format!("{} logins · {} interactions", h.logins, h.interactions) testid="eng-rate" />
            <StatTile label="Training completion" value=pct(h.training_pct) note=format!("{} of {} started", h.trainings_completed, h.trainings_started) testid="eng-training" />
            <StatTile label="Certifications" value=h.certifications.to_string() testid="eng-certs" />
            <StatTile label="Programme participation" value=pct(h.program_participation_pct) testid="eng-programs" />
            <StatTile label="Communications per partner / 30 d" value=h.communications_per_partner_30d.map(|v| format!("{v:.1}")).unwrap_or_else(|| "No data".into()) note=format!("{} emails · {} meetings · {} calls", h.emails, h.meetings, h.calls) testid="eng-comms" />
            <StatTile label="Onboarding time (median)" value=h.onboarding.median_days.map(|d| format!("{d:.0} days")).unwrap_or_else(|| "No data".into()) note=format!("{} went live · {} in progress", h.onboarding.completed, h.onboarding.in_progress) testid="eng-onboarding" />
        </section>
        <section class="panel">
            <h2>"Portal engagement by week"</h2>
            <SeriesChart id="partner-engagement-chart" labels=labels series=series />
        </section>
        <section class="panel">
            <h2>"By partner"</h2>
            <div class="table-scroll">
                <table class="data-table" data-testid="engagement-table">
                    <thead><tr><th>"Partner"</th><th class="num">"Logins"</th><th class="num">"Interactions"</th><th class="num">"Trainings done"</th><th class="num">"Certifications"</th><th class="num">"Programmes"</th><th class="num">"Communications"</th><th class="num">"Onboarding"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn operations(page: &Page) -> impl IntoView {
    let h = &page.headline;
    let reorder = page
        .reorder
        .iter()
        .map(|s| {
            view! {
                <tr>
                    <td><a href=format!("/partners/{}", s.partner_id)>{s.partner_id.clone()}</a></td>
                    <td>{s.sku.clone()}</td>
                    <td class="num">{s.on_hand}</td>
                    <td class="num">{s.reorder_level}</td>
                    <td>{format::datetime(s.at_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    let rows = page
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td><a href=format!("/partners/{}", r.id)>{r.name.clone()}</a></td>
                    <td class="num">{pct(r.on_time_pct)}</td>
                    <td class="num">{pct(r.accuracy_pct)}</td>
                    <td class="num">{r.lead_time_secs.map(format::duration).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{pct(r.return_pct)}</td>
                    <td class="num">{pct(r.margin_pct)}</td>
                    <td class="num">{r.inventory_turnover.map(|t| format!("{t:.2}")).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{format!("{} / {}", r.skus_below_reorder, r.skus)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="tiles" aria-label="Operations">
            <StatTile label="On-time delivery" value=pct(h.on_time_pct) note="of delivered orders with a promise".to_string() testid="ops-on-time" />
            <StatTile label="Order accuracy" value=pct(h.accuracy_pct) testid="ops-accuracy" />
            <StatTile label="Lead time (mean)" value=h.lead_time_secs.map(format::duration).unwrap_or_else(|| "No data".into()) note="order → delivery".to_string() testid="ops-lead-time" />
            <StatTile label="Return rate" value=pct(h.return_pct) testid="ops-returns" />
            <StatTile label="Profit margin" value=pct(h.margin_pct) note="over orders with a cost".to_string() testid="ops-margin" />
            <StatTile label="Inventory turnover" value=h.inventory_turnover.map(|t| format!("{t:.2}")).unwrap_or_else(|| "No data".into()) note="units drawn down / mean stock".to_string() testid="ops-turnover" />
            <StatTile label="SKUs at or below reorder level" value=h.skus_below_reorder.to_string() testid="ops-reorder" />
        </section>
        <section class="panel">
            <h2>"Due for reorder"</h2>
            <table class="data-table" data-testid="reorder-table">
                <thead><tr><th>"Partner"</th><th>"SKU"</th><th class="num">"On hand"</th><th class="num">"Reorder level"</th><th>"Counted"</th></tr></thead>
                <tbody>{reorder}</tbody>
            </table>
        </section>
        <section class="panel">
            <h2>"By partner"</h2>
            <div class="table-scroll">
                <table class="data-table" data-testid="operations-table">
                    <thead><tr><th>"Partner"</th><th class="num">"On time"</th><th class="num">"Accuracy"</th><th class="num">"Lead time"</th><th class="num">"Returns"</th><th class="num">"Margin"</th><th class="num">"Turnover"</th><th class="num">"Reorder / SKUs"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn revenue(page: &Page) -> impl IntoView {
    let h = &page.headline;
    let currency = page.currency.clone();
    let rows = page
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td><a href=format!("/partners/{}", r.id)>{r.name.clone()}</a></td>
                    <td class="num">{money(r.revenue, &currency)}</td>
                    <td class="num">{pct(r.revenue_share_pct)}</td>
                    <td class="num">{r.yoy_growth_pct.map(|g| format!("{g:+.1}%")).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{r.orders}</td>
                    <td class="num">{r.aov.map(|v| money(v, &currency)).unwrap_or_else(|| "–".into())}</td>
                    <td class="num">{r.leads}</td>
                    <td class="num">{pct(r.conversion_pct)}</td>
                    <td class="num">{money(r.pipeline_value, &currency)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="tiles" aria-label="Revenue">
            <StatTile label="Revenue through partners" value=money(h.revenue, &page.currency) note=pct(h.revenue_share_pct) + " of all revenue" testid="rev-revenue" />
            <StatTile label="YoY growth" value=h.yoy_growth_pct.map(|g| format!("{g:+.1}%")).unwrap_or_else(|| "No data".into()) testid="rev-growth" />
            <StatTile label="Sales volume" value=format!("{} orders", h.orders) note=h.aov.map(|a| format!("AOV {}", money(a, &page.currency))).unwrap_or_default() testid="rev-orders" />
            <StatTile label="Leads" value=h.leads.to_string() testid="rev-leads" />
            <StatTile label="Deal conversion" value=pct(h.conversion_pct) note="won of deals closed in the period".to_string() testid="rev-conversion" />
            <StatTile label="Open pipeline" value=money(h.pipeline_value, &page.currency) note=format!("{} open deals", h.pipeline_deals) testid="rev-pipeline" />
        </section>
        <div class="panels">
            <section class="panel">
                <h2>"Revenue by month"</h2>
                {revenue_chart(page)}
            </section>
            <section class="panel">
                <h2>"Deal pipeline"</h2>
                <PipelineTable stages=page.pipeline.clone() currency=page.currency.clone() />
            </section>
        </div>
        <section class="panel">
            <h2>"By partner"</h2>
            <div class="table-scroll">
                <table class="data-table" data-testid="revenue-table">
                    <thead><tr><th>"Partner"</th><th class="num">"Revenue"</th><th class="num">"Share"</th><th class="num">"YoY"</th><th class="num">"Orders"</th><th class="num">"AOV"</th><th class="num">"Leads"</th><th class="num">"Conversion"</th><th class="num">"Pipeline"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
