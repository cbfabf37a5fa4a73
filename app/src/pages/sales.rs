use crate::api::journey::get_commerce_page;
use crate::components::filters::filter_bar::FilterBar;
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::partners::series_chart::SeriesChart;
use crate::components::partners::stat_tile::{delta, money, pct, StatTile};
use crate::domain::dimension::Dimension;
use crate::domain::journey::commerce::CommerceMetric;
use crate::model::journey::{CommerceView, TargetFigure};
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Sales & Conversion: conversion, AOV, cart abandonment, repeat purchase, returns, churn,
/// CLV, CAC and CLV:CAC against their targets, sales and spend by channel, and 12-month
/// trends. Live as orders, events and spend arrive.
#[component]
pub fn SalesPage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let page = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_commerce_page(q),
    );
    view! {
        <Title text="Sales & conversion · Signalroom" />
        <TopBar title="Sales & conversion" status=live.status share_path="/sales" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(v) => {
                            live.window.set(Some((v.from, v.to)));
                            view! { <SalesBody v=v /> }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// (label, chart id, money?, ratio?) per metric.
fn meta(m: CommerceMetric) -> (&'static str, &'static str, bool, bool) {
    match m {
        CommerceMetric::ConversionRate => ("Conversion rate", "trend-conversion", false, false),
        CommerceMetric::Aov => ("Average order value", "trend-aov", true, false),
        CommerceMetric::CartAbandonment => ("Cart abandonment", "trend-abandonment", false, false),
        CommerceMetric::RepeatPurchaseRate => {
            ("Repeat purchase rate", "trend-repeat", false, false)
        }
        CommerceMetric::ReturnRate => ("Return rate", "trend-returns", false, false),
        CommerceMetric::ChurnRate => ("Churn", "trend-churn", false, false),
        CommerceMetric::Clv => ("Customer lifetime value", "trend-clv", true, false),
        CommerceMetric::Cac => ("Customer acquisition cost", "trend-cac", true, false),
        CommerceMetric::ClvCacRatio => ("CLV : CAC", "trend-clv-cac", false, true),
    }
}

fn show(m: CommerceMetric, v: Option<f64>, currency: &str) -> String {
    let (_, _, is_money, ratio) = meta(m);
    match v {
        None => "No data".into(),
        Some(x) if is_money => money(x, currency),
        Some(x) if ratio => format!("{} : 1", format::number(x, 1)),
        Some(x) => pct(Some(x)),
    }
}

#[component]
fn SalesBody(v: CommerceView) -> impl IntoView {
    let currency = v.currency.clone().unwrap_or_else(|| "USD".into());
    // Orders carry channel and category; segment and region are the customer's.
    const DIMS: &[Dimension] = &[
        Dimension::Channel,
        Dimension::Segment,
        Dimension::ProductCategory,
        Dimension::Region,
    ];
    let filters = (!v.shared_view).then(|| {
        view! {
            <FilterBar query=v.query.clone() options=v.options.clone() path="/sales" dimensions=DIMS buckets=false />
        }
    });
    let tiles = v
        .metrics
        .iter()
        .map(|f: &TargetFigure| {
            let (label, _, is_money, ratio) = meta(f.metric);
            // Money changes in the currency; a ratio's change has no unit; rates in points.
            let unit = if is_money {
                format!(" {currency}")
            } else if ratio {
                String::new()
            } else {
                " pts".to_string()
            };
            let unit = unit.as_str();
            let (change, class) = delta(f.value, f.previous, f.metric.higher_is_better(), unit);
            let target = format!(
                "target {} {}",
                if f.metric.higher_is_better() { "≥" } else { "≤" },
                show(f.metric, Some(f.target), &currency)
            );
            let status = match f.meets {
                Some(true) => "meets",
                Some(false) => "misses",
                None => "",
            };
            let note = if change.is_empty() { format!("{target} {status}") } else { format!("{change} · {target} {status}") };
            view! {
                <StatTile label=label value=show(f.metric, f.value, &currency) note=note change_class=class testid=f.metric.as_str() />
            }
        })
        .collect_view();
    let f = &v.figures;
    let channels = f
        .channels
        .iter()
        .map(|c| {
            view! {
                <tr data-testid="channel-row">
                    <th scope="row">{if c.channel.is_empty() { "(not set)".to_string() } else { c.channel.clone() }}</th>
                    <td class="num">{format::count(c.orders)}</td>
                    <td class="num">{money(c.revenue, &currency)}</td>
                    <td class="num">{c.aov.map(|a| money(a, &currency)).unwrap_or_else(|| "—".into())}</td>
                    <td class="num">{money(c.spend, &currency)}</td>
                    <td class="num">{format::count(c.new_customers)}</td>
                    <td class="num">{c.cac.map(|a| money(a, &currency)).unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let months: Vec<String> = v
        .trend
        .iter()
        .map(|p| {
            let (y, m, _) = p.month.ymd();
            format!("{y}-{m:02}")
        })
        .collect();
    let trends = v
        .metrics
        .iter()
        .map(|fig| {
            let (label, id, _, _) = meta(fig.metric);
            let values: Vec<Option<f64>> = v
                .trend
                .iter()
                .map(|p| p.values.iter().find(|(m, _)| *m == fig.metric).map(|(_, x)| *x))
                .collect();
            let target = vec![Some(fig.target); values.len()];
            view! {
                <article class="trend-card">
                    <h3>{label}</h3>
                    <SeriesChart id=id labels=months.clone() series=vec![(label.to_string(), values), ("Target".to_string(), target)] />
                </article>
            }
        })
        .collect_view();
    let others = (!v.other_currencies.is_empty()).then(|| {
        view! {
            <p class="muted small" data-testid="other-currencies">
                {format!("Money in {currency}; orders in {} are left out of these figures.", v.other_currencies.join(", "))}
            </p>
        }
    });
    view! {
        {filters}
        <p class="compared">
            {format!("{} – {}", format::day(v.from), format::day(v.to))}
            {format!(
                " · {} orders, {} revenue, {} customers ({} new) · {} of {} active people ordered · {} of {} checkouts abandoned",
                format::count(f.orders),
                money(f.revenue, &currency),
                format::count(f.customers),
                format::count(f.new_customers),
                format::count(v.converted_people),
                format::count(v.active_people),
                format::count(v.abandoned),
                format::count(v.checkouts),
            )}
        </p>
        {others}
        <div class="tiles">{tiles}</div>
        <section class="panel" aria-labelledby="channels-title">
            <h2 id="channels-title">"Sales and spend by channel"</h2>
            <table class="data-table" data-testid="channel-table">
                <thead>
                    <tr>
                        <th>"Channel"</th>
                        <th class="num">"Orders"</th>
                        <th class="num">"Revenue"</th>
                        <th class="num">"AOV"</th>
                        <th class="num">"Marketing spend"</th>
                        <th class="num">"New customers"</th>
                        <th class="num">"CAC"</th>
                    </tr>
                </thead>
                <tbody>{channels}</tbody>
            </table>
            <p class="muted small">
                {format!(
                    "CLV = AOV × purchases per customer a year × {:.1} years of expected lifespan, over the 12 months to the range's end. CAC = marketing spend in the range / customers whose first order falls in it.",
                    f.lifespan_years
                )}
            </p>
        </section>
        <section class="panel" aria-labelledby="trends-title">
            <h2 id="trends-title">"12-month trends"</h2>
            <div class="trend-grid">{trends}</div>
        </section>
    }
}
