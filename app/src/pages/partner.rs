use crate::api::partners::get_partner_detail;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::partners::pipeline_table::PipelineTable;
use crate::components::partners::series_chart::SeriesChart;
use crate::components::partners::stat_tile::{delta, money, pct, StatTile};
use crate::model::partners::PartnerDetail;
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One partner's own page: who they are and how they are doing over the range: index and its
/// components, satisfaction, revenue and growth, operations, engagement, deals, stock.
#[component]
pub fn PartnerPage() -> impl IntoView {
    let params = use_params_map();
    let query_map = use_query_map();
    let live = use_live_updates();
    let key = Memo::new(move |_| {
        (
            params.with(|p| p.get("id").unwrap_or_default()),
            query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string()),
        )
    });
    let detail = Resource::new(
        move || (key.get(), live.version.get()),
        |((id, q), _)| get_partner_detail(id, q),
    );
    view! {
        <Title text="Partner · Signalroom" />
        <TopBar title="Partner" status=live.status />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => {
                            live.window.set(Some((d.from, d.to)));
                            let query = key.get_untracked().1;
                            view! { <PartnerView detail=d query=query /> }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

#[component]
fn PartnerView(detail: PartnerDetail, query: String) -> impl IntoView {
    let r = &detail.row;
    let before = detail.previous.as_ref();
    let cur = detail.currency.clone();
    let (idx_note, idx_class) = delta(r.index, before.and_then(|b| b.index), true, "");
    let (pss_note, pss_class) = delta(r.pss, before.and_then(|b| b.pss), true, " pts");
    let (ot_note, ot_class) = delta(
        r.on_time_pct,
        before.and_then(|b| b.on_time_pct),
        true,
        " pts",
    );
    let status = r.status.map(|s| s.as_str()).unwrap_or_default();
    let facts = format!(
        "{} · {} · signed {}{}{}",
        if r.tier.is_empty() {
            "no tier"
        } else {
            r.tier.as_str()
        },
        if r.region.is_empty() {
            "no region"
        } else {
            r.region.as_str()
        },
        &format::datetime(r.signed_at_ms)[..10],
        r.onboarding_days
            .map(|d| format!(" · live after {d:.0} days"))
            .unwrap_or_else(|| " · onboarding in progress".into()),
        r.churned_at_ms
            .map(|c| format!(" · churned {}", &format::datetime(c)[..10]))
            .unwrap_or_default(),
    );
    let back = if query.is_empty() {
        "/partners?view=performance".to_string()
    } else {
        format!("/partners?view=performance&{query}")
    };
    let feedback = format!("/voice?audience=partner&partner={}", r.id);
    let weeks: Vec<String> = detail
        .revenue_weeks
        .iter()
        .map(|w| w.week.to_string())
        .collect();
    let revenue_series = vec![(
        format!("Revenue ({cur})"),
        detail.revenue_weeks.iter().map(|w| Some(w.value)).collect(),
    )];
    let eng_labels: Vec<String> = detail
        .engagement_weeks
        .iter()
        .map(|w| w.week.to_string())
        .collect();
    let eng_series = vec![(
        "Logins and interactions".to_string(),
        detail
            .engagement_weeks
            .iter()
            .map(|w| Some(w.value))
            .collect(),
    )];
    let deals = detail
        .deals
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <td>{d.deal_id.clone()}</td>
                    <td>{d.stage.clone()}</td>
                    <td class="num">{money(d.value, &d.currency)}</td>
                    <td>{format::datetime(d.at_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    let stock = detail
        .inventory
        .iter()
        .map(|s| {
            let due = s.needs_reorder();
            view! {
                <tr class=if due { "status-bad" } else { "" }>
                    <td>{s.sku.clone()}</td>
                    <td class="num">{s.on_hand}</td>
                    <td class="num">{s.reorder_level}</td>
                    <td>{if due { "reorder" } else { "ok" }}</td>
                    <td>{format::datetime(s.at_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    let a = &r.activity;
    view! {
        <Title text=format!("{} · Partners · Signalroom", r.name) />
        <p><a href=back>"← All partners"</a></p>
        <header class="panel-head">
            <h2 class="partner-title" data-testid="partner-name">{r.name.clone()}</h2>
            <span class="badge" data-testid="partner-status">{status}</span>
        </header>
        <p class="muted" data-testid="partner-facts">{facts}</p>
        <p class="compared">{format!("{} – {}", format::day(detail.from), format::day(detail.to))}</p>
        <section class="tiles" aria-label="Partner figures">
            <StatTile label="Performance index" value=r.index.map(|v| format!("{v:.0}")).unwrap_or_else(|| "No data".into()) note=idx_note change_class=idx_class testid="partner-index" />
            <StatTile label="Partner satisfaction (PSS)" value=pct(r.pss) note=if pss_note.is_empty() { format!("n = {}", r.pss_n) } else { pss_note } change_class=pss_class testid="partner-pss" />
            <StatTile label="Partner NPS" value=r.pnps.map(|v| format!("{v:.1}")).unwrap_or_else(|| "No data".into()) note=format!("n = {}", r.pnps_n) testid="partner-pnps" />
            <StatTile label="Revenue" value=money(r.revenue, &cur) note=r.yoy_growth_pct.map(|g| format!("{g:+.1}% YoY")).unwrap_or_default() testid="partner-revenue" />
            <StatTile label="Orders" value=r.orders.to_string() note=r.aov.map(|v| format!("AOV {}", money(v, &cur))).unwrap_or_default() testid="partner-orders" />
            <StatTile label="On-time delivery" value=pct(r.on_time_pct) note=ot_note change_class=ot_class testid="partner-on-time" />
            <StatTile label="Order accuracy" value=pct(r.accuracy_pct) testid="partner-accuracy" />
            <StatTile label="Lead time" value=r.lead_time_secs.map(format::duration).unwrap_or_else(|| "No data".into()) testid="partner-lead-time" />
            <StatTile label="Engagement" value=r.engagement_pctile.map(|v| format!("p{v:.0}")).unwrap_or_else(|| "–".into()) note=format!("{} logins · {} interactions", a.logins, a.interactions) testid="partner-engagement" />
            <StatTile label="Training completion" value=pct(r.training_pct) note=format!("{} of {} · {} certifications", r.trainings_completed, r.trainings_started, a.certifications) testid="partner-training" />
            <StatTile label="Leads · conversion" value=a.leads.to_string() note=format!("{} of closed deals won", pct(r.conversion_pct)) testid="partner-leads" />
            <StatTile label="Open tickets" value=r.open_tickets.to_string() testid="partner-tickets" />
        </section>
        <div class="panels">
            <section class="panel">
                <h2>"Revenue by week"</h2>
                <SeriesChart id="partner-revenue-weeks" labels=weeks series=revenue_series />
            </section>
            <section class="panel">
                <h2>"Portal engagement by week"</h2>
                <SeriesChart id="partner-engagement-weeks" labels=eng_labels series=eng_series />
            </section>
        </div>
        <div class="panels">
            <section class="panel">
                <h2>"Deal pipeline"</h2>
                <PipelineTable stages=detail.pipeline.clone() currency=cur.clone() />
                <table class="data-table" data-testid="deals-table">
                    <thead><tr><th>"Deal"</th><th>"Stage"</th><th class="num">"Value"</th><th>"Updated"</th></tr></thead>
                    <tbody>{deals}</tbody>
                </table>
            </section>
            <section class="panel">
                <h2>"Stock"</h2>
                <table class="data-table" data-testid="stock-table">
                    <thead><tr><th>"SKU"</th><th class="num">"On hand"</th><th class="num">"Reorder level"</th><th>"Status"</th><th>"Counted"</th></tr></thead>
                    <tbody>{stock}</tbody>
                </table>
                <p class="muted small">{format!("Inventory turnover {} · {} communications", r.inventory_turnover.map(|t| format!("{t:.2}")).unwrap_or_else(|| "–".into()), a.communications())}</p>
            </section>
        </div>
        <p><a href=feedback>"This partner's feedback and sentiment →"</a></p>
    }
}
