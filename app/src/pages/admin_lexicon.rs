use super::access_error::AccessErrorPanel;
use crate::api::voice::{get_lexicon, DeleteLexiconTerm, SaveLexiconTerm};
use crate::components::format;
use crate::components::layout::top_bar::TopBar;
use crate::domain::sentiment::domain::{LexiconEntry, Origin};
use crate::model::voice::RescoreStatus;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

/// Admin: the domain lexicon of sentiment scoring — customer-service words and phrases with
/// valences over the general lexicon. Changing a term re-scores every stored text.
#[component]
pub fn AdminLexiconPage() -> impl IntoView {
    let save = ServerAction::<SaveLexiconTerm>::new();
    let delete = ServerAction::<DeleteLexiconTerm>::new();
    // Bumped while re-scoring runs, so the status line follows it to the end.
    let poll = RwSignal::new(0u32);
    let lexicon = Resource::new(
        move || (save.version().get(), delete.version().get(), poll.get()),
        |_| get_lexicon(),
    );
    // The form, filled by a row's Edit.
    let term = RwSignal::new(String::new());
    let valence = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let result = move || {
        let failed = save
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| delete.value().get().and_then(|r| r.err()));
        failed.map(|e| view! { <p class="form-error" role="alert" data-testid="lexicon-error">{e.to_string()}</p> })
    };
    // A stored term empties the form for the next one.
    Effect::new(move |_| {
        if matches!(save.value().get(), Some(Ok(()))) {
            term.set(String::new());
            valence.set(String::new());
            note.set(String::new());
        }
    });
    let edit = move |e: &LexiconEntry| {
        term.set(e.term.clone());
        valence.set(format!("{}", e.valence));
        note.set(e.note.clone());
    };
    view! {
        <Title text="Lexicon · Signalroom" />
        <TopBar title="Domain lexicon" />
        <main id="content" class="page">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match lexicon.await {
                        Ok(view) => {
                            if view.rescore.running {
                                schedule_poll(poll);
                            }
                            let rows = view.terms.into_iter().map(|e| {
                                let entry = e.clone();
                                let (origin, undo) = match e.origin {
                                    Origin::Default => ("shipped", None),
                                    Origin::Changed => ("changed", Some("Restore default")),
                                    Origin::Custom => ("added", Some("Remove")),
                                };
                                let shipped = e.default_valence.map(|v| format!(" (shipped {})", valence_text(v)));
                                let by = e.updated_by.clone().zip(e.updated_at).map(|(b, t)| format!("{b}, {}", format::datetime(t)));
                                let label = e.term.clone();
                                let undo_term = e.term.clone();
                                view! {
                                    <tr data-testid="lexicon-row" data-term=e.term.clone() data-origin=origin>
                                        <td><strong>{e.term.clone()}</strong></td>
                                        <td class="num" data-testid="lexicon-row-valence">{valence_text(e.valence)}{shipped}</td>
                                        <td>{origin}</td>
                                        <td>{e.note}</td>
                                        <td class="muted">{by.unwrap_or_default()}</td>
                                        <td class="row-actions">
                                            <button type="button" aria-label=format!("Edit {label}") on:click=move |_| edit(&entry)>"Edit"</button>
                                            {undo.map(|u| view! {
                                                <ActionForm action=delete attr:class="inline">
                                                    <input type="hidden" name="term" value=undo_term.clone() />
                                                    <button type="submit" aria-label=format!("{u}: {undo_term}")>{u}</button>
                                                </ActionForm>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view();
                            view! {
                                <section class="panel">
                                    <h2>"Add or change a term"</h2>
                                    <p class="muted">
                                        "Words and phrases of up to four words, with a valence from −4 (most negative) to 4, "
                                        "layered over the general sentiment lexicon. 0 takes a word's valence away. "
                                        "Negation, boosters (\u{201c}very slow\u{201d}) and \u{201c}but\u{201d} apply as to any word. "
                                        "Every stored text is re-scored after a change."
                                    </p>
                                    <ActionForm action=save attr:class="inline-form" attr:data-testid="lexicon-form">
                                        <label class="field">"Term"
                                            <input type="text" name="term" required maxlength="60" data-testid="lexicon-term"
                                                prop:value=move || term.get() on:input=move |ev| term.set(event_target_value(&ev)) />
                                        </label>
                                        <label class="field">"Valence (−4 … 4)"
                                            <input type="number" name="valence" required min="-4" max="4" step="0.1" data-testid="lexicon-valence"
                                                prop:value=move || valence.get() on:input=move |ev| valence.set(event_target_value(&ev)) />
                                        </label>
                                        <label class="field">"Why (optional)"
                                            <input type="text" name="note" maxlength="200" data-testid="lexicon-note"
                                                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev)) />
                                        </label>
                                        <button type="submit" data-testid="lexicon-save">"Save"</button>
                                    </ActionForm>
                                    {result}
                                </section>
                                <section class="panel">
                                    <h2>"Terms"</h2>
                                    <RescoreLine status=view.rescore />
                                    <div class="table-wrap">
                                        <table class="data-table" data-testid="lexicon-table">
                                            <thead><tr><th>"Term"</th><th>"Valence"</th><th>"Origin"</th><th>"Why"</th><th>"Changed by"</th><th>"Actions"</th></tr></thead>
                                            <tbody>{rows}</tbody>
                                        </table>
                                    </div>
                                </section>
                            }.into_any()
                        }
                        Err(e) => view! { <AccessErrorPanel error=e /> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// Where re-scoring stands, in words.
#[component]
fn RescoreLine(status: RescoreStatus) -> impl IntoView {
    let text = if status.running {
        "Re-scoring stored texts…".to_string()
    } else {
        match status.finished_at {
            Some(at) => format!(
                "Stored texts re-scored {}: {} read, {} scores changed.",
                format::datetime(at),
                format::number(status.read as f64, 0),
                format::number(status.changed as f64, 0)
            ),
            None => "Stored texts are scored with these terms.".to_string(),
        }
    };
    view! { <p class="muted" role="status" data-testid="rescore-status" data-running=status.running.to_string()>{text}</p> }
}

/// Re-reads the lexicon in a second while a re-score runs (in the browser only).
fn schedule_poll(poll: RwSignal<u32>) {
    #[cfg(feature = "hydrate")]
    set_timeout(
        move || poll.update(|n| *n = n.wrapping_add(1)),
        std::time::Duration::from_secs(1),
    );
    #[cfg(not(feature = "hydrate"))]
    let _ = poll;
}

/// A valence with its sign and as many decimals as it has (one or two).
fn valence_text(v: f64) -> String {
    let tenths = v * 10.0;
    format::signed(
        v,
        if (tenths - tenths.round()).abs() < 1e-6 {
            1
        } else {
            2
        },
    )
}
