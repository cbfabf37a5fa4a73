//! Incidents and applied webhook deliveries.

use super::{Store, StoreError};
use crate::store::BeginWrite;
use app::domain::incident::{IncidentRecord, Severity};

/// A stored incident.
#[derive(Debug, sqlx::FromRow)]
struct IncidentRow {
    external_id: String,
    title: String,
    severity: String,
    service: String,
    triggered_at: i64,
    acknowledged_at: Option<i64>,
    resolved_at: Option<i64>,
    customer_impact: Option<String>,
}

impl From<IncidentRow> for IncidentRecord {
    fn from(r: IncidentRow) -> IncidentRecord {
        IncidentRecord {
            external_id: r.external_id,
            title: r.title,
            severity: Severity::parse(&r.severity).unwrap_or(Severity::Low),
            service: r.service,
            triggered_at_ms: r.triggered_at,
            acknowledged_at_ms: r.acknowledged_at,
            resolved_at_ms: r.resolved_at,
            customer_impact: r.customer_impact,
        }
    }
}

const COLUMNS: &str = "external_id, title, severity, service, triggered_at, acknowledged_at, \
     resolved_at, customer_impact";

/// A VIP customer's open ticket, for proactive outreach during an incident.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct VipTicket {
    pub ticket_id: String,
    pub customer_id: Option<String>,
    pub created_at: i64,
    pub channel: String,
    pub status: String,
    pub priority: String,
    pub partner_id: String,
}

/// Stores incidents, merging with what is stored: the first trigger time and the first
/// acknowledgement stay, a resolution report replaces an earlier one, text fields are
/// replaced only by non-empty values. `webhook` names a delivery (`source`, `event_id`) to
/// apply at most once: `Ok(false)` when it was applied before and nothing changed.
pub async fn upsert(
    store: &Store,
    records: &[IncidentRecord],
    webhook: Option<(&str, &str)>,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let _w = store.write_guard().await;
    dispatch!(store, p => {
        let mut tx = p.begin_write().await?;
        if let Some((source, event_id)) = webhook {
            let fresh = sqlx::query(
                "INSERT INTO webhook_events (source, event_id, received_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (source, event_id) DO NOTHING",
            )
            .bind(source)
            .bind(event_id)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if fresh == 0 {
                return Ok(false);
            }
        }
        for r in records {
            sqlx::query(&format!(
                "INSERT INTO incidents ({COLUMNS}, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (external_id) DO UPDATE SET \
                 title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE incidents.title END, \
                 severity = excluded.severity, \
                 service = CASE WHEN excluded.service <> '' THEN excluded.service ELSE incidents.service END, \
                 acknowledged_at = COALESCE(incidents.acknowledged_at, excluded.acknowledged_at), \
                 resolved_at = COALESCE(excluded.resolved_at, incidents.resolved_at), \
                 customer_impact = COALESCE(excluded.customer_impact, incidents.customer_impact), \
                 updated_at = excluded.updated_at"
            ))
            .bind(r.external_id.as_str())
            .bind(r.title.as_str())
            .bind(r.severity.as_str())
            .bind(r.service.as_str())
            .bind(r.triggered_at_ms)
            .bind(r.acknowledged_at_ms)
            .bind(r.resolved_at_ms)
            .bind(r.customer_impact.as_deref())
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
    });
    Ok(true)
}

/// Incidents triggered in `from_ms..to_ms`, oldest first.
pub async fn triggered_between(
    store: &Store,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<IncidentRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM incidents WHERE triggered_at >= $1 AND triggered_at < $2 ORDER BY triggered_at, external_id"
    );
    let rows: Vec<IncidentRow> =
        dispatch!(store, p => sqlx::query_as(&sql).bind(from_ms).bind(to_ms).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Incidents active at some time in `from_ms..to_ms`: triggered before its end and not
/// resolved before its start.
pub async fn active_between(
    store: &Store,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<IncidentRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM incidents WHERE triggered_at < $2 \
         AND (resolved_at IS NULL OR resolved_at >= $1) ORDER BY triggered_at, external_id"
    );
    let rows: Vec<IncidentRow> =
        dispatch!(store, p => sqlx::query_as(&sql).bind(from_ms).bind(to_ms).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Incidents open now (triggered, not resolved), oldest first.
pub async fn open(store: &Store) -> Result<Vec<IncidentRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM incidents WHERE resolved_at IS NULL ORDER BY triggered_at, external_id"
    );
    let rows: Vec<IncidentRow> = dispatch!(store, p => sqlx::query_as(&sql).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

/// VIP customers' tickets created since `since_ms` and still open, newest first; only
/// `partner`'s when given.
pub async fn vip_open_tickets_since(
    store: &Store,
    since_ms: i64,
    partner: Option<&str>,
) -> Result<Vec<VipTicket>, StoreError> {
    let mut sql = String::from(
        "SELECT external_id AS ticket_id, customer_id, created_at, channel, status, priority, partner_id \
         FROM tickets WHERE vip = 1 AND created_at >= $1 AND status NOT IN ('solved', 'closed')",
    );
    if partner.is_some() {
        sql.push_str(" AND partner_id = $2");
    }
    sql.push_str(" ORDER BY created_at DESC, external_id LIMIT 500");
    Ok(dispatch!(store, p => {
        let q = sqlx::query_as::<_, VipTicket>(&sql).bind(since_ms);
        let q = match partner { Some(pt) => q.bind(pt), None => q };
        q.fetch_all(p).await?
    }))
}
