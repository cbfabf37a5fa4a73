//! The ticket list behind every support drill-down: the dashboard query (range and filters)
//! plus sort, direction, page and the list's own narrowing (status, weekday, hour), all read
//! from the URL so a drill-down is a link.

use super::query::{decode_pairs, param, QueryError};
use super::ticket::{Priority, TicketStatus};
use serde::{Deserialize, Serialize};

/// Tickets per page.
pub const PAGE_SIZE: i64 = 50;
/// The last page a list may ask for (offset paging; deeper lists should narrow the filters).
pub const MAX_PAGE: i64 = 2_000;

/// What the list is sorted by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    Created,
    Updated,
    FirstResponse,
    Resolution,
    Priority,
    Status,
    Channel,
    Satisfaction,
}

impl TicketSort {
    /// Every sort, in column order.
    pub const ALL: [TicketSort; 8] = [
        Self::Created,
        Self::Updated,
        Self::FirstResponse,
        Self::Resolution,
        Self::Priority,
        Self::Status,
        Self::Channel,
        Self::Satisfaction,
    ];

    /// The query-string name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::FirstResponse => "first_response",
            Self::Resolution => "resolution",
            Self::Priority => "priority",
            Self::Status => "status",
            Self::Channel => "channel",
            Self::Satisfaction => "satisfaction",
        }
    }

    /// Parses a query-string name.
    pub fn parse(s: &str) -> Option<TicketSort> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The direction a first click on the column sorts in: worst first for durations,
    /// newest first for times, lowest first for satisfaction.
    pub fn natural_desc(self) -> bool {
        matches!(
            self,
            Self::Created | Self::Updated | Self::FirstResponse | Self::Resolution | Self::Priority
        )
    }
}

/// Which tickets by state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    /// Exactly this status.
    Is(TicketStatus),
    /// Not solved or closed (the backlog).
    Unresolved,
    /// Solved or closed.
    Resolved,
}

impl StatusFilter {
    /// The query-string value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Is(s) => s.as_str(),
            Self::Unresolved => "unresolved",
            Self::Resolved => "resolved",
        }
    }
}

/// The list's own parameters (the range and filters are the dashboard query's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketListParams {
    pub sort: TicketSort,
    pub desc: bool,
    /// 1-based.
    pub page: i64,
    pub status: Option<StatusFilter>,
    /// UTC weekday of creation, Monday = 0.
    pub weekday: Option<i64>,
    /// UTC hour of creation.
    pub hour: Option<i64>,
    /// Only these priorities (`priority=high,urgent`); empty: every priority.
    #[serde(default)]
    pub priorities: Vec<Priority>,
}

impl Default for TicketListParams {
    fn default() -> TicketListParams {
        TicketListParams {
            sort: TicketSort::Created,
            desc: true,
            page: 1,
            status: None,
            weekday: None,
            hour: None,
            priorities: Vec::new(),
        }
    }
}

impl TicketListParams {
    /// Reads `sort`, `dir`, `page`, `status`, `weekday`, `hour` and `priority` from a raw
    /// query string;
    /// empty values count as absent.
    pub fn parse_str(query: &str) -> Result<TicketListParams, QueryError> {
        let pairs = decode_pairs(query);
        let get = |k: &str| param(&pairs, k).map(str::to_string);
        let err = |code: &str, message: String| QueryError {
            code: code.into(),
            message,
        };
        let mut p = TicketListParams::default();
        if let Some(s) = get("sort") {
            p.sort = TicketSort::parse(&s).ok_or_else(|| {
                let names: Vec<&str> = TicketSort::ALL.iter().map(|t| t.as_str()).collect();
                err(
                    "invalid_sort",
                    format!("sort must be one of {}", names.join(", ")),
                )
            })?;
            p.desc = p.sort.natural_desc();
        }
        if let Some(d) = get("dir") {
            p.desc = match d.as_str() {
                "asc" => false,
                "desc" => true,
                _ => return Err(err("invalid_direction", "dir must be asc or desc".into())),
            };
        }
        let int = |k: &str, lo: i64, hi: i64, code: &str| -> Result<Option<i64>, QueryError> {
            match get(k) {
                None => Ok(None),
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if (lo..=hi).contains(&n) => Ok(Some(n)),
                    _ => Err(err(
                        code,
                        format!("{k} must be a whole number from {lo} to {hi}"),
                    )),
                },
            }
        };
        p.page = int("page", 1, MAX_PAGE, "invalid_page")?.unwrap_or(1);
        p.weekday = int("weekday", 0, 6, "invalid_weekday")?;
        p.hour = int("hour", 0, 23, "invalid_hour")?;
        if let Some(s) = get("status") {
            p.status = Some(match s.as_str() {
                "unresolved" => StatusFilter::Unresolved,
                "resolved" => StatusFilter::Resolved,
                _ => StatusFilter::Is(TicketStatus::parse(&s).ok_or_else(|| {
                    err(
                        "invalid_status",
                        "status must be new, open, pending, solved, closed, unresolved or resolved"
                            .into(),
                    )
                })?),
            });
        }
        if let Some(list) = get("priority") {
            for name in list.split(',') {
                let pr = Priority::parse(name).ok_or_else(|| {
                    err(
                        "invalid_priority",
                        format!("priority must be low, normal, high or urgent (comma-separated), got {name:?}"),
                    )
                })?;
                if !p.priorities.contains(&pr) {
                    p.priorities.push(pr);
                }
            }
        }
        Ok(p)
    }

    /// Rows to skip for this page.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }
}

/// Number of pages for `total` tickets (at least 1).
pub fn page_count(total: i64) -> i64 {
    ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_newest_first_on_page_one() {
        let p = TicketListParams::parse_str("range=30d&channel=chat").unwrap();
        assert_eq!(p, TicketListParams::default());
        assert_eq!(p.offset(), 0);
    }

    #[test]
    fn a_sort_brings_its_natural_direction_unless_dir_says_otherwise() {
        let p = TicketListParams::parse_str("sort=satisfaction").unwrap();
        assert_eq!((p.sort, p.desc), (TicketSort::Satisfaction, false));
        let p = TicketListParams::parse_str("sort=first_response").unwrap();
        assert!(p.desc, "slowest first");
        let p = TicketListParams::parse_str("sort=first_response&dir=asc&page=3").unwrap();
        assert_eq!((p.desc, p.page, p.offset()), (false, 3, 100));
    }

    #[test]
    fn narrowing_parameters_are_parsed() {
        let p = TicketListParams::parse_str("status=unresolved&weekday=6&hour=23").unwrap();
        assert_eq!(p.status, Some(StatusFilter::Unresolved));
        assert_eq!((p.weekday, p.hour), (Some(6), Some(23)));
        let p = TicketListParams::parse_str("status=Pending").unwrap();
        assert_eq!(p.status, Some(StatusFilter::Is(TicketStatus::Pending)));
        let p = TicketListParams::parse_str("status=resolved&priority=high,Urgent,high").unwrap();
        assert_eq!(p.status, Some(StatusFilter::Resolved));
        assert_eq!(p.priorities, vec![Priority::High, Priority::Urgent]);
    }

    #[test]
    fn bad_values_get_stable_codes() {
        for (q, code) in [
            ("sort=price", "invalid_sort"),
            ("dir=up", "invalid_direction"),
            ("page=0", "invalid_page"),
            ("page=two", "invalid_page"),
            ("page=2001", "invalid_page"),
            ("status=lost", "invalid_status"),
            ("priority=high,asap", "invalid_priority"),
            ("priority=high,", "invalid_priority"),
            ("weekday=7", "invalid_weekday"),
            ("hour=-1", "invalid_hour"),
            ("hour=24", "invalid_hour"),
        ] {
            assert_eq!(
                TicketListParams::parse_str(q).unwrap_err().code,
                code,
                "{q}"
            );
        }
    }

    #[test]
    fn pages_round_up() {
        assert_eq!(page_count(0), 1);
        assert_eq!(page_count(50), 1);
        assert_eq!(page_count(51), 2);
    }
}
