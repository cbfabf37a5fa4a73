use super::history_chart::HistoryChart;
use super::{metric_unit, severity_label};
use crate::api::alerts::{get_alert_detail, ActOnAlert};
use crate::components::format;
use crate::domain::alert::lifecycle::AlertState;
use crate::model::alerts::{AlertAction, AlertView, WorkStatus};
use leptos::prelude::*;

/// One alert in the inbox: what fired and why (value against threshold, baseline, the
/// dimension value that moved most, customers' words), who handles it, and — for people
/// who may act — acknowledge, status, assignment, action taken and silence. `changed` is
/// bumped after every successful action so the inbox refreshes at once.
#[component]
pub fn AlertCard(alert: AlertView, can_edit: bool, changed: RwSignal<u64>) -> impl IntoView {
    let unit = metric_unit(&alert.metric);
    let sev = alert.severity.as_str();
    let state = alert.state;
    let id = alert.id.clone();
    let act = ServerAction::<ActOnAlert>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            changed.update(|v| *v += 1);
        }
    });
    let error = move || {
        act.value()
            .get()
            .and_then(|r| r.err())
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let send = {
        let id = id.clone();
        move |action: AlertAction| {
            act.dispatch(ActOnAlert {
                id: id.clone(),
                action,
            });
        }
    };
    let evidence = alert.evidence.clone().map(|e| {
        let r = e.reading;
        let baseline = r
            .baseline
            .map(|b| view! { <div><dt>"Baseline"</dt><dd>{format::value(b, unit)}</dd></div> });
        let mover = e.mover.map(|m| {
            view! {
                <p class="mover" data-testid="alert-mover">
                    "Moved most: " <strong>{format!("{} = {}", m.dimension.as_str(), m.value)}</strong>
                    {format!(" at {} (was {}, n = {})", format::value(m.current, unit), format::value(m.baseline, unit), format::count(m.n))}
                </p>
            }
        });
        let quotes = e
            .verbatims
            .into_iter()
            .map(|v| view! { <blockquote class="verbatim">{v.text}<footer>{match v.sentiment {
                Some(s) => format!("sentiment {s:+.2} · {}", format::datetime(v.at)),
                None => format!("score {} · {}", v.score, format::datetime(v.at)),
            }}</footer></blockquote> })
            .collect_view();
        view! {
            <dl class="evidence">
                <div><dt>"Value"</dt><dd data-testid="alert-value">{format::value(r.value, unit)}</dd></div>
                <div><dt>"Threshold"</dt><dd>{format::value(r.threshold, unit)}</dd></div>
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
    let actions = can_edit.then(|| {
        let (assignee, set_assignee) = signal(alert.assignee.clone());
        let (note, set_note) = signal(String::new());
        let ack = {
            let send = send.clone();
            (state == AlertState::Firing).then(|| {
                view! {
                    <button type="button" class="primary" data-testid="alert-ack"
                        on:click=move |_| send(AlertAction::Acknowledge)>"Acknowledge"</button>
                }
            })
        };
        let status_send = send.clone();
        let assign_send = send.clone();
        let note_send = send.clone();
        let silence_send = send.clone();
        view! {
            <div class="alert-actions">
                {ack}
                <label class="field inline">"Status"
                    <select data-testid="alert-status" on:change=move |ev| {
                        if let Some(s) = WorkStatus::parse(&event_target_value(&ev)) {
                            status_send(AlertAction::SetStatus { status: s });
                        }
                    }>
                        <option value="open" selected=alert.work_status == WorkStatus::Open>"Open"</option>
                        <option value="in_progress" selected=alert.work_status == WorkStatus::InProgress>"In progress"</option>
                        <option value="resolved" selected=alert.work_status == WorkStatus::Resolved>"Resolved"</option>
                    </select>
                </label>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    assign_send(AlertAction::Assign { to: assignee.get_untracked() });
                }>
                    <input type="text" placeholder="Assign to person or team" maxlength="200"
                        prop:value=move || assignee.get() on:input=move |ev| set_assignee.set(event_target_value(&ev)) />
                    <button type="submit">"Assign"</button>
                </form>
                <form class="inline" on:submit=move |ev| {
                    ev.prevent_default();
                    note_send(AlertAction::RecordAction { text: note.get_untracked() });
                    set_note.set(String::new());
                }>
                    <input type="text" placeholder="Action taken" maxlength="2000" data-testid="alert-action-text"
                        prop:value=move || note.get() on:input=move |ev| set_note.set(event_target_value(&ev)) />
                    <button type="submit">"Record"</button>
                </form>
                <label class="field inline">"Silence"
                    <select on:change=move |ev| {
                        if let Ok(hours) = event_target_value(&ev).parse::<i64>() {
                            let until = js_now_ms() + hours * 3_600_000;
                            silence_send(AlertAction::Silence { until, reason: String::new() });
                        }
                    }>
                        <option value="" selected>"—"</option>
                        <option value="1">"1 hour"</option>
                        <option value="8">"8 hours"</option>
                        <option value="24">"1 day"</option>
                        <option value="168">"1 week"</option>
                    </select>
                </label>
                {error}
            </div>
        }
        .into_any()
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

/// Now in epoch ms, by the browser's clock (the server checks silences against its own).
fn js_now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}
