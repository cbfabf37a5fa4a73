//! Ingestion: body formats (JSON array, NDJSON, CSV), per-record validation, one transaction
//! per batch, and the change notice once it is committed.

pub mod body;
pub mod events;
pub mod feedback;
pub mod incidents;
pub mod orders;
pub mod partners;
pub mod surveys;
pub mod tickets;
pub mod workflows;

use crate::bus::Change;
use crate::state::AppState;
use crate::store::Upserted;
use app::domain::date::Day;
use app::domain::survey::RecordError;
use app::model::ChangeNotice;
use body::Decoded;
use serde::Serialize;

/// Most per-record errors listed in one answer; the count stays exact.
pub const MAX_LISTED_ERRORS: usize = 1_000;

/// Why one record was rejected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemError {
    /// Position of the record in the batch, from 0.
    pub index: usize,
    pub code: String,
    pub message: String,
}

/// The answer to an ingest request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    pub accepted: i64,
    /// Of `accepted`, records that replaced a stored older version (upserted families only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<i64>,
    pub duplicates: i64,
    pub rejected: i64,
    pub errors: Vec<ItemError>,
    /// True when more records were rejected than `errors` lists.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub errors_truncated: bool,
}

/// Validates every decoded record, counting and listing (up to [`MAX_LISTED_ERRORS`]) the
/// rejected ones in `report`; returns the valid records in batch order.
pub fn validate_all<I, R>(
    decoded: Vec<Decoded<I>>,
    validate: impl Fn(I) -> Result<R, RecordError>,
    report: &mut IngestReport,
) -> Vec<R> {
    let mut records = Vec::with_capacity(decoded.len());
    for (index, item) in decoded.into_iter().enumerate() {
        match item.and_then(&validate) {
            Ok(r) => records.push(r),
            Err(e) => {
                report.rejected += 1;
                if report.errors.len() < MAX_LISTED_ERRORS {
                    report.errors.push(ItemError {
                        index,
                        code: e.code,
                        message: e.message,
                    });
                } else {
                    report.errors_truncated = true;
                }
            }
        }
    }
    records
}

impl IngestReport {
    /// Fills the counts of an upsert: `accepted` is created + updated, `duplicates` the
    /// records that changed nothing.
    pub fn upserted(&mut self, u: &Upserted) {
        self.accepted = u.created + u.updated;
        self.updated = Some(u.updated);
        self.duplicates = u.unchanged;
    }
}

/// Announces changed records of `family` on the change bus (nothing when none changed).
pub fn announce(state: &AppState, family: &str, u: &Upserted, now: i64) {
    announce_on(&state.bus, family, u, now);
}

/// [`announce`] on a bus, for work that runs outside a request (re-scoring).
pub fn announce_on(bus: &crate::bus::ChangeBus, family: &str, u: &Upserted, now: i64) {
    if let Some((from, to)) = u.days {
        bus.publish(Change {
            notice: ChangeNotice {
                family: family.into(),
                kinds: Vec::new(),
                from: Day(from),
                to: Day(to),
                count: u.created + u.updated,
                at: now,
            },
            partners: Some(u.partners.clone()),
        });
    }
}

/// A CSV number field; `code` names the problem when it does not parse.
pub fn csv_number<T: std::str::FromStr>(
    field: &str,
    v: &str,
    code: &str,
) -> Result<Option<T>, RecordError> {
    v.trim()
        .parse()
        .map(Some)
        .map_err(|_| RecordError::new(code, format!("`{field}` {v:?} is not a number")))
}

/// A CSV boolean: true/false, 1/0, yes/no, any case.
pub fn csv_flag(field: &str, v: &str) -> Result<Option<bool>, RecordError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(Some(true)),
        "false" | "0" | "no" => Ok(Some(false)),
        _ => Err(RecordError::new(
            "invalid_value",
            format!("`{field}` {v:?} is not true or false"),
        )),
    }
}
