use crate::api::support::get_support_page;
use crate::components::charts::chart_table::TableCsvLink;
use crate::components::filters::links::{path_with, RANGE_PRESETS};
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::components::live::use_live_updates;
use crate::components::metric_info::MetricInfo;
use crate::components::support::heatmap::WeekHourHeatmapView;
use crate::components::support::trends::SupportTrends;
use crate::domain::catalogue;
use crate::domain::metric::{Direction, Unit};
use crate::domain::query::decode_pairs;
use crate::domain::target::{self, Goal};
use crate::model::support::{DurationStats, SupportPage, SupportPrevious};
use crate::pages::access_error::AccessErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/support?<query>` with `key` set to `value` (or removed when empty).
fn link(query: &str, key: &str, value: &str) -> String {
    path_with("/support", query, &[(key, Some(value))])
}

/// Customer Support Performance: first response and resolution times, FCR, CSAT with
/// support, backlog, channel mix against its bands (click a channel to drill in), MTTA /
/// MTTR by severity, open incidents and the VIP customers to reach out to. Live.
#[component]
pub fn SupportPage() -> impl IntoView {
    let query_map = use_query_map();
    let live = use_live_updates();
    let raw = Memo::new(move |_| {
        query_map.with(|p| p.to_query_string().trim_start_matches('?').to_string())
    });
    let page = Resource::new(
        move || (raw.get(), live.version.get()),
        |(q, _)| get_support_page(q),
    );
    view! {
        <Title text="Customer support · Signalroom" />
        <TopBar title="Customer support" status=live.status />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            live.window.set(Some((p.report.from, p.report.to)));
                            view! { <SupportView page=p query=raw.get_untracked() /> }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// A tile's goal and the figure it judges: status colour and word, "Target ≤ 2 h", and the
/// metric's info popover.
struct Judged {
    metric: &'static str,
    goal: Option<Goal>,
    value: Option<f64>,
    /// The same figure over the comparison period (`None`: no comparison asked for).
    previous: Option<Option<f64>>,
}

impl Judged {
    /// The metric's direction and unit from the catalogue.
    fn shape(&self) -> (Direction, Unit) {
        catalogue::find(self.metric).map_or((Direction::HigherIsBetter, Unit::Count), |m| {
            (m.direction, m.unit)
        })
    }

    fn status(&self) -> (&'static str, &'static str) {
        format::status(target::status(self.goal, self.value, self.shape().0))
    }

    /// "+12 s vs comparison", coloured better or worse, as the summary's tiles say it.
    fn change(&self) -> Option<(String, &'static str)> {
        let (direction, unit) = self.shape();
        match (self.value, self.previous?) {
            (Some(v), Some(p)) => {
                let d = v - p;
                Some((
                    format!("{} vs comparison", format::change(d, unit)),
                    format::change_class(d, direction),
                ))
            }
            _ => Some(("no comparison".into(), "flat")),
        }
    }

    fn target_text(&self) -> Option<String> {
        let (direction, unit) = self.shape();
        self.goal
            .map(|g| g.describe(direction, |v| format::value(v, unit)))
    }
}

#[component]
fn DurationTile(
    label: &'static str,
    stats: DurationStats,
    testid: &'static str,
    judged: Judged,
) -> impl IntoView {
    let value = stats
        .median_secs
        .map(format::duration)
        .unwrap_or_else(|| "No data".into());
    let detail = match (stats.mean_secs, stats.p90_secs) {
        (Some(m), Some(p)) => format!("mean {} · p90 {}", format::duration(m), format::duration(p)),
        _ => String::new(),
    };
    view! {
        <JudgedTile label=format!("{label} (median)") value=value note=format!("n = {}", format::count(stats.n)) detail=detail testid=testid judged=judged n=stats.n />
    }
}

#[component]
fn JudgedTile(
    label: String,
    value: String,
    note: String,
    #[prop(default = String::new())] detail: String,
    testid: &'static str,
    judged: Judged,
    n: i64,
) -> impl IntoView {
    let (status, word) = judged.status();
    let target = judged.target_text();
    let change = judged.change().map(|(text, class)| {
        view! { <p class=format!("tile-change {class}") data-testid="tile-change">{text}</p> }
    });
    let info_target = target.clone();
    view! {
        <article class=format!("tile status-{status}") data-testid=testid>
            <div class="tile-link">
                <p class="tile-label">{label}</p>
                <p class="tile-value">{value}</p>
                <p class="tile-status" data-testid="tile-status">{word}</p>
                {change}
                <p class="tile-sample">{note}</p>
                {target.map(|t| view! { <p class="tile-target">"Target " {t}</p> })}
                {(!detail.is_empty()).then(|| view! { <p class="tile-target">{detail}</p> })}
            </div>
            <MetricInfo id=judged.metric n=Some(n) target=info_target />
        </article>
    }
}

#[component]
fn NumberTile(
    label: &'static str,
    value: String,
    note: String,
    testid: &'static str,
    change: Option<String>,
) -> impl IntoView {
    view! {
        <article class="tile" data-testid=testid>
            <div class="tile-link">
                <p class="tile-label">{label}</p>
                <p class="tile-value">{value}</p>
                {change.map(|c| view! { <p class="tile-change flat" data-testid="tile-change">{c}</p> })}
                <p class="tile-sample">{note}</p>
            </div>
        </article>
    }
}

#[component]
fn SupportView(page: SupportPage, query: String) -> impl IntoView {
    let prev = page.previous.clone();
    let judged = |metric: &'static str,
                  value: Option<f64>,
                  before: fn(&SupportPrevious) -> Option<f64>| Judged {
        metric,
        goal: page.goal(metric),
        value,
        previous: prev.as_ref().map(before),
    };
    let frt = judged(
        "first_response_time",
        page.report.first_response_time.median_secs,
        |p| p.first_response_median_secs,
    );
    let resolution = judged(
        "resolution_time",
        page.report.resolution_time.median_secs,
        |p| p.resolution_median_secs,
    );
    let fcr = judged("fcr", page.report.fcr.value, |p| p.fcr.value);
    let csat = judged("support_csat", page.report.csat.value, |p| p.csat.value);
    let compared = prev.as_ref().map_or_else(
        || "No comparison".to_string(),
        |p| {
            format!(
                "Compared with {} – {}",
                format::day(p.from),
                format::day(p.to)
            )
        },
    );
    // Counts change by their difference; fewer tickets or a smaller backlog is not judged.
    let count_change = |now: i64, before: Option<i64>| {
        before.map(|b| {
            format!(
                "{} vs comparison",
                format::change((now - b) as f64, Unit::Count)
            )
        })
    };
    let tickets_change = count_change(page.report.tickets, prev.as_ref().map(|p| p.tickets));
    let backlog_change = count_change(page.report.backlog, prev.as_ref().map(|p| p.backlog));
    let r = page.report;
    let pct = |v: Option<f64>| {
        v.map(|v| format!("{v:.1}%"))
            .unwrap_or_else(|| "No data".into())
    };
    let current_range = decode_pairs(&query)
        .into_iter()
        .find(|(k, _)| k == "range")
        .map(|(_, v)| v)
        .unwrap_or_else(|| "30d".into());
    let ranges = RANGE_PRESETS
        .into_iter()
        .map(|(v, l)| {
            let current = (v == current_range).then_some("page");
            view! { <a class="tab" href=link(&query, "range", v) aria-current=current>{l}</a> }
        })
        .collect_view();
    let filtered = decode_pairs(&query)
        .into_iter()
        .find(|(k, _)| k == "channel")
        .map(|(_, c)| {
            let clear = link(&query, "channel", "");
            view! {
                <p class="compared" data-testid="support-filter">
                    "Channel: " <strong>{c}</strong> " · " <a href=clear>"all channels"</a>
                </p>
            }
        });
    // The channel mix as the table shows it, for "Download CSV".
    let mix_csv = {
        use crate::components::charts::chart_table::{cells_csv, CsvCell};
        let header: Vec<String> = [
            "Channel",
            "Tickets",
            "Share %",
            "Band min %",
            "Band max %",
            "In band",
        ]
        .map(String::from)
        .to_vec();
        let rows: Vec<Vec<CsvCell>> = r
            .channels
            .iter()
            .map(|c| {
                vec![
                    CsvCell::Text(if c.channel.is_empty() {
                        "(none)".into()
                    } else {
                        c.channel.clone()
                    }),
                    CsvCell::Number(Some(c.tickets as f64), 0),
                    CsvCell::Number(Some(c.share_pct), 1),
                    CsvCell::Number(c.band_min_pct, 0),
                    CsvCell::Number(c.band_max_pct, 0),
                    CsvCell::Text(
                        c.in_band
                            .map_or("", |b| if b { "yes" } else { "no" })
                            .into(),
                    ),
                ]
            })
            .collect();
        cells_csv(&header, &rows)
    };
    let channels = r
        .channels
        .iter()
        .map(|c| {
            let band = match (c.band_min_pct, c.band_max_pct) {
                (Some(lo), Some(hi)) => format!("{lo:.0}–{hi:.0}%"),
                (Some(lo), None) => format!("> {lo:.0}%"),
                (None, Some(hi)) => format!("< {hi:.0}%"),
                (None, None) => "—".into(),
            };
            let (status, class) = match c.in_band {
                Some(true) => ("in band", "status-good"),
                Some(false) => ("out of band", "status-bad"),
                None => ("", ""),
            };
            let name = if c.channel.is_empty() {
                "(none)".to_string()
            } else {
                c.channel.clone()
            };
            let tickets = path_with("/support/tickets", &query, &[("channel", Some(c.channel.as_str()))]);
            view! {
                <tr data-testid="channel-row">
                    <th scope="row"><a href=link(&query, "channel", &c.channel)>{name}</a></th>
                    <td class="num"><a href=tickets data-testid="channel-tickets" title="List these tickets">{format::count(c.tickets)}</a></td>
                    <td class="num">{format!("{:.1}%", c.share_pct)}</td>
                    <td>{band}</td>
                    <td class=class>{status}</td>
                </tr>
            }
        })
        .collect_view();
    let severity = page.by_severity.map(|rows| {
        let rows = rows
            .into_iter()
            .map(|s| {
                let d = |v: Option<f64>| v.map(format::duration).unwrap_or_else(|| "—".into());
                view! {
                    <tr>
                        <th scope="row">{s.severity.as_str()}</th>
                        <td class="num">{s.incidents}</td>
                        <td class="num">{d(s.mtta_median_secs)}</td>
                        <td class="num">{d(s.mtta_mean_secs)}</td>
                        <td class="num">{d(s.mttr_median_secs)}</td>
                        <td class="num">{d(s.mttr_mean_secs)}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="panel" data-testid="incident-times">
                <h2>"Incidents: time to acknowledge and resolve"</h2>
                <table class="data-table">
                    <thead><tr><th>"Severity"</th><th class="num">"Incidents"</th><th class="num">"MTTA median"</th><th class="num">"MTTA mean"</th><th class="num">"MTTR median"</th><th class="num">"MTTR mean"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    let open = (!page.open_incidents.is_empty()).then(|| {
        let items = page
            .open_incidents
            .into_iter()
            .map(|i| view! {
                <li><strong>{i.severity.as_str()}</strong> " · " {i.title} " (" {i.service} ") since " {format::datetime(i.triggered_at)}</li>
            })
            .collect_view();
        view! { <section class="error-panel" id="open-incidents" data-testid="open-incidents"><h2>"Open incidents"</h2><ul>{items}</ul></section> }
    });
    let all_tickets = path_with("/support/tickets", &query, &[]);
    let trends = view! { <SupportTrends trend=r.trend.clone() incidents=page.incidents.clone() query=query.clone() /> };
    let heatmap = view! { <WeekHourHeatmapView heatmap=r.heatmap.clone() query=query.clone() /> };
    let vip_empty = page.vip.is_empty().then(|| {
        view! { <p class="muted" data-testid="vip-empty">"Nobody to contact: no incident is open, or no VIP customer has opened a ticket since."</p> }
    });
    let vip_rows = page
        .vip
        .into_iter()
        .map(|t| {
            view! {
                <tr>
                    <td>{t.customer_id.unwrap_or_default()}</td>
                    <td><code>{t.ticket_id}</code></td>
                    <td>{t.channel}</td>
                    <td>{t.priority}</td>
                    <td>{format::datetime(t.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <nav class="tabs" aria-label="Period">{ranges}</nav>
        {filtered}
        <p class="compared" data-testid="support-compared">{compared}</p>
        {open}
        <section class="tiles" aria-label="Support metrics">
            <DurationTile label="First response time" stats=r.first_response_time.clone() testid="tile-frt" judged=frt />
            <DurationTile label="Resolution time" stats=r.resolution_time.clone() testid="tile-resolution" judged=resolution />
            <JudgedTile label="First-contact resolution".to_string() value=pct(r.fcr.value) note=format!("n = {}", format::count(r.fcr.n)) testid="tile-fcr" judged=fcr n=r.fcr.n />
            <JudgedTile label="CSAT with support".to_string() value=pct(r.csat.value) note=format!("n = {}", format::count(r.csat.n)) testid="tile-csat" judged=csat n=r.csat.n />
            <NumberTile label="Tickets" value=format::count(r.tickets) note=format!("{} – {}", format::day(r.from), format::day(r.to)) testid="tile-tickets" change=tickets_change />
            <NumberTile label="Backlog" value=format::count(r.backlog) note="open at the period's end".to_string() testid="tile-backlog" change=backlog_change />
        </section>
        <p><a href=all_tickets data-testid="all-tickets">"List these tickets →"</a></p>
        {trends}
        <div class="panels">
            <section class="panel">
                <h2>"Volume and channel mix against target bands"</h2>
                <table class="data-table" data-testid="channel-mix">
                    <thead><tr><th>"Channel"</th><th class="num">"Tickets"</th><th class="num">"Share"</th><th>"Target"</th><th>"Status"</th></tr></thead>
                    <tbody>{channels}</tbody>
                </table>
                <TableCsvLink csv=mix_csv name="channel-mix" />
            </section>
            <section class="panel" data-testid="vip-outreach">
                <h2>"VIP customers to contact"</h2>
                <p class="muted">"Open tickets of VIP customers created since the oldest open incident began."</p>
                <table class="data-table">
                    <thead><tr><th>"Customer"</th><th>"Ticket"</th><th>"Channel"</th><th>"Priority"</th><th>"Created"</th></tr></thead>
                    <tbody>{vip_rows}</tbody>
                </table>
                {vip_empty}
            </section>
        </div>
        {heatmap}
        {severity}
    }
    .into_any()
}
