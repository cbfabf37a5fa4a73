//! Alert rules: what to watch, when it breaks, how loudly, and whom to tell. Parsed and
//! validated at the boundary, so the engine only ever sees valid rules.

use super::catalogue::{self, MetricDef};
use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, Unit};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How urgent an alert is; also its colour (red, yellow, blue).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Critical,
    Warning,
    Info,
}

impl Severity {
    /// Every severity, most urgent first.
    pub const ALL: [Severity; 3] = [Self::Critical, Self::Warning, Self::Info];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Critical => "critical",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }

    /// Parses a wire name.
    pub fn parse(s: &str) -> Option<Severity> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Which movement a change condition watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeDirection {
    Up,
    Down,
    Any,
}

/// When a rule's metric is in breach.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Condition {
    /// The value is below `threshold` (in the metric's unit).
    Below { threshold: f64 },
    /// The value is above `threshold`.
    Above { threshold: f64 },
    /// The value moved by more than `pct` percent of the baseline, where the baseline is the
    /// metric over the `baseline_days` before the evaluation window.
    ChangePct {
        direction: ChangeDirection,
        pct: f64,
        baseline_days: i64,
    },
    /// The value moved by more than `amount` (metric unit) against the baseline.
    ChangeAbs {
        direction: ChangeDirection,
        amount: f64,
        baseline_days: i64,
    },
    /// The value misses the metric's target, on its bad side, by more than `pct` percent of
    /// the target.
    OffTarget { pct: f64 },
}

impl Condition {
    /// Days of history before the window that the condition compares with.
    pub fn baseline_days(&self) -> Option<i64> {
        match self {
            Self::ChangePct { baseline_days, .. } | Self::ChangeAbs { baseline_days, .. } => {
                Some(*baseline_days)
            }
            _ => None,
        }
    }
}

/// The body a webhook receives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// Signalroom's JSON document.
    #[default]
    Json,
    /// A Slack incoming-webhook message (`text` and `blocks`).
    Slack,
}

/// Where a rule's alerts are delivered besides the inbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookTarget {
    pub url: String,
    #[serde(default)]
    pub format: WebhookFormat,
}

fn default_window() -> i64 {
    1
}
fn default_min_sample() -> i64 {
    30
}
fn yes() -> bool {
    true
}

/// A rule, as the API takes it and the store keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub name: String,
    /// A catalogue id (`csat`, `first_response_time`, …).
    pub metric: String,
    /// Only data matching every filter counts.
    #[serde(default)]
    pub filters: BTreeMap<Dimension, String>,
    /// Evaluate each value of this dimension separately: one alert per value in breach.
    #[serde(default)]
    pub group_by: Option<Dimension>,
    pub condition: Condition,
    /// The evaluation window: this many whole days ending today (today counts so far).
    #[serde(default = "default_window")]
    pub window_days: i64,
    pub severity: Severity,
    /// How long the condition must hold before the alert fires, and stay false before it
    /// resolves (hysteresis).
    #[serde(default)]
    pub for_secs: i64,
    /// Fewer answers or tickets than this in the window (or baseline) never fire.
    #[serde(default = "default_min_sample")]
    pub min_sample: i64,
    #[serde(default)]
    pub team: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub webhooks: Vec<WebhookTarget>,
    #[serde(default = "yes")]
    pub enabled: bool,
}

/// Why a rule was refused, with a stable code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RuleError {
    pub code: &'static str,
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> RuleError {
    RuleError {
        code,
        message: message.into(),
    }
}

/// Longest evaluation window, in days.
pub const MAX_WINDOW_DAYS: i64 = 90;
/// Longest baseline, in days.
pub const MAX_BASELINE_DAYS: i64 = 365;
/// Longest "for" duration: a week.
pub const MAX_FOR_SECS: i64 = 7 * 86_400;
/// Most webhook targets per rule.
pub const MAX_WEBHOOKS: usize = 5;

impl RuleSpec {
    /// The catalogue entry of the rule's metric (valid rules always have one).
    pub fn def(&self) -> Option<&'static MetricDef> {
        catalogue::find(&self.metric)
    }

    /// Checks every field; trims text in place.
    pub fn validate(mut self) -> Result<RuleSpec, RuleError> {
        self.name = self.name.trim().to_string();
        if self.name.is_empty() || self.name.chars().count() > 120 {
            return Err(err(
                "invalid_name",
                "a rule needs a name of 1–120 characters",
            ));
        }
        let def = self.def().ok_or_else(|| {
            err(
                "unknown_metric",
                format!(
                    "unknown metric {:?}; alertable metrics: {}",
                    self.metric,
                    catalogue::CATALOGUE
                        .iter()
                        .map(|m| m.id)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        for (d, v) in &mut self.filters {
            *v = v.trim().to_string();
            // Channels are a closed set: "Chat" is chat, "fax" no channel at all.
            if *d == Dimension::Channel && !v.is_empty() {
                *v = crate::domain::dimension::Channel::parse(v)
                    .map(|c| c.as_str().to_string())
                    .ok_or_else(|| {
                        err(
                            "invalid_filter",
                            format!(
                                "unknown channel {v:?}: expected one of {}",
                                crate::domain::dimension::Channel::names()
                            ),
                        )
                    })?;
            }
            if !def.dimensions.contains(d) {
                return Err(err(
                    "unsupported_filter",
                    format!("{} cannot be filtered by {}", def.id, d.as_str()),
                ));
            }
            if v.is_empty() || v.chars().count() > 200 {
                return Err(err(
                    "invalid_filter",
                    format!(
                        "the {} filter needs a value of 1–200 characters",
                        d.as_str()
                    ),
                ));
            }
        }
        if let Some(g) = self.group_by {
            if !def.dimensions.contains(&g) {
                return Err(err(
                    "unsupported_group_by",
                    format!("{} cannot be grouped by {}", def.id, g.as_str()),
                ));
            }
            if self.filters.contains_key(&g) {
                return Err(err(
                    "unsupported_group_by",
                    "a rule cannot both filter and group by the same dimension",
                ));
            }
        }
        let finite = |x: f64, code: &'static str, what: &str| {
            if x.is_finite() {
                Ok(())
            } else {
                Err(err(code, format!("{what} must be a finite number")))
            }
        };
        match &self.condition {
            Condition::Below { threshold } | Condition::Above { threshold } => {
                finite(*threshold, "invalid_threshold", "threshold")?
            }
            Condition::ChangePct {
                pct, baseline_days, ..
            } => {
                if !(pct.is_finite() && *pct > 0.0 && *pct <= 1000.0) {
                    return Err(err("invalid_pct", "pct must be in (0, 1000]"));
                }
                check_baseline(*baseline_days)?;
            }
            Condition::ChangeAbs {
                amount,
                baseline_days,
                ..
            } => {
                if !(amount.is_finite() && *amount > 0.0) {
                    return Err(err("invalid_amount", "amount must be a positive number"));
                }
                check_baseline(*baseline_days)?;
            }
            Condition::OffTarget { pct } => {
                if !(pct.is_finite() && *pct >= 0.0 && *pct <= 1000.0) {
                    return Err(err("invalid_pct", "pct must be in [0, 1000]"));
                }
                if !def.has_target() {
                    return Err(err(
                        "no_target",
                        format!("{} has no target to deviate from", def.id),
                    ));
                }
            }
        }
        if !(1..=MAX_WINDOW_DAYS).contains(&self.window_days) {
            return Err(err(
                "invalid_window",
                format!("window_days must be 1..={MAX_WINDOW_DAYS}"),
            ));
        }
        if !(0..=MAX_FOR_SECS).contains(&self.for_secs) {
            return Err(err(
                "invalid_for",
                format!("for_secs must be 0..={MAX_FOR_SECS} (a week)"),
            ));
        }
        if !(1..=1_000_000).contains(&self.min_sample) {
            return Err(err("invalid_min_sample", "min_sample must be 1..=1000000"));
        }
        self.team = self.team.trim().to_string();
        self.owner = self.owner.trim().to_string();
        if self.team.chars().count() > 100 || self.owner.chars().count() > 200 {
            return Err(err(
                "field_too_long",
                "team may have 100 characters, owner 200",
            ));
        }
        if self.webhooks.len() > MAX_WEBHOOKS {
            return Err(err(
                "too_many_webhooks",
                format!("a rule may have at most {MAX_WEBHOOKS} webhook targets"),
            ));
        }
        for w in &mut self.webhooks {
            w.url = w.url.trim().to_string();
            check_webhook_url(&w.url)?;
        }
        Ok(self)
    }

    /// "CSAT below 60.0% over 1 day", for titles and the rules table.
    pub fn describe(&self) -> String {
        match self.def() {
            Some(def) => self.describe_against(def),
            None => self.metric.clone(),
        }
    }

    /// [`describe`](Self::describe) against `def`'s target (the goal people set).
    pub fn describe_against(&self, def: &MetricDef) -> String {
        let v = |x: f64| format_in(x, def.unit);
        let window = if self.window_days == 1 {
            "today".to_string()
        } else {
            format!("the last {} days", self.window_days)
        };
        let cond = match &self.condition {
            Condition::Below { threshold } => format!("below {}", v(*threshold)),
            Condition::Above { threshold } => format!("above {}", v(*threshold)),
            Condition::ChangePct {
                direction,
                pct,
                baseline_days,
            } => format!(
                "{} more than {pct}% against the {baseline_days} days before",
                movement(*direction)
            ),
            Condition::ChangeAbs {
                direction,
                amount,
                baseline_days,
            } => format!(
                "{} more than {} against the {baseline_days} days before",
                movement(*direction),
                v(*amount)
            ),
            Condition::OffTarget { pct } => match def.target {
                crate::domain::target::Goal::Threshold(t) => {
                    let side = match def.direction {
                        Direction::HigherIsBetter => "below",
                        Direction::LowerIsBetter => "above",
                    };
                    format!("more than {pct}% {side} its target of {}", v(t))
                }
                band => format!(
                    "more than {pct}% outside its target of {}",
                    band.describe(def.direction, v)
                ),
            },
        };
        let mut s = format!("{} {cond} over {window}", def.label);
        for (d, val) in &self.filters {
            s.push_str(&format!(", {}={val}", d.as_str()));
        }
        if let Some(g) = self.group_by {
            s.push_str(&format!(", per {}", g.as_str()));
        }
        s
    }
}

fn movement(d: ChangeDirection) -> &'static str {
    match d {
        ChangeDirection::Up => "up",
        ChangeDirection::Down => "down",
        ChangeDirection::Any => "moved",
    }
}

/// A value with its unit, plain (no locale), for rule descriptions and webhook text.
pub fn format_in(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Points => format!("{x:.1}"),
        Unit::Percent => format!("{x:.1}%"),
        Unit::Score => format!("{x:.2}"),
        Unit::Count => format!("{x:.0}"),
        Unit::Money => format!("{x:.2}"),
        Unit::Ratio => format!("{x:.2}×"),
        Unit::Seconds if x >= 3_600.0 => format!("{:.1} h", x / 3_600.0),
        Unit::Seconds if x >= 60.0 => format!("{:.1} min", x / 60.0),
        Unit::Seconds => format!("{x:.0} s"),
    }
}

fn check_baseline(days: i64) -> Result<(), RuleError> {
    if (1..=MAX_BASELINE_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(err(
            "invalid_baseline",
            format!("baseline_days must be 1..={MAX_BASELINE_DAYS}"),
        ))
    }
}

/// Webhook targets are plain `http://` URLs: the server carries no TLS client, so HTTPS
/// receivers sit behind a local relay (see the README).
fn check_webhook_url(url: &str) -> Result<(), RuleError> {
    if url.len() > 2000 || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(err(
            "invalid_webhook",
            "a webhook URL has no spaces and at most 2000 characters",
        ));
    }
    if url.starts_with("https://") {
        return Err(err(
            "unsupported_scheme",
            "https:// webhook targets need a local relay: this server delivers over http:// only",
        ));
    }
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| err("invalid_webhook", "a webhook URL starts with http://"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') {
        return Err(err(
            "invalid_webhook",
            "a webhook URL names a host (no credentials)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: serde_json::Value) -> Result<RuleSpec, RuleError> {
        serde_json::from_value::<RuleSpec>(json)
            .map_err(|e| err("malformed", e.to_string()))?
            .validate()
    }

    #[test]
    fn a_minimal_rule_gets_defaults() {
        let r = spec(serde_json::json!({
            "name": " CSAT low ", "metric": "csat", "severity": "critical",
            "condition": {"type": "below", "threshold": 60}
        }))
        .unwrap();
        assert_eq!(r.name, "CSAT low");
        assert_eq!((r.window_days, r.for_secs, r.min_sample), (1, 0, 30));
        assert!(r.enabled);
        assert_eq!(r.describe(), "CSAT below 60.0% over today");
    }

    #[test]
    fn bad_rules_are_refused_with_stable_codes() {
        let base = serde_json::json!({
            "name": "x", "metric": "csat", "severity": "warning",
            "condition": {"type": "below", "threshold": 60}
        });
        let with = |k: &str, v: serde_json::Value| {
            let mut b = base.clone();
            b[k] = v;
            spec(b).unwrap_err().code
        };
        assert_eq!(with("name", "  ".into()), "invalid_name");
        assert_eq!(with("metric", "revenue".into()), "unknown_metric");
        assert_eq!(with("window_days", 0.into()), "invalid_window");
        assert_eq!(with("for_secs", (-1).into()), "invalid_for");
        assert_eq!(with("min_sample", 0.into()), "invalid_min_sample");
        assert_eq!(
            with(
                "condition",
                serde_json::json!({"type": "change_pct", "direction": "up", "pct": 0, "baseline_days": 7})
            ),
            "invalid_pct"
        );
        assert_eq!(
            with(
                "condition",
                serde_json::json!({"type": "change_abs", "direction": "up", "amount": 5, "baseline_days": 0})
            ),
            "invalid_baseline"
        );
        assert_eq!(
            with("filters", serde_json::json!({"channel": ""})),
            "invalid_filter"
        );
        assert_eq!(
            with(
                "webhooks",
                serde_json::json!([{"url": "https://hooks.slack.com/x"}])
            ),
            "unsupported_scheme"
        );
        assert_eq!(
            with("webhooks", serde_json::json!([{"url": "ftp://x"}])),
            "invalid_webhook"
        );
        let mut vol = base.clone();
        vol["metric"] = "ticket_volume".into();
        vol["condition"] = serde_json::json!({"type": "off_target", "pct": 10});
        assert_eq!(spec(vol).unwrap_err().code, "no_target");
        let mut tp = base.clone();
        tp["metric"] = "fcr".into();
        tp["filters"] = serde_json::json!({"touchpoint": "checkout"});
        assert_eq!(spec(tp).unwrap_err().code, "unsupported_filter");
        let mut g = base;
        g["filters"] = serde_json::json!({"channel": "chat"});
        g["group_by"] = "channel".into();
        assert_eq!(spec(g).unwrap_err().code, "unsupported_group_by");
    }

    #[test]
    fn descriptions_read_as_sentences() {
        let r = spec(serde_json::json!({
            "name": "FRT", "metric": "first_response_time", "severity": "warning",
            "window_days": 7, "group_by": "channel",
            "condition": {"type": "off_target", "pct": 10}
        }))
        .unwrap();
        assert_eq!(
            r.describe(),
            "First response time (median) more than 10% above its target of 2.0 h over the last 7 days, per channel"
        );
    }
}
