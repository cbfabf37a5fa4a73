use super::history_chart::HistoryChart;
use super::metric_unit;
use crate::api::alerts::{SaveAlertRule, TestAlertRule};
use crate::domain::alert::catalogue::CATALOGUE;
use crate::domain::alert::rule::{
    ChangeDirection, Condition, RuleSpec, Severity, WebhookFormat, WebhookTarget,
};
use crate::domain::dimension::{Channel, Dimension};
use crate::model::alerts::RuleView;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// The form's fields, as text, so a half-typed number is never lost.
#[derive(Clone, Debug, PartialEq)]
struct Fields {
    name: String,
    metric: String,
    cond: String,
    value: String,
    direction: String,
    baseline_days: String,
    window_days: String,
    severity: String,
    for_minutes: String,
    min_sample: String,
    filter_dim: String,
    filter_value: String,
    group_by: String,
    team: String,
    owner: String,
    webhook: String,
    webhook_format: String,
    enabled: bool,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            name: String::new(),
            metric: "csat".into(),
            cond: "below".into(),
            value: "60".into(),
            direction: "down".into(),
            baseline_days: "7".into(),
            window_days: "1".into(),
            severity: "warning".into(),
            for_minutes: "5".into(),
            min_sample: "30".into(),
            filter_dim: String::new(),
            filter_value: String::new(),
            group_by: String::new(),
            team: String::new(),
            owner: String::new(),
            webhook: String::new(),
            webhook_format: "json".into(),
            enabled: true,
        }
    }
}

impl Fields {
    fn from_spec(s: &RuleSpec) -> Fields {
        let (cond, value, direction, baseline) = match &s.condition {
            Condition::Below { threshold } => ("below", *threshold, ChangeDirection::Down, 7),
            Condition::Above { threshold } => ("above", *threshold, ChangeDirection::Up, 7),
            Condition::ChangePct {
                direction,
                pct,
                baseline_days,
            } => ("change_pct", *pct, *direction, *baseline_days),
            Condition::ChangeAbs {
                direction,
                amount,
                baseline_days,
            } => ("change_abs", *amount, *direction, *baseline_days),
            Condition::OffTarget { pct } => ("off_target", *pct, ChangeDirection::Down, 7),
        };
        let (filter_dim, filter_value) = s
            .filters
            .iter()
            .next()
            .map(|(d, v)| (d.as_str().to_string(), v.clone()))
            .unwrap_or_default();
        let webhook = s.webhooks.first();
        Fields {
            name: s.name.clone(),
            metric: s.metric.clone(),
            cond: cond.into(),
            value: value.to_string(),
            direction: match direction {
                ChangeDirection::Up => "up",
                ChangeDirection::Down => "down",
                ChangeDirection::Any => "any",
            }
            .into(),
            baseline_days: baseline.to_string(),
            window_days: s.window_days.to_string(),
            severity: s.severity.as_str().into(),
            for_minutes: (s.for_secs as f64 / 60.0).to_string(),
            min_sample: s.min_sample.to_string(),
            filter_dim,
            filter_value,
            group_by: s
                .group_by
                .map(|d| d.as_str().to_string())
                .unwrap_or_default(),
            team: s.team.clone(),
            owner: s.owner.clone(),
            webhook: webhook.map(|w| w.url.clone()).unwrap_or_default(),
            webhook_format: match webhook.map(|w| w.format) {
                Some(WebhookFormat::Slack) => "slack".into(),
                _ => "json".into(),
            },
            enabled: s.enabled,
        }
    }

    /// The spec the fields describe; the server validates the rest.
    fn spec(&self) -> Result<RuleSpec, String> {
        let num = |s: &str, what: &str| -> Result<f64, String> {
            s.trim()
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("{what} must be a number"))
        };
        let int = |s: &str, what: &str| -> Result<i64, String> {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("{what} must be a whole number"))
        };
        let value = num(&self.value, "the threshold or change")?;
        let direction = match self.direction.as_str() {
            "up" => ChangeDirection::Up,
            "any" => ChangeDirection::Any,
            _ => ChangeDirection::Down,
        };
        let baseline_days = int(&self.baseline_days, "the baseline")?;
        let condition = match self.cond.as_str() {
            "above" => Condition::Above { threshold: value },
            "change_pct" => Condition::ChangePct {
                direction,
                pct: value,
                baseline_days,
            },
            "change_abs" => Condition::ChangeAbs {
                direction,
                amount: value,
                baseline_days,
            },
            "off_target" => Condition::OffTarget { pct: value },
            _ => Condition::Below { threshold: value },
        };
        let mut filters = BTreeMap::new();
        if let Some(d) = Dimension::parse(&self.filter_dim) {
            filters.insert(d, self.filter_value.clone());
        }
        let webhooks = if self.webhook.trim().is_empty() {
            Vec::new()
        } else {
            vec![WebhookTarget {
                url: self.webhook.trim().to_string(),
                format: if self.webhook_format == "slack" {
                    WebhookFormat::Slack
                } else {
                    WebhookFormat::Json
                },
            }]
        };
        Ok(RuleSpec {
            name: self.name.clone(),
            metric: self.metric.clone(),
            filters,
            group_by: Dimension::parse(&self.group_by),
            condition,
            window_days: int(&self.window_days, "the window")?,
            severity: Severity::parse(&self.severity).unwrap_or(Severity::Warning),
            for_secs: (num(&self.for_minutes, "\"for\"")? * 60.0).round() as i64,
            min_sample: int(&self.min_sample, "the minimum sample")?,
            team: self.team.clone(),
            owner: self.owner.clone(),
            webhooks,
            enabled: self.enabled,
        })
    }
}

/// Creates or edits a rule, and tests it against the last 30 days with a preview chart
/// before saving. `editing` holds the rule being edited (none: a new rule); `saved` is
/// bumped after a save.
#[component]
pub fn RuleForm(editing: RwSignal<Option<RuleView>>, saved: RwSignal<u64>) -> impl IntoView {
    let fields = RwSignal::new(Fields::default());
    let panel = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        let rule = editing.get();
        // Edit is clicked in the table below: bring the form into view, focused.
        if rule.is_some() {
            if let Some(el) = panel.get_untracked() {
                el.scroll_into_view();
                let _ = el.focus();
            }
        }
        fields.set(rule.map(|r| Fields::from_spec(&r.spec)).unwrap_or_default());
    });
    let (local_error, set_local_error) = signal(None::<String>);
    let test = ServerAction::<TestAlertRule>::new();
    let save = ServerAction::<SaveAlertRule>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            saved.update(|v| *v += 1);
            editing.set(None);
            fields.set(Fields::default());
            test.value().set(None);
        }
    });
    let with_spec = move |f: &dyn Fn(RuleSpec)| match fields.get_untracked().spec() {
        Ok(s) => {
            set_local_error.set(None);
            f(s)
        }
        Err(e) => set_local_error.set(Some(e)),
    };
    let on_test = move |_| {
        with_spec(&|spec| {
            test.dispatch(TestAlertRule { spec });
        })
    };
    let on_save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        with_spec(&|spec| {
            save.dispatch(SaveAlertRule {
                id: editing.get_untracked().map(|r| r.id),
                spec,
            });
        })
    };
    let text = move |get: fn(&Fields) -> String, set: fn(&mut Fields, String)| {
        (
            move || fields.with(get),
            move |ev| fields.update(|f| set(f, event_target_value(&ev))),
        )
    };
    let (name_v, name_i) = text(|f| f.name.clone(), |f, v| f.name = v);
    let (value_v, value_i) = text(|f| f.value.clone(), |f, v| f.value = v);
    let (base_v, base_i) = text(|f| f.baseline_days.clone(), |f, v| f.baseline_days = v);
    let (win_v, win_i) = text(|f| f.window_days.clone(), |f, v| f.window_days = v);
    let (for_v, for_i) = text(|f| f.for_minutes.clone(), |f, v| f.for_minutes = v);
    let (min_v, min_i) = text(|f| f.min_sample.clone(), |f, v| f.min_sample = v);
    let (fval_v, fval_i) = text(|f| f.filter_value.clone(), |f, v| f.filter_value = v);
    let (team_v, team_i) = text(|f| f.team.clone(), |f, v| f.team = v);
    let (owner_v, owner_i) = text(|f| f.owner.clone(), |f, v| f.owner = v);
    let (hook_v, hook_i) = text(|f| f.webhook.clone(), |f, v| f.webhook = v);
    let select = move |get: fn(&Fields) -> String,
                       set: fn(&mut Fields, String),
                       options: Vec<(String, String)>,
                       testid: &'static str| {
        let opts = options
            .into_iter()
            .map(|(v, label)| {
                let value = v.clone();
                view! { <option value=v selected=move || fields.with(get) == value>{label}</option> }
            })
            .collect_view();
        view! {
            <select data-testid=testid on:change=move |ev| fields.update(|f| set(f, event_target_value(&ev)))>{opts}</select>
        }
    };
    let metrics: Vec<(String, String)> = CATALOGUE
        .iter()
        .map(|m| (m.id.to_string(), m.label.to_string()))
        .collect();
    let conds = [
        ("below", "is below"),
        ("above", "is above"),
        ("change_pct", "changes by more than % vs baseline"),
        ("change_abs", "changes by more than (units) vs baseline"),
        ("off_target", "misses its target by more than %"),
    ]
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .to_vec();
    let dirs = [("down", "down"), ("up", "up"), ("any", "either way")]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec();
    let sevs = Severity::ALL
        .map(|s| (s.as_str().to_string(), super::severity_label(s).to_string()))
        .to_vec();
    // The values the data holds, per dimension, offered as the filter value's list (a typed
    // value that matches nothing was silent). Loaded in the browser once the form is up.
    let known = RwSignal::new(Vec::<crate::model::DimensionValues>::new());
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(values) = crate::api::alerts::list_filter_values().await {
                known.set(values);
            }
        });
    });
    let value_options = move || {
        let dim = fields.with(|f| Dimension::parse(&f.filter_dim));
        let values: Vec<String> = match dim {
            Some(Dimension::Channel) => Channel::ALL
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
            Some(d) => known.with(|k| {
                k.iter()
                    .find(|v| v.dimension == d)
                    .map(|v| v.values.clone())
                    .unwrap_or_default()
            }),
            None => Vec::new(),
        };
        values
            .into_iter()
            .map(|v| view! { <option value=v></option> })
            .collect_view()
    };
    let mut dims = vec![(String::new(), "—".to_string())];
    dims.extend(Dimension::ALL.map(|d| (d.as_str().to_string(), d.label().to_string())));
    let formats = [("json", "Signalroom JSON"), ("slack", "Slack message")]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec();
    let is_change = move || fields.with(|f| f.cond.starts_with("change"));
    let preview = move || {
        test.value().get().map(|r| match r {
            Ok(h) => {
                let unit = metric_unit(&fields.get_untracked().metric);
                view! { <HistoryChart history=h unit=unit /> }.into_any()
            }
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let save_error = move || {
        save.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| view! { <p class="form-error" role="alert" data-testid="rule-error">{e.to_string()}</p> })
    };
    let title = move || {
        if editing.with(Option::is_some) {
            "Edit rule"
        } else {
            "New rule"
        }
    };
    view! {
        <section class="panel wide" data-testid="rule-form" node_ref=panel tabindex="-1">
            <h2>{title}</h2>
            <form class="rule-form" on:submit=on_save>
                <label class="field">"Name"
                    <input type="text" maxlength="120" required data-testid="rule-name" prop:value=name_v on:input=name_i />
                </label>
                <label class="field">"Metric" {select(|f| f.metric.clone(), |f, v| f.metric = v, metrics, "rule-metric")}</label>
                <label class="field">"Condition" {select(|f| f.cond.clone(), |f, v| f.cond = v, conds, "rule-condition")}</label>
                <label class="field">"Threshold / change"
                    <input type="text" inputmode="decimal" data-testid="rule-value" prop:value=value_v on:input=value_i />
                </label>
                <Show when=is_change>
                    <label class="field">"Direction" {select(|f| f.direction.clone(), |f, v| f.direction = v, dirs.clone(), "rule-direction")}</label>
                    <label class="field">"Baseline (days before the window)"
                        <input type="text" inputmode="numeric" prop:value=base_v on:input=base_i />
                    </label>
                </Show>
                <label class="field">"Window (days ending today)"
                    <input type="text" inputmode="numeric" data-testid="rule-window" prop:value=win_v on:input=win_i />
                </label>
                <label class="field">"Severity" {select(|f| f.severity.clone(), |f, v| f.severity = v, sevs, "rule-severity")}</label>
                <label class="field">"For (minutes)"
                    <input type="text" inputmode="decimal" prop:value=for_v on:input=for_i />
                </label>
                <label class="field">"Minimum sample"
                    <input type="text" inputmode="numeric" data-testid="rule-min-sample" prop:value=min_v on:input=min_i />
                </label>
                <label class="field">"Filter" {select(|f| f.filter_dim.clone(), |f, v| f.filter_dim = v, dims.clone(), "rule-filter-dim")}</label>
                <label class="field">"Filter value"
                    <input type="text" maxlength="200" data-testid="rule-filter-value" list="rule-filter-values" prop:value=fval_v on:input=fval_i />
                    <datalist id="rule-filter-values">{value_options}</datalist>
                </label>
                <label class="field">"One alert per" {select(|f| f.group_by.clone(), |f, v| f.group_by = v, dims, "rule-group-by")}</label>
                <label class="field">"Team" <input type="text" maxlength="100" prop:value=team_v on:input=team_i /></label>
                <label class="field">"Owner" <input type="text" maxlength="200" prop:value=owner_v on:input=owner_i /></label>
                <label class="field">"Webhook URL (http://)"
                    <input type="text" maxlength="2000" placeholder="http://relay.internal/hooks/cx" prop:value=hook_v on:input=hook_i />
                </label>
                <label class="field">"Webhook body" {select(|f| f.webhook_format.clone(), |f, v| f.webhook_format = v, formats, "rule-webhook-format")}</label>
                <label class="field checkbox">
                    <input type="checkbox" prop:checked=move || fields.with(|f| f.enabled)
                        on:change=move |ev| fields.update(|f| f.enabled = event_target_checked(&ev)) />
                    "Enabled"
                </label>
                <div class="form-buttons">
                    <button type="button" data-testid="rule-test" on:click=on_test>"Test on the last 30 days"</button>
                    <button type="submit" class="primary" data-testid="rule-save">"Save rule"</button>
                    <Show when=move || editing.with(Option::is_some)>
                        <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
                    </Show>
                </div>
            </form>
            {move || local_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {save_error}
            {preview}
        </section>
    }
}
