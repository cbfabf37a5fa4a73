//! The inbox's view of the active alerts: which ones the URL's filters keep, in which groups,
//! and how many there are of each kind. Pure, so the header counts and the list cannot
//! disagree.

use crate::domain::alert::lifecycle::AlertState;
use crate::domain::alert::rule::Severity;
use crate::domain::query::decode_pairs;
use crate::model::alerts::AlertView;

/// How many alert cards a page of the inbox shows; the rest is one click away.
pub const PAGE_SIZE: usize = 25;

/// The figures whose alerts are the home's "negative-sentiment alerts", per inbox tab
/// (customers, partners): what sentiment and the share of negative feedback watch.
pub const SENTIMENT_METRICS: [(&str, [&str; 2]); 2] = [
    ("customer", ["negative_share", "sentiment_score"]),
    (
        "partner",
        ["partner_negative_share", "partner_sentiment_score"],
    ),
];

/// The inbox filters, from the URL: `severity`, `state`, `rule`, `metric` (catalogue ids,
/// comma-separated), `group=rule`, `page`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InboxFilter {
    pub severity: Option<Severity>,
    pub state: Option<AlertState>,
    pub rule: Option<String>,
    /// Only alerts on these metrics; empty: every metric.
    pub metrics: Vec<String>,
    /// Group the cards under their rule.
    pub by_rule: bool,
    /// How many pages of [`PAGE_SIZE`] cards are shown (1 = the first page).
    pub pages: usize,
}

impl InboxFilter {
    /// Reads the filters from a raw query string. Unknown values are ignored, not errors:
    /// the inbox always opens.
    pub fn parse(query: &str) -> InboxFilter {
        let mut f = InboxFilter {
            pages: 1,
            ..InboxFilter::default()
        };
        for (k, v) in decode_pairs(query) {
            match k.as_str() {
                "severity" => f.severity = Severity::parse(&v),
                "state" => {
                    f.state = match v.as_str() {
                        "firing" => Some(AlertState::Firing),
                        "acknowledged" => Some(AlertState::Acknowledged),
                        _ => None,
                    }
                }
                "rule" if !v.is_empty() => f.rule = Some(v),
                "metric" => {
                    f.metrics = v
                        .split(',')
                        .map(str::trim)
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect()
                }
                "group" => f.by_rule = v == "rule",
                "pages" => f.pages = v.parse::<usize>().unwrap_or(1).clamp(1, 100),
                _ => {}
            }
        }
        f
    }

    /// Whether an alert passes the filters.
    pub fn keeps(&self, a: &AlertView) -> bool {
        self.severity.is_none_or(|s| a.severity == s)
            && self.state.is_none_or(|s| a.state == s)
            && self.rule.as_ref().is_none_or(|r| &a.rule_id == r)
            && (self.metrics.is_empty() || self.metrics.contains(&a.metric))
    }
}

/// One group of cards: a rule (or everything, ungrouped) and its alerts.
#[derive(Clone, Debug, PartialEq)]
pub struct Group<'a> {
    /// The rule's id, or empty when the inbox is not grouped.
    pub rule_id: String,
    /// The rule's name as its alerts carry it (their title).
    pub label: String,
    pub alerts: Vec<&'a AlertView>,
}

/// The alerts the filters keep, most severe and then newest first, in groups, cut to the
/// pages shown. Returns the groups and how many alerts matched in all.
pub fn arrange<'a>(alerts: &'a [AlertView], f: &InboxFilter) -> (Vec<Group<'a>>, usize) {
    let mut kept: Vec<&AlertView> = alerts.iter().filter(|a| f.keeps(a)).collect();
    kept.sort_by(|a, b| {
        rank(b.severity)
            .cmp(&rank(a.severity))
            .then(b.started_at.cmp(&a.started_at))
            .then(a.id.cmp(&b.id))
    });
    let total = kept.len();
    kept.truncate(f.pages.saturating_mul(PAGE_SIZE));
    if !f.by_rule {
        let all = Group {
            rule_id: String::new(),
            label: String::new(),
            alerts: kept,
        };
        return (vec![all], total);
    }
    let mut groups: Vec<Group> = Vec::new();
    for a in kept {
        match groups.iter_mut().find(|g| g.rule_id == a.rule_id) {
            Some(g) => g.alerts.push(a),
            None => groups.push(Group {
                rule_id: a.rule_id.clone(),
                label: rule_label(a),
                alerts: vec![a],
            }),
        }
    }
    (groups, total)
}

/// The rules present among the alerts, for the rule filter: (id, name), by name.
pub fn rules(alerts: &[AlertView]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for a in alerts {
        if !out.iter().any(|(id, _)| id == &a.rule_id) {
            out.push((a.rule_id.clone(), rule_label(a)));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    out
}

/// A grouped rule's alerts are titled "Rule · dimension=value": the rule is the part before.
fn rule_label(a: &AlertView) -> String {
    let suffix = format!(" · {}", a.dim_key);
    match a.title.strip_suffix(&suffix) {
        Some(name) if !a.dim_key.is_empty() => name.to_string(),
        _ => a.title.clone(),
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Critical => 2,
        Severity::Warning => 1,
        Severity::Info => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::alerts::WorkStatus;

    fn alert(
        id: &str,
        rule: &str,
        dim: &str,
        sev: Severity,
        state: AlertState,
        at: i64,
    ) -> AlertView {
        AlertView {
            id: id.into(),
            rule_id: rule.into(),
            title: if dim.is_empty() {
                format!("Rule {rule}")
            } else {
                format!("Rule {rule} · {dim}")
            },
            description: String::new(),
            metric: "csat".into(),
            dim_key: dim.into(),
            severity: sev,
            state,
            work_status: WorkStatus::Open,
            evidence: None,
            started_at: at,
            fired_at: Some(at),
            acknowledged_at: None,
            acknowledged_by: None,
            resolved_at: None,
            resolved_by: None,
            assignee: String::new(),
            action_taken: String::new(),
            team: String::new(),
            silenced_until: None,
            updated_at: at,
        }
    }

    fn inbox() -> Vec<AlertView> {
        vec![
            alert(
                "a",
                "r1",
                "partner=acme",
                Severity::Warning,
                AlertState::Firing,
                1,
            ),
            alert(
                "b",
                "r1",
                "partner=initech",
                Severity::Warning,
                AlertState::Acknowledged,
                3,
            ),
            alert("c", "r2", "", Severity::Critical, AlertState::Firing, 2),
            alert("d", "r3", "", Severity::Info, AlertState::Firing, 4),
        ]
    }

    #[test]
    fn the_filters_keep_what_the_url_asks_for() {
        let mut all = inbox();
        all[3].metric = "sentiment_score".into();
        let ids = |q: &str| {
            let (groups, total) = arrange(&all, &InboxFilter::parse(q));
            let ids: Vec<String> = groups
                .iter()
                .flat_map(|g| g.alerts.iter().map(|a| a.id.clone()))
                .collect();
            (ids, total)
        };
        // Most severe first, then newest.
        assert_eq!(
            ids(""),
            (vec!["c".into(), "b".into(), "a".into(), "d".into()], 4)
        );
        assert_eq!(ids("severity=warning").0, ["b", "a"]);
        assert_eq!(ids("state=acknowledged").0, ["b"]);
        assert_eq!(ids("rule=r1&state=firing").0, ["a"]);
        assert_eq!(ids("metric=negative_share,sentiment_score").0, ["d"]);
        assert_eq!(ids("metric=csat&severity=critical").0, ["c"]);
        assert_eq!(ids("metric=").1, 4, "an empty list keeps every metric");
        assert_eq!(
            ids("severity=bogus&state=nope").1,
            4,
            "unknown values are ignored"
        );
    }

    #[test]
    fn grouping_by_rule_names_the_rule_and_pages_cut_the_list() {
        let all = inbox();
        let (groups, _) = arrange(&all, &InboxFilter::parse("group=rule"));
        let labels: Vec<(&str, usize)> = groups
            .iter()
            .map(|g| (g.label.as_str(), g.alerts.len()))
            .collect();
        assert_eq!(labels, [("Rule r2", 1), ("Rule r1", 2), ("Rule r3", 1)]);
        assert_eq!(rules(&all)[0], ("r1".to_string(), "Rule r1".to_string()));
        let many: Vec<AlertView> = (0..60)
            .map(|i| {
                alert(
                    &format!("x{i:02}"),
                    "r1",
                    "",
                    Severity::Warning,
                    AlertState::Firing,
                    i,
                )
            })
            .collect();
        let (groups, total) = arrange(&many, &InboxFilter::parse(""));
        assert_eq!((groups[0].alerts.len(), total), (PAGE_SIZE, 60));
        let (groups, _) = arrange(&many, &InboxFilter::parse("pages=3"));
        assert_eq!(groups[0].alerts.len(), 60);
    }
}
