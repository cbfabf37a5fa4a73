//! Setting and resetting targets (`app/src/domain/target.rs`): the one write path behind
//! `PUT`/`DELETE /api/v1/targets/{metric}` and the tile's "Edit target" server function.
//! Checks the submission, stores it and audits it.

use crate::bus::{Change, ChangeBus};
use crate::clock::now_ms;
use crate::store::{targets, Store, StoreError};
use app::domain::catalogue::{self, MetricSpec};
use app::domain::dimension::Dimension;
use app::domain::target::{self, TargetEntry, TargetError, TargetRequest};

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum TargetOpError {
    #[error("no metric named {0:?} (GET /api/v1/metrics lists them)")]
    UnknownMetric(String),
    #[error("{}", .0.message)]
    Invalid(TargetError),
    #[error("no target was set there; the default applies")]
    NotFound,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn spec(metric: &str) -> Result<&'static MetricSpec, TargetOpError> {
    catalogue::find(metric).ok_or_else(|| TargetOpError::UnknownMetric(metric.to_string()))
}

/// Tells open pages that every day's status may have changed, so tiles and target lines
/// follow a change at once.
fn announce(bus: &ChangeBus) {
    let now = now_ms();
    bus.publish(Change {
        notice: app::model::ChangeNotice {
            family: "targets".into(),
            kinds: Vec::new(),
            // 1970 to a century ahead: every window a page can show.
            from: app::domain::date::Day(0),
            to: app::domain::date::Day::from_epoch_ms(now).plus_days(36_500),
            count: 1,
            at: now,
        },
        partners: None,
    });
}

/// Sets `metric`'s target as `actor` (from `ip`), replacing the one of the same scope.
pub async fn put(
    store: &Store,
    bus: &ChangeBus,
    actor: &str,
    ip: &str,
    metric: &str,
    req: &TargetRequest,
) -> Result<TargetEntry, TargetOpError> {
    let spec = spec(metric)?;
    let (goal, scope) = target::check(spec, req).map_err(TargetOpError::Invalid)?;
    let entry = TargetEntry {
        metric: spec.id.to_string(),
        dimension: scope.as_ref().map(|s| s.0),
        value: scope.map(|s| s.1),
        target: goal,
        updated_by: actor.to_string(),
        updated_at: now_ms(),
    };
    targets::put(store, &entry).await?;
    crate::auth::accounts::record(
        store,
        actor,
        "target.put",
        &label(&entry.metric, entry.dimension, entry.value.as_deref()),
        &serde_json::to_string(&entry.target).unwrap_or_default(),
        ip,
    )
    .await;
    announce(bus);
    Ok(entry)
}

/// Removes `metric`'s target of `scope` (metric-wide when `None`): the default applies again.
pub async fn reset(
    store: &Store,
    bus: &ChangeBus,
    actor: &str,
    ip: &str,
    metric: &str,
    scope: Option<(Dimension, &str)>,
) -> Result<(), TargetOpError> {
    let spec = spec(metric)?;
    if !targets::delete(store, spec.id, scope).await? {
        return Err(TargetOpError::NotFound);
    }
    crate::auth::accounts::record(
        store,
        actor,
        "target.delete",
        &label(spec.id, scope.map(|s| s.0), scope.map(|s| s.1)),
        "",
        ip,
    )
    .await;
    announce(bus);
    Ok(())
}

/// `csat` or `csat channel=chat`, for the audit log.
fn label(metric: &str, dimension: Option<Dimension>, value: Option<&str>) -> String {
    match (dimension, value) {
        (Some(d), Some(v)) => format!("{metric} {}={v}", d.as_str()),
        _ => metric.to_string(),
    }
}
