//! Alerting's parts: the bell in the top bar, alert cards with their actions, the alert log,
//! the when-do-alerts-fire heatmap, the rule history chart and the rule form.

pub mod alert_bell;
pub mod alert_card;
pub mod alert_heatmap;
pub mod alert_log_table;
pub mod history_chart;
pub mod rule_form;

use crate::domain::alert::catalogue;
use crate::domain::alert::rule::Severity;
use crate::domain::metric::Unit;

/// "Critical", "Warning", "Info".
pub fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

/// The unit of a catalogue metric (percent when unknown).
pub fn metric_unit(metric: &str) -> Unit {
    catalogue::find(metric).map_or(Unit::Percent, |m| m.unit)
}
