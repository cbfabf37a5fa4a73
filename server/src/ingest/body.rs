//! Request bodies: a JSON array, NDJSON or CSV with a header row, split into records that are
//! decoded one by one, so one bad record never sinks the batch.

use crate::error::ApiError;
use app::domain::survey::RecordError;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

/// The accepted body formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Json,
    Ndjson,
    Csv,
}

impl Format {
    /// Picks the format from a `Content-Type` header.
    pub fn from_content_type(ct: Option<&str>) -> Result<Format, ApiError> {
        let mime = ct
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match mime.as_str() {
            "application/json" => Ok(Format::Json),
            "application/x-ndjson" | "application/ndjson" | "application/jsonl" => {
                Ok(Format::Ndjson)
            }
            "text/csv" => Ok(Format::Csv),
            _ => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send application/json (an array), application/x-ndjson or text/csv",
            )),
        }
    }
}

/// One decoded record, or why it could not be decoded.
pub type Decoded<T> = Result<T, RecordError>;

/// Splits and decodes a body. Whole-body problems (not UTF-8, not an array, no CSV header)
/// are a 400; record-level problems are returned per record.
pub fn decode<T: DeserializeOwned>(
    format: Format,
    bytes: &[u8],
    from_csv: impl Fn(&csv::StringRecord, &csv::StringRecord) -> Decoded<T>,
) -> Result<Vec<Decoded<T>>, ApiError> {
    let malformed = |m: String| ApiError::bad_request("malformed_body", m);
    match format {
        Format::Json => {
            let items: Vec<&RawValue> = serde_json::from_slice(bytes)
                .map_err(|e| malformed(format!("expected a JSON array of records: {e}")))?;
            Ok(items
                .into_iter()
                .map(|raw| record_from_json(raw.get()))
                .collect())
        }
        Format::Ndjson => {
            let text =
                std::str::from_utf8(bytes).map_err(|_| malformed("body is not UTF-8".into()))?;
            Ok(text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(record_from_json)
                .collect())
        }
        Format::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(bytes);
            let headers = reader
                .headers()
                .map_err(|e| malformed(format!("cannot read the CSV header row: {e}")))?
                .clone();
            if headers.is_empty() || headers.iter().all(str::is_empty) {
                return Err(malformed("the CSV body needs a header row".into()));
            }
            Ok(reader
                .records()
                .map(|r| match r {
                    Ok(rec) => from_csv(&headers, &rec),
                    Err(e) => Err(RecordError::new(
                        "invalid_record",
                        format!("unreadable CSV row: {e}"),
                    )),
                })
                .collect())
        }
    }
}

fn record_from_json<T: DeserializeOwned>(text: &str) -> Decoded<T> {
    serde_json::from_str(text)
        .map_err(|e| RecordError::new("invalid_record", format!("not a valid record: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct R {
        id: String,
    }

    fn csv_r(h: &csv::StringRecord, r: &csv::StringRecord) -> Decoded<R> {
        let i = h
            .iter()
            .position(|c| c == "id")
            .ok_or_else(|| RecordError::new("missing_id", "no id"))?;
        Ok(R {
            id: r.get(i).unwrap_or("").to_string(),
        })
    }

    #[test]
    fn content_types_choose_the_format() {
        assert_eq!(
            Format::from_content_type(Some("application/json; charset=utf-8")).unwrap(),
            Format::Json
        );
        assert_eq!(
            Format::from_content_type(Some("application/x-ndjson")).unwrap(),
            Format::Ndjson
        );
        assert_eq!(
            Format::from_content_type(Some("text/csv")).unwrap(),
            Format::Csv
        );
        assert_eq!(
            Format::from_content_type(None).unwrap_err().code(),
            "unsupported_media_type"
        );
    }

    #[test]
    fn one_bad_record_does_not_sink_the_batch() {
        let out = decode::<R>(
            Format::Json,
            br#"[{"id":"a"}, {"id": 5}, {"id":"c"}]"#,
            csv_r,
        )
        .unwrap();
        assert!(out[0].is_ok() && out[1].is_err() && out[2].is_ok());
        let out = decode::<R>(Format::Ndjson, b"{\"id\":\"a\"}\n\nnot json\n", csv_r).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].as_ref().unwrap_err().code, "invalid_record");
        let out = decode::<R>(Format::Csv, b"id,x\n a ,1\nb\n", csv_r).unwrap();
        assert_eq!(out[0].as_ref().unwrap().id, "a");
        assert_eq!(out[1].as_ref().unwrap().id, "b");
    }

    #[test]
    fn a_body_that_is_not_a_batch_is_a_400() {
        assert_eq!(
            decode::<R>(Format::Json, b"{\"id\":\"a\"}", csv_r)
                .unwrap_err()
                .code(),
            "malformed_body"
        );
        assert_eq!(
            decode::<R>(Format::Json, b"[1,", csv_r).unwrap_err().code(),
            "malformed_body"
        );
        assert_eq!(
            decode::<R>(Format::Ndjson, &[0xff, 0xfe], csv_r)
                .unwrap_err()
                .code(),
            "malformed_body"
        );
    }
}
