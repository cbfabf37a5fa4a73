use crate::api::targets::{ResetTarget, SaveTarget};
use crate::domain::dimension::Dimension;
use crate::domain::metric::Direction;
use crate::domain::target::Goal;
use crate::model::Tile;
use leptos::form::ActionForm;
use leptos::prelude::*;

/// "Edit target" on a KPI tile (admins and analysts): a threshold or a band, for the metric or
/// only for the value the view is filtered to (CSAT on chat), and a reset to the default.
/// Saving publishes a change notice, so every open page redraws its tiles and target lines.
#[component]
pub fn TargetEditor(
    tile: Tile,
    /// The view's one filter, offered as "only for channel = chat".
    scope: Option<(Dimension, String)>,
) -> impl IntoView {
    let save = ServerAction::<SaveTarget>::new();
    let reset = ServerAction::<ResetTarget>::new();
    let metric = tile.metric.as_str();
    let (threshold, min, max) = match tile.target {
        Goal::Threshold(t) => (format_number(t), String::new(), String::new()),
        Goal::Band { min, max } => (String::new(), format_number(min), format_number(max)),
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
        let failed = save
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| reset.value().get().and_then(|r| r.err()));
        match failed {
            Some(e) => Some(view! { <p class="form-error" role="alert" data-testid="target-error">{e.to_string()}</p> }.into_any()),
            None => matches!(save.value().get(), Some(Ok(())))
                .then(|| view! { <p class="form-ok" role="status" data-testid="target-saved">"Saved"</p> }.into_any()),
        }
    };
    view! {
        <details class="tile-edit" data-testid="target-edit">
            <summary>"Edit target"</summary>
            <ActionForm action=save attr:class="target-form" attr:data-testid="target-form">
                <input type="hidden" name="metric" value=metric />
                <label>
                    "Threshold (" {way} ")"
                    <input type="text" inputmode="decimal" name="threshold" value=threshold data-testid="target-threshold" />
                </label>
                <fieldset>
                    <legend>"or a band"</legend>
                    <label>"from" <input type="text" inputmode="decimal" name="min" value=min data-testid="target-min" /></label>
                    <label>"to" <input type="text" inputmode="decimal" name="max" value=max data-testid="target-max" /></label>
                </fieldset>
                {only_box}
                <button type="submit" data-testid="target-save">"Save target"</button>
            </ActionForm>
            <ActionForm action=reset attr:class="inline">
                <input type="hidden" name="metric" value=metric />
                {reset_only}
                <button type="submit" class="text-button" data-testid="target-reset">"Restore default"</button>
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
