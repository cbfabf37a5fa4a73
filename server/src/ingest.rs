//! Ingestion: body formats (JSON array, NDJSON, CSV), per-record validation, one transaction
//! per batch, and the change notice once it is committed.

pub mod body;
pub mod surveys;

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
    pub duplicates: i64,
    pub rejected: i64,
    pub errors: Vec<ItemError>,
    /// True when more records were rejected than `errors` lists.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub errors_truncated: bool,
}
