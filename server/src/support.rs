//! The support report: support metrics for a dashboard query, from the ticket rollups (at
//! most one filter) or the ticket facts (more).

use crate::store::incidents;
use crate::store::{tickets, Store, StoreError};
use app::domain::dimension::{Channel, Dimension};
use app::domain::query::{Bucket, DashboardQuery, QueryError};
use app::domain::support_trend::TrendBuilder;
use app::domain::ticket::{channel_mix, SupportAgg, CHANNEL_BANDS};
use app::domain::ticket_list::{page_count, TicketListParams};
use app::model::support::{
    ChannelShare, DurationStats, IncidentView, RateStat, SupportPage, SupportPrevious,
    SupportReport, TicketList, VipTicketView, WeekHourHeatmap,
};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("{}", .0.message)]
    Query(QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Refuses filters that tickets do not carry.
fn tickets_only(q: &DashboardQuery) -> Result<(), SupportError> {
    if q.filters.contains_key(&Dimension::Touchpoint) {
        return Err(SupportError::Query(QueryError {
            code: "unsupported_filter".into(),
            message: "tickets have no touchpoint".into(),
        }));
    }
    Ok(())
}

/// The tile figures over `from..=to` under the query's filters, read as [`report`] reads them
/// (rollups for at most one filter, facts otherwise), for the comparison period.
async fn previous(
    store: &Store,
    q: &DashboardQuery,
    (from, to): (app::domain::date::Day, app::domain::date::Day),
) -> Result<SupportPrevious, SupportError> {
    let agg = match q.filters.len() {
        0 | 1 => {
            let filter = q.filters.iter().next().map(|(d, v)| (*d, v.as_str()));
            tickets::support_from_rollups(store, filter, from.0, to.0).await?
        }
        _ => {
            let mut agg = SupportAgg::default();
            for t in tickets::facts(store, &q.filters, from.0, to.0).await? {
                agg.add(&t);
            }
            agg
        }
    };
    let backlog = tickets::backlog_at(store, &q.filters, to.0).await?;
    Ok(SupportPrevious {
        from,
        to,
        tickets: agg.tickets,
        first_response_median_secs: DurationStats::from(&agg.first_response).median_secs,
        resolution_median_secs: DurationStats::from(&agg.resolution).median_secs,
        fcr: fcr_stat(&agg),
        csat: csat_stat(&agg),
        backlog,
    })
}

/// First-contact resolution over the resolved tickets of `agg`.
fn fcr_stat(agg: &SupportAgg) -> RateStat {
    RateStat {
        value: agg.fcr_pct(),
        n: agg.resolved,
    }
}

/// Support CSAT over the rated tickets of `agg`.
fn csat_stat(agg: &SupportAgg) -> RateStat {
    RateStat {
        value: agg.csat_pct(),
        n: agg.csat_n,
    }
}

/// The support metrics for tickets created in the query's range, under its filters.
pub async fn report(store: &Store, q: &DashboardQuery) -> Result<SupportReport, SupportError> {
    tickets_only(q)?;
    let single = match q.filters.len() {
        0 => Some(None),
        1 => Some(q.filters.iter().next().map(|(d, v)| (*d, v.as_str()))),
        _ => None,
    };
    let mut trend = TrendBuilder::new(Bucket::auto(q.days()), q.from, q.to);
    // The rollup reads are independent: run them side by side (SQLite in WAL mode and
    // PostgreSQL both serve concurrent readers), so a long range waits for the slowest
    // read, not for their sum.
    let backlog = tickets::backlog_at(store, &q.filters, q.to.0);
    let (agg, heatmap, backlog) = match single {
        Some(filter) => {
            let (agg, (), heatmap, backlog) = tokio::try_join!(
                tickets::support_from_rollups(store, filter, q.from.0, q.to.0),
                tickets::trend_from_rollups(store, filter, &mut trend, q.from.0, q.to.0),
                tickets::heatmap_from_rollups(store, filter, q.from.0, q.to.0),
                backlog,
            )?;
            (agg, heatmap, backlog)
        }
        None => {
            let (rows, backlog) =
                tokio::try_join!(tickets::facts(store, &q.filters, q.from.0, q.to.0), backlog)?;
            let mut agg = SupportAgg::default();
            let mut heatmap = WeekHourHeatmap::empty();
            for t in rows {
                agg.add(&t);
                trend.add_ticket(&t);
                heatmap.add_ticket(&t);
            }
            (agg, heatmap, backlog)
        }
    };
    let trend = trend.build();
    // The trend covers exactly the range, so its channel totals are the period's volume.
    let volume: Vec<(String, i64)> = trend
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c.clone(),
                trend.points.iter().map(|p| p.by_channel[i]).sum(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let channels = channel_mix(&volume)
        .into_iter()
        .zip(&volume)
        .map(|((channel, share_pct), (_, n))| {
            let band = Channel::parse(&channel)
                .and_then(|c| CHANNEL_BANDS.iter().find(|b| b.channel == c));
            ChannelShare {
                tickets: *n,
                share_pct,
                band_min_pct: band.and_then(|b| b.min_pct),
                band_max_pct: band.and_then(|b| b.max_pct),
                in_band: band.map(|b| b.contains(share_pct)),
                channel,
            }
        })
        .collect();
    Ok(SupportReport {
        from: q.from,
        to: q.to,
        tickets: agg.tickets,
        first_response_time: DurationStats::from(&agg.first_response),
        resolution_time: DurationStats::from(&agg.resolution),
        fcr: fcr_stat(&agg),
        csat: csat_stat(&agg),
        channels,
        backlog,
        trend,
        heatmap,
    })
}

/// The support page: the report, and for the team (not partner accounts) MTTA/MTTR per
/// severity and open incidents; VIP outreach while an incident is open (scoped to the
/// query's partner filter, which partner accounts always carry).
pub async fn page(
    store: &Store,
    q: &DashboardQuery,
    internal: bool,
) -> Result<SupportPage, SupportError> {
    // The period and its comparison are independent reads: side by side.
    let (report, previous) = tokio::try_join!(report(store, q), async {
        match q.previous() {
            Some(range) => previous(store, q, range).await.map(Some),
            None => Ok(None),
        }
    })?;
    let open = incidents::open(store).await?;
    let (start_ms, end_ms) = (q.from.start_ms(), q.to.plus_days(1).start_ms());
    let (by_severity, active) = if internal {
        let list = incidents::triggered_between(store, start_ms, end_ms).await?;
        let active = incidents::active_between(store, start_ms, end_ms).await?;
        (
            Some(app::domain::incident::times_by_severity(&list)),
            active.into_iter().map(incident_view).collect(),
        )
    } else {
        (None, Vec::new())
    };
    let vip = match open.iter().map(|i| i.triggered_at_ms).min() {
        Some(since) => {
            let partner = q.filters.get(&Dimension::Partner).map(String::as_str);
            incidents::vip_open_tickets_since(store, since, partner)
                .await?
                .into_iter()
                .map(|t| VipTicketView {
                    ticket_id: t.ticket_id,
                    customer_id: t.customer_id,
                    created_at: t.created_at,
                    channel: t.channel,
                    priority: t.priority,
                })
                .collect()
        }
        None => Vec::new(),
    };
    let open_incidents = if internal {
        open.into_iter().map(incident_view).collect()
    } else {
        Vec::new()
    };
    let targets = crate::store::targets::list(store).await?;
    let goals = [
        "first_response_time",
        "resolution_time",
        "fcr",
        "support_csat",
    ]
    .into_iter()
    .filter_map(|id| {
        let default =
            app::domain::catalogue::default_target(id).map(app::domain::target::Goal::Threshold);
        targets
            .goal(id, &q.filters)
            .or(default)
            .map(|g| (id.to_string(), g))
    })
    .collect();
    Ok(SupportPage {
        report,
        by_severity,
        open_incidents,
        incidents: active,
        vip,
        goals,
        previous,
    })
}

fn incident_view(i: app::domain::incident::IncidentRecord) -> IncidentView {
    IncidentView {
        id: i.external_id,
        title: i.title,
        severity: i.severity,
        service: i.service,
        triggered_at: i.triggered_at_ms,
        acknowledged_at: i.acknowledged_at_ms,
        resolved_at: i.resolved_at_ms,
    }
}

/// A page of the tickets behind a drill-down: the query's range and filters, plus the
/// list's sort, page and narrowing from the same query string.
pub async fn ticket_list(
    store: &Store,
    q: &DashboardQuery,
    raw_query: &str,
) -> Result<TicketList, SupportError> {
    tickets_only(q)?;
    let params = TicketListParams::parse_str(raw_query).map_err(SupportError::Query)?;
    let (total, rows) = tickets::list(store, &q.filters, q.from.0, q.to.0, &params).await?;
    Ok(TicketList {
        from: q.from,
        to: q.to,
        pages: page_count(total),
        params,
        total,
        rows,
    })
}
