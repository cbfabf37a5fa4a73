use crate::api::targets::{ResetTarget, SaveTarget};
use crate::domain::dimension::Dimension;
use crate::domain::metric::{Direction, MetricId};
use crate::domain::target::Goal;
use crate::model::Tile;
use leptos::form::ActionForm;
use leptos::prelude::*;
use std::collections::HashMap;

/// What "Edit target" keeps across the tiles' re-renders (every live update redraws them): which
/// editor is open, what is typed in it, and the actions in flight with their answers. It lives
/// on the page, above the data, like the inbox's drafts.
#[derive(Clone, Copy)]
pub struct TargetEditing {
    open: RwSignal<Option<MetricId>>,
    /// Typed threshold, min and max per metric; absent: the current goal.
    drafts: RwSignal<HashMap<MetricId, [String; 3]>>,
    save: ServerAction<SaveTarget>,
    reset: ServerAction<ResetTarget>,
    /// The metric acted on last, so only its editor shows the answer.
    sent: RwSignal<Option<MetricId>>,
}

impl TargetEditing {
    /// A fresh state for a page; a saved or reset target closes its editor and drops its draft.
    pub fn new() -> TargetEditing {
        let state = TargetEditing {
            open: RwSignal::new(None),
            drafts: RwSignal::new(HashMap::new()),
            save: ServerAction::new(),
            reset: ServerAction::new(),
            sent: RwSignal::new(None),
        };
        Effect::new(move |_| {
            let saved = matches!(state.save.value().get(), Some(Ok(())));
            let reset = matches!(state.reset.value().get(), Some(Ok(())));
            if saved || reset {
                if let Some(m) = state.sent.get_untracked() {
                    state.drafts.update(|d| {
                        d.remove(&m);
                    });
                    state.open.set(None);
                }
            }
        });
        state
    }
}

impl Default for TargetEditing {
    fn default() -> Self {
        Self::new()
    }
}

/// "Edit target" on a KPI tile (admins and analysts): a threshold or a band, for the metric or
/// only for the value the view is filtered to (CSAT on chat), and a reset to the default.
/// Saving publishes a change notice, so every open page redraws its tiles and target lines.
#[component]
pub fn TargetEditor(
    tile: Tile,
    /// The view's one filter, offered as "only for channel = chat".
    scope: Option<(Dimension, String)>,
) -> impl IntoView {
    let state = use_context::<TargetEditing>().unwrap_or_default();
    let metric = tile.metric;
    let current = StoredValue::new(match tile.target {
        Goal::Threshold(t) => [format_number(t), String::new(), String::new()],
        Goal::Band { min, max } => [String::new(), format_number(min), format_number(max)],
    });
    // Field `i` (threshold, min, max): what is typed, else the current goal.
    let value_of = move |i: usize| {
        state
            .drafts
            .with(|d| d.get(&metric).map(|x| x[i].clone()))
            .unwrap_or_else(|| current.with_value(|c| c[i].clone()))
    };
    let field = move |i: usize| move || value_of(i);
    let typed = move |i: usize| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            state.drafts.update(|d| {
                d.entry(metric).or_insert_with(|| current.get_value())[i] = v;
            });
        }
    };
    let way = match tile.direction {
        Direction::HigherIsBetter => "met at or above",
        Direction::LowerIsBetter => "met at or below",
    };
    let only = scope.map(|(d, v)| {
        (
            format!("{}={v}", d.as_str()),
            format!("only for {} = {v}", d.label()),
        )
    });
    let only_box = only.clone().map(|(value, label)| {
        view! {
            <label class="check">
                <input type="checkbox" name="only" value=value data-testid="target-only" />
                {label}
            </label>
        }
    });
    let reset_only =
        only.map(|(value, _)| view! { <input type="hidden" name="only" value=value /> });
    let message = move || {
        if state.sent.get() != Some(metric) {
            return None;
        }
        let failed = state
            .save
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| state.reset.value().get().and_then(|r| r.err()));
        failed.map(|e| view! { <p class="form-error" role="alert" data-testid="target-error">{e.to_string()}</p> })
    };
    let mark_sent = move |_: leptos::ev::MouseEvent| state.sent.set(Some(metric));
    view! {
        <details
            class="tile-edit"
            data-testid="target-edit"
            prop:open=move || state.open.get() == Some(metric)
        >
            // The page decides whether it is open (a redraw must not close it); without
            // JavaScript the element opens itself.
            <summary on:click=move |ev| {
                ev.prevent_default();
                state.open.update(|o| *o = if *o == Some(metric) { None } else { Some(metric) });
            }>"Edit target"</summary>
            <ActionForm action=state.save attr:class="target-form" attr:data-testid="target-form">
                <input type="hidden" name="metric" value=metric.as_str() />
                <label>
                    "Threshold (" {way} ")"
                    <input type="text" inputmode="decimal" name="threshold" data-testid="target-threshold"
                        prop:value=field(0) on:input=typed(0) />
                </label>
                <fieldset>
                    <legend>"or a band"</legend>
                    <label>"from" <input type="text" inputmode="decimal" name="min" data-testid="target-min"
                        prop:value=field(1) on:input=typed(1) /></label>
                    <label>"to" <input type="text" inputmode="decimal" name="max" data-testid="target-max"
                        prop:value=field(2) on:input=typed(2) /></label>
                </fieldset>
                {only_box}
                <button type="submit" data-testid="target-save" on:click=mark_sent>"Save target"</button>
            </ActionForm>
            <ActionForm action=state.reset attr:class="inline">
                <input type="hidden" name="metric" value=metric.as_str() />
                {reset_only}
                <button type="submit" class="text-button" data-testid="target-reset" on:click=mark_sent>"Restore default"</button>
            </ActionForm>
            {message}
        </details>
    }
}

/// A number as a person would type it back: no trailing zeros.
fn format_number(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
