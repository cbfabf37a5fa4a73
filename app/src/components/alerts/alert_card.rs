use super::history_chart::HistoryChart;
use super::{metric_unit, severity_label};
use crate::api::alerts::{get_alert_detail, ActOnAlert};
use crate::components::format;
use crate::domain::alert::lifecycle::AlertState;
use crate::model::alerts::{AlertAction, AlertView, WorkStatus};
use leptos::prelude::*;
use std::collections::{HashMap, HashSet};

/// What the inbox keeps across its re-renders (live updates, other people's actions): text
/// being typed into a card, the card to return focus to after an action, the bulk selection.
/// It lives on the page, above the data, so a refresh never wipes it.
#[derive(Clone, Copy)]
pub struct InboxState {
    /// Per alert id: the assignee being typed (None: not touched) and the action note.
    pub drafts: RwSignal<HashMap<String, Draft>>,
    /// The alert whose card takes the focus when it is drawn next: (id, the revision the
    /// action was taken on). The card of that revision is about to be replaced, so only a
    /// newer one takes the focus.
    pub focus: RwSignal<Option<(String, i64)>>,
    /// Alerts ticked for a bulk action.
    pub selected: RwSignal<HashSet<String>>,
    /// Bumped after every successful action, so the inbox refreshes at once.
    pub changed: RwSignal<u64>,
    /// The cards' one action, owned by the page: a card redrawn while its action is in
    /// flight (a live update) would otherwise take the action's answer with it, and the
    /// draft would never clear nor the inbox refresh.
    pub act: ServerAction<ActOnAlert>,
    /// The alert and action sent last, for its draft and its error.
    pub sent: StoredValue<Option<(String, AlertAction)>>,
}

impl InboxState {
    /// A fresh state for a page.
    pub fn new() -> InboxState {
        let state = InboxState {
            drafts: RwSignal::new(HashMap::new()),
            focus: RwSignal::new(None),
            selected: RwSignal::new(HashSet::new()),
            changed: RwSignal::new(0),
            act: ServerAction::new(),
            sent: StoredValue::new(None),
        };
        Effect::new(move |_| {
            if let Some(Ok(_)) = state.act.value().get() {
                // What was sent is stored now: its draft is done.
                if let Some((id, action)) = state.sent.get_value() {
                    state.drafts.update(|d| {
                        if let Some(draft) = d.get_mut(&id) {
                            match action {
                                AlertAction::Assign { .. } => draft.assignee = None,
                                AlertAction::RecordAction { .. } => draft.note.clear(),
                                _ => {}
                            }
                        }
                    });
                }
                state.changed.update(|v| *v += 1);
            }
        });
        state
    }

    /// Sends `action` on alert `id`.
    pub fn send(&self, id: String, action: AlertAction) {
        self.sent.set_value(Some((id.clone(), action.clone())));
        self.act.dispatch(ActOnAlert { id, action });
    }
}

impl Default for InboxState {
    fn default() -> Self {
        Self::new()
    }
}

/// Text typed into one card and not yet sent.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub assignee: Option<String>,
    pub note: String,
}

/// One alert in the inbox: what fired and why (value against threshold, baseline, the
/// dimension value that moved most, customers' words), who handles it, and — for people
/// who may act — acknowledge, status, assignment, action taken and silence. Every button
/// names its alert; selects commit only with their button, never on an arrow key.
#[component]
pub fn AlertCard(alert: AlertView, can_edit: bool, inbox: InboxState) -> impl IntoView {
    let unit = metric_unit(&alert.metric);
    let sev = alert.severity.as_str();
    let state = alert.state;
    let id = alert.id.clone();
    let title = alert.title.clone();
    let error = {
        let id = id.clone();
        move || {
            let mine = inbox
                .sent
                .with_value(|s| s.as_ref().is_some_and(|(x, _)| *x == id));
            inbox
                .act
                .value()
                .get()
                .and_then(|r| r.err())
                .filter(|_| mine)
                .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
        }
    };
    let send = {
        let id = id.clone();
        move |action: AlertAction| inbox.send(id.clone(), action)
    };
    let evidence = alert.evidence.clone().map(|e| {
        let r = e.reading;
        // Money carries its currency: "8,976 USD", not "8976".
        let currency = e.currency.clone();
        let fmt = move |v: f64| match &currency {
            Some(c) => crate::components::partners::stat_tile::money(v, c),
            None => format::value(v, unit),
        };
        let baseline = r
            .baseline
            .map(|b| view! { <div><dt>"Baseline"</dt><dd>{fmt(b)}</dd></div> });
        let mover = e.mover.map(|m| {
            view! {
                <p class="mover" data-testid="alert-mover">
                    "Moved most: " <strong>{format!("{} = {}", m.dimension.as_str(), m.value)}</strong>
                    {format!(" at {} (was {}, n = {})", fmt(m.current), fmt(m.baseline), format::count(m.n))}
                </p>
            }
        });
        let quotes = e
            .verbatims
            .into_iter()
            .map(|v| view! { <blockquote class="verbatim">{v.text}<footer>{match v.sentiment {
                Some(s) => format!("sentiment {} · {}", format::signed(s, 2), format::datetime(v.at)),
                None => format!("score {} · {}", v.score, format::datetime(v.at)),
            }}</footer></blockquote> })
            .collect_view();
        view! {
            <dl class="evidence">
                <div><dt>"Value"</dt><dd data-testid="alert-value">{fmt(r.value)}</dd></div>
                <div><dt>"Threshold"</dt><dd>{fmt(r.threshold)}</dd></div>
                {baseline}
                <div><dt>"Sample"</dt><dd>{format::count(r.n)}</dd></div>
                <div><dt>"Window"</dt><dd>{format!("{} d", e.window_days)}</dd></div>
            </dl>
            {mover}
            {quotes}
        }
        .into_any()
    });
    let mut meta = Vec::new();
    if let Some(t) = alert.fired_at {
        meta.push(format!("Fired {}", format::datetime(t)));
    }
    if let (Some(t), Some(by)) = (alert.acknowledged_at, &alert.acknowledged_by) {
        meta.push(format!("acknowledged by {by} at {}", format::datetime(t)));
    }
    if !alert.assignee.is_empty() {
        meta.push(format!("assigned to {}", alert.assignee));
    }
    if !alert.team.is_empty() {
        meta.push(format!("team {}", alert.team));
    }
    if let Some(t) = alert.silenced_until {
        meta.push(format!("silenced until {}", format::datetime(t)));
    }
    let action_taken = (!alert.action_taken.is_empty()).then(
        || view! { <p class="action-taken">"Action taken: " {alert.action_taken.clone()}</p> },
    );
    let status_ref = NodeRef::<leptos::html::Select>::new();
    {
        // Back to this card after its own action: the button that had the focus may be gone.
        let id = id.clone();
        let revision = alert.updated_at;
        Effect::new(move |_| {
            let due = inbox
                .focus
                .with(|f| f.as_ref().is_some_and(|(i, r)| *i == id && *r != revision));
            if due {
                if let Some(el) = status_ref.get() {
                    let _ = el.focus();
                    inbox.focus.set(None);
                }
            }
        });
    }
    let actions = can_edit.then(|| {
        let saved_assignee = alert.assignee.clone();
        let draft_id = id.clone();
        let assignee = Signal::derive({
            let id = draft_id.clone();
            move || {
                inbox
                    .drafts
                    .with(|d| d.get(&id).and_then(|x| x.assignee.clone()))
                    .unwrap_or_else(|| saved_assignee.clone())
            }
        });
        let note = Signal::derive({
            let id = draft_id.clone();
            move || inbox.drafts.with(|d| d.get(&id).map(|x| x.note.clone()).unwrap_or_default())
        });
        let edit = move |f: &dyn Fn(&mut Draft)| {
            inbox
                .drafts
                .update(|d| f(d.entry(draft_id.clone()).or_default()));
        };
        let edit_assignee = edit.clone();
        let edit_note = edit;
        let ack = {
            let send = send.clone();
            let id = id.clone();
            let revision = alert.updated_at;
            (state == AlertState::Firing).then(|| {
                view! {
                    <button type="button" class="primary" data-testid="alert-ack"
                        aria-label=format!("Acknowledge: {title}")
                        on:click=move |_| {
                            inbox.focus.set(Some((id.clone(), revision)));
                            send(AlertAction::Acknowledge);
                        }>"Acknowledge"</button>
                }
            })
        };
        let status_send = send.clone();
        let assign_send = send.clone();
        let note_send = send.clone();
        let silence_send = send.clone();
        let (status_choice, set_status_choice) = signal(alert.work_status.as_str().to_string());
        let (silence_choice, set_silence_choice) = signal(String::new());
        let name = alert.title.clone();
        view! {
            <div class="alert-actions">
                {ack}
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Some(s) = WorkStatus::parse(&status_choice.get_untracked()) {
                        status_send(AlertAction::SetStatus { status: s });
                    }
                }>
                    <label class="field inline">"Status"
                        <select data-testid="alert-status" node_ref=status_ref
                            on:change=move |ev| set_status_choice.set(event_target_value(&ev))>
                            <option value="open" selected=alert.work_status == WorkStatus::Open>"Open"</option>
                            <option value="in_progress" selected=alert.work_status == WorkStatus::InProgress>"In progress"</option>
                            <option value="resolved" selected=alert.work_status == WorkStatus::Resolved>"Resolved"</option>
                        </select>
                    </label>
                    <button type="submit" aria-label=format!("Set the status of {name}") data-testid="alert-status-set">"Set"</button>
                </form>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    assign_send(AlertAction::Assign { to: assignee.get_untracked() });
                }>
                    <input type="text" placeholder="Person or team" maxlength="200"
                        aria-label=format!("Assignee of {}", alert.title) data-testid="alert-assignee"
                        prop:value=move || assignee.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            edit_assignee(&|d: &mut Draft| d.assignee = Some(v.clone()));
                        } />
                    <button type="submit" aria-label=format!("Assign {}", alert.title)>"Assign"</button>
                </form>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    note_send(AlertAction::RecordAction { text: note.get_untracked() });
                }>
                    <input type="text" placeholder="Action taken" maxlength="2000" data-testid="alert-action-text"
                        aria-label=format!("Action taken on {}", alert.title)
                        prop:value=move || note.get()
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            edit_note(&|d: &mut Draft| d.note = v.clone());
                        } />
                    <button type="submit" aria-label=format!("Record the action taken on {}", alert.title)>"Record"</button>
                </form>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    if let Ok(hours) = silence_choice.get_untracked().parse::<i64>() {
                        let until = crate::components::clock::now_ms() + hours * 3_600_000;
                        silence_send(AlertAction::Silence { until, reason: String::new() });
                    }
                }>
                    <label class="field inline">"Silence for"
                        <select on:change=move |ev| set_silence_choice.set(event_target_value(&ev))>
                            <option value="" selected>"—"</option>
                            <option value="1">"1 hour"</option>
                            <option value="8">"8 hours"</option>
                            <option value="24">"1 day"</option>
                            <option value="168">"1 week"</option>
                        </select>
                    </label>
                    <button type="submit" aria-label=format!("Silence {}", alert.title)>"Silence"</button>
                </form>
                {error}
            </div>
        }
        .into_any()
    });
    let select = can_edit.then(|| {
        let id = id.clone();
        let checked = {
            let id = id.clone();
            move || inbox.selected.with(|s| s.contains(&id))
        };
        view! {
            <input type="checkbox" class="pick" data-testid="alert-pick"
                aria-label=format!("Select {}", alert.title)
                prop:checked=checked
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    inbox.selected.update(|s| {
                        if on {
                            s.insert(id.clone());
                        } else {
                            s.remove(&id);
                        }
                    });
                } />
        }
    });
    let (open_trend, set_open_trend) = signal(false);
    let detail_id = id.clone();
    let detail = Resource::new(
        move || open_trend.get(),
        move |open| {
            let id = detail_id.clone();
            async move {
                if open {
                    Some(get_alert_detail(id).await)
                } else {
                    None
                }
            }
        },
    );
    let trend = move || {
        Suspend::new(async move {
            match detail.await {
                Some(Ok(d)) => d
                    .history
                    .map(|h| view! { <HistoryChart history=h unit=unit /> }.into_any())
                    .unwrap_or_else(|| {
                        view! { <p class="muted">"The rule no longer exists."</p> }.into_any()
                    }),
                Some(Err(e)) => view! { <p class="form-error">{e.to_string()}</p> }.into_any(),
                None => ().into_any(),
            }
        })
    };
    view! {
        <article class=format!("alert-card sev-{sev}") data-testid="alert-card" data-alert-id=id.clone() data-state=state.as_str()>
            <header>
                {select}
                <span class=format!("sev-badge {sev}")>{severity_label(alert.severity)}</span>
                <h3>{alert.title.clone()}</h3>
                <span class="state-badge" data-testid="alert-state">{state.as_str()}</span>
            </header>
            <p>{alert.description.clone()}</p>
            {evidence}
            <p class="muted">{meta.join(" · ")}</p>
            {action_taken}
            {actions}
            <details on:toggle=move |_| set_open_trend.set(true)>
                <summary>"Trend leading up to this alert"</summary>
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{trend}</Transition>
            </details>
        </article>
    }
}
