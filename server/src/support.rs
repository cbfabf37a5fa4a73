//! The support report: support metrics for a dashboard query, from the ticket rollups (at
//! most one filter) or the ticket facts (more).

use crate::store::{tickets, Store, StoreError};
use app::domain::dimension::{Channel, Dimension};
use app::domain::query::{DashboardQuery, QueryError};
use app::domain::ticket::{channel_mix, SupportAgg, CHANNEL_BANDS};
use app::model::support::{ChannelShare, DurationStats, RateStat, SupportReport};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("{}", .0.message)]
    Query(QueryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The support metrics for tickets created in the query's range, under its filters.
pub async fn report(store: &Store, q: &DashboardQuery) -> Result<SupportReport, SupportError> {
    if q.filters.contains_key(&Dimension::Touchpoint) {
        return Err(SupportError::Query(QueryError {
            code: "unsupported_filter".into(),
            message: "tickets have no touchpoint".into(),
        }));
    }
    let agg: SupportAgg = match q.filters.len() {
        0 => tickets::support_from_rollups(store, None, q.from.0, q.to.0).await?,
        1 => {
            let (d, v) = q
                .filters
                .iter()
                .next()
                .map(|(d, v)| (*d, v.as_str()))
                .unzip();
            let filter = d.zip(v);
            tickets::support_from_rollups(store, filter, q.from.0, q.to.0).await?
        }
        _ => tickets::support_from_facts(store, &q.filters, q.from.0, q.to.0).await?,
    };
    let volume = tickets::volume_by_channel(store, &q.filters, q.from.0, q.to.0).await?;
    let backlog = tickets::backlog_at(store, &q.filters, q.to.0).await?;
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
        fcr: RateStat {
            value: agg.fcr_pct(),
            n: agg.resolved,
        },
        csat: RateStat {
            value: agg.csat_pct(),
            n: agg.csat_n,
        },
        channels,
        backlog,
    })
}
