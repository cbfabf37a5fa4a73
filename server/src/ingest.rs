//! Ingestion: body formats (JSON array, NDJSON, CSV), per-record validation, one transaction
//! per batch, and the change notice once it is committed.

pub mod body;
pub mod feedback;
pub mod incidents;
pub mod orders;
pub mod surveys;
pub mod tickets;

use app::domain::survey::RecordError;
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
