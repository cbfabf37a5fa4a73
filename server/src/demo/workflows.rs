//! Demo workflows: six months of customer and partner workflows of all 24 built-in types,
//! each stored version by version through the one workflow upsert (so the transitions feed is
//! what real ingest would have recorded), with tasks, some delays with reasons, automation
//! runs, and a Jira-shaped replay of onboarding issues through the Jira mapping.

use super::Rng;
use crate::store::{workflows, Store, StoreError};
use app::domain::date::{format_rfc3339, Day};
use app::domain::workflow::kinds::BUILT_IN;
use app::domain::workflow::{
    jira, Audience, Category, Priority, RunRecord, RunStatus, Stage, StatusMap, TaskRecord,
    TrackerEvent, WorkflowRecord,
};

const DAY_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

const CUSTOMER_TEAMS: [&str; 5] = [
    "Onboarding",
    "Support",
    "Customer Success",
    "Billing",
    "Delivery",
];
const PARTNER_TEAMS: [&str; 3] = ["Partner Success", "Channel Sales", "Partner Ops"];
const OWNERS: [&str; 10] = [
    "Ana Costa",
    "Ben Okafor",
    "Chloé Martin",
    "Dev Patel",
    "Eva Lindqvist",
    "Femi Adeyemi",
    "Grace Kim",
    "Hugo Silva",
    "Iris Novak",
    "Jon Berg",
];
const PARTNERS: [&str; 8] = [
    "acme-logistics",
    "northwind",
    "globex",
    "initech",
    "umbrella-retail",
    "apex-systems",
    "blue-digital",
    "core-partners",
];
const DELAY_REASONS: [&str; 6] = [
    "waiting for the customer's data",
    "legal review of the contract",
    "key contact on leave",
    "integration blocked by API limits",
    "scope changed mid-way",
    "partner resources unavailable",
];
const COMMENTS: [&str; 5] = [
    "kickoff call held",
    "plan agreed with the account team",
    "first milestone delivered",
    "handed over for sign-off",
    "blocked: waiting on the other side",
];
const AUTOMATIONS: [(&str, f64); 6] = [
    ("welcome-email", 0.01),
    ("renewal-reminder", 0.02),
    ("lead-router", 0.04),
    ("commission-calc", 0.03),
    ("nps-survey-dispatch", 0.01),
    ("sla-escalation", 0.06),
];

/// Typical length in days of a workflow of each built-in type, by its position in
/// [`BUILT_IN`].
const TYPICAL_DAYS: [f64; 24] = [
    30.0, 5.0, 21.0, 14.0, 10.0, 60.0, 30.0, 21.0, 30.0, 14.0, 45.0, 7.0, 45.0, 60.0, 30.0, 28.0,
    30.0, 3.0, 30.0, 40.0, 14.0, 14.0, 20.0, 21.0,
];

/// One workflow's versions, oldest first, as its source would have sent them.
fn versions(
    id: String,
    kind_index: usize,
    created: i64,
    now_ms: i64,
    rng: &mut Rng,
) -> (Vec<WorkflowRecord>, Vec<TaskRecord>) {
    let kind = &BUILT_IN[kind_index];
    let typical = TYPICAL_DAYS[kind_index];
    let planned = (typical * (0.7 + 0.6 * rng.f64())).max(1.0);
    // Most work lands near plan; a quarter runs well over.
    let over = if rng.f64() < 0.25 {
        1.2 + rng.f64() * 0.8
    } else {
        0.6 + rng.f64() * 0.5
    };
    let actual = planned * over;
    let ms = |days: f64| (days * DAY_MS as f64) as i64;
    let due = created + ms(planned);
    let (planning_at, start_at, closing_at, done_at) = (
        created + ms(actual * 0.08),
        created + ms(actual * 0.2),
        created + ms(actual * 0.9),
        created + ms(actual),
    );
    let cancelled = rng.f64() < 0.04;
    let partner = (kind.audience == Audience::Partner)
        .then(|| PARTNERS[(rng.next_u64() % PARTNERS.len() as u64) as usize].to_string());
    let teams: &[&str] = match kind.audience {
        Audience::Customer => &CUSTOMER_TEAMS,
        Audience::Partner => &PARTNER_TEAMS,
    };
    let team = teams[(rng.next_u64() % teams.len() as u64) as usize].to_string();
    let owner = OWNERS[(rng.next_u64() % OWNERS.len() as u64) as usize].to_string();
    let priority = *rng.pick(&[
        (Priority::Low, 0.2),
        (Priority::Medium, 0.5),
        (Priority::High, 0.25),
        (Priority::Critical, 0.05),
    ]);
    let late = done_at > due;
    let subject = match &partner {
        Some(p) => p.replace('-', " "),
        None => format!("customer {}", 1000 + rng.next_u64() % 9000),
    };
    let base = WorkflowRecord {
        external_id: id.clone(),
        kind: kind.id.to_string(),
        audience: kind.audience,
        title: format!("{} — {subject}", kind.name),
        status: String::new(),
        category: Category::NotStarted,
        stage: Stage::Initiation,
        customer_id: partner
            .is_none()
            .then(|| format!("cust-{}", rng.next_u64() % 5000)),
        partner_id: partner,
        team: team.clone(),
        owner: owner.clone(),
        priority,
        created_at_ms: created,
        started_at_ms: None,
        due_at_ms: Some(due),
        closed_at_ms: None,
        updated_at_ms: created,
        delay_reason: None,
        comment: None,
        changed_by: owner.clone(),
    };
    let steps: [(i64, &str, Category, Stage); 5] = [
        (
            created,
            "not_started",
            Category::NotStarted,
            Stage::Initiation,
        ),
        (
            planning_at,
            "planning",
            Category::NotStarted,
            Stage::Planning,
        ),
        (
            start_at,
            "in_progress",
            Category::InProgress,
            Stage::Execution,
        ),
        (closing_at, "closing", Category::InProgress, Stage::Closure),
        (done_at, "done", Category::Done, Stage::Closure),
    ];
    let mut out = Vec::new();
    for (i, (at, status, category, stage)) in steps.into_iter().enumerate() {
        if at > now_ms {
            break;
        }
        if cancelled && i == 3 {
            out.push(WorkflowRecord {
                status: "cancelled".into(),
                category: Category::Cancelled,
                stage: Stage::Closure,
                closed_at_ms: Some(at),
                updated_at_ms: at,
                comment: Some("customer withdrew".into()),
                ..base.clone()
            });
            break;
        }
        let started = (category != Category::NotStarted).then_some(start_at);
        let behind = due < at.min(now_ms) || (category == Category::Done && late);
        out.push(WorkflowRecord {
            status: status.into(),
            category,
            stage,
            started_at_ms: started,
            closed_at_ms: (category == Category::Done).then_some(at),
            updated_at_ms: at,
            delay_reason: behind.then(|| {
                DELAY_REASONS[(rng.next_u64() % DELAY_REASONS.len() as u64) as usize].into()
            }),
            comment: (rng.f64() < 0.6)
                .then(|| COMMENTS[(rng.next_u64() % COMMENTS.len() as u64) as usize].into()),
            changed_by: if rng.f64() < 0.7 {
                owner.clone()
            } else {
                team.clone()
            },
            ..base.clone()
        });
    }
    let n_tasks = 2 + rng.next_u64() % 4;
    let tasks = (0..n_tasks)
        .map(|k| {
            let t_created = start_at.min(now_ms).max(created);
            let t_due = created + ms(planned * (k + 1) as f64 / n_tasks as f64);
            let t_done = t_created + ms(actual * (k + 1) as f64 / n_tasks as f64 * 0.8);
            let done = !cancelled && t_done <= now_ms;
            TaskRecord {
                external_id: format!("{id}-t{k}"),
                workflow_id: Some(id.clone()),
                title: [
                    "Kickoff",
                    "Collect inputs",
                    "Configure",
                    "Review",
                    "Sign-off",
                ][k as usize % 5]
                    .to_string(),
                assignee: OWNERS[(rng.next_u64() % OWNERS.len() as u64) as usize].to_string(),
                team: team.clone(),
                category: if done {
                    Category::Done
                } else {
                    Category::NotStarted
                },
                created_at_ms: t_created,
                due_at_ms: Some(t_due),
                closed_at_ms: done.then_some(t_done),
                updated_at_ms: if done { t_done } else { t_created },
            }
        })
        .filter(|t| t.created_at_ms <= now_ms)
        .collect();
    (out, tasks)
}

/// Demo automation runs over the last `days` days.
fn runs(today: Day, days: i64, now_ms: i64, rng: &mut Rng) -> Vec<RunRecord> {
    let mut out = Vec::new();
    let from = today.plus_days(-days).start_ms();
    let mut t = from;
    let mut n = 0;
    while t < now_ms {
        t += (rng.f64() * 2.0 * HOUR_MS as f64 / 3.0) as i64 + 60_000;
        if t >= now_ms {
            break;
        }
        let (name, failure) = AUTOMATIONS[(rng.next_u64() % AUTOMATIONS.len() as u64) as usize];
        let age = now_ms - t;
        let status = if age < 5 * 60_000 {
            RunStatus::Running
        } else if age < 15 * 60_000 && rng.f64() < 0.3 {
            RunStatus::Pending
        } else if rng.f64() < failure {
            RunStatus::Failed
        } else {
            RunStatus::Completed
        };
        let finished = status
            .is_final()
            .then(|| t + 2_000 + (rng.f64() * 60_000.0) as i64);
        out.push(RunRecord {
            external_id: format!("run-{n}"),
            automation: name.to_string(),
            workflow_id: None,
            status,
            started_at_ms: t,
            finished_at_ms: finished,
            error: (status == RunStatus::Failed).then(|| {
                [
                    "SMTP 550 mailbox unavailable",
                    "timeout calling CRM",
                    "HTTP 429 from billing API",
                ][(rng.next_u64() % 3) as usize]
                    .to_string()
            }),
        });
        n += 1;
    }
    out
}

/// Jira-shaped deliveries for onboarding issues `ONB-1…`: created, moved through the board,
/// some resolved, each as the webhook body Jira sends.
fn jira_replay(today: Day, now_ms: i64, rng: &mut Rng) -> Vec<String> {
    let mut bodies = Vec::new();
    let board = [
        ("To Do", "new"),
        ("In Progress", "indeterminate"),
        ("In Review", "indeterminate"),
        ("Done", "done"),
    ];
    for i in 1..=30 {
        let created = today
            .plus_days(-(5 + (rng.next_u64() % 80) as i64))
            .start_ms()
            + (rng.f64() * 8.0 * HOUR_MS as f64) as i64;
        let step_days = 2.0 + rng.f64() * 8.0;
        let due = Day::from_epoch_ms(created + ((step_days * 3.0) as i64 + 3) * DAY_MS);
        let priority = ["Medium", "High", "Low"][i % 3];
        for (k, (status, category)) in board.iter().enumerate() {
            let at = created + (k as f64 * step_days * DAY_MS as f64) as i64;
            if at > now_ms {
                break;
            }
            // Jira writes offsets without a colon.
            let jira_ts =
                |ms: i64| format!("{}.000+0000", format_rfc3339(ms).trim_end_matches('Z'));
            let body = serde_json::json!({
                "timestamp": at,
                "webhookEvent": if k == 0 { "jira:issue_created" } else { "jira:issue_updated" },
                "user": {"displayName": OWNERS[(i + k) % OWNERS.len()]},
                "issue": {"id": (10_000 + i).to_string(), "key": format!("ONB-{i}"), "fields": {
                    "summary": format!("Onboard customer {}", 200 + i),
                    "project": {"key": "ONB", "name": "Onboarding"},
                    "issuetype": {"name": "Task"},
                    "labels": ["customer_onboarding"],
                    "status": {"name": status, "statusCategory": {"key": category}},
                    "priority": {"name": priority},
                    "assignee": {"displayName": OWNERS[i % OWNERS.len()]},
                    "created": jira_ts(created),
                    "updated": jira_ts(at),
                    "duedate": due.to_string(),
                    "resolutiondate": (*category == "done").then(|| jira_ts(at)),
                    "customfield_10050": {"value": "Onboarding"}
                }},
            });
            bodies.push(body.to_string());
        }
    }
    bodies
}

/// Seeds demo workflows into a store without any; returns the workflow versions stored.
pub async fn seed_if_empty(store: &Store, now_ms: i64) -> Result<i64, StoreError> {
    if workflows::count(store).await? > 0 {
        return Ok(0);
    }
    let today = Day::from_epoch_ms(now_ms);
    let mut rng = Rng::new(21);
    let mut records = Vec::new();
    let mut tasks = Vec::new();
    let days = 180;
    for n in 0..1_400 {
        let kind_index = (rng.next_u64() % BUILT_IN.len() as u64) as usize;
        let created = today
            .plus_days(-((rng.next_u64() % days) as i64))
            .start_ms()
            + (rng.f64() * 10.0 * HOUR_MS as f64) as i64
            + 7 * HOUR_MS;
        if created > now_ms {
            continue;
        }
        let (v, t) = versions(
            format!("WF-{}", 1000 + n),
            kind_index,
            created,
            now_ms,
            &mut rng,
        );
        records.extend(v);
        tasks.extend(t);
    }
    let mut stored = 0;
    for chunk in records.chunks(5_000) {
        stored += workflows::upsert(store, chunk.to_vec(), None, now_ms)
            .await?
            .upserted
            .created;
    }
    workflows::upsert_tasks(store, &tasks).await?;
    workflows::upsert_runs(store, &runs(today, 60, now_ms, &mut rng)).await?;
    let map = StatusMap::default();
    let mapping = jira::JiraMapping {
        team_field: Some("customfield_10050".into()),
        ..Default::default()
    };
    for (i, body) in jira_replay(today, now_ms, &mut rng).iter().enumerate() {
        let Ok(TrackerEvent::Upsert(input)) = jira::parse(body.as_bytes(), &map, &mapping) else {
            continue;
        };
        let Ok(record) = WorkflowRecord::validate(*input, &map, now_ms) else {
            continue;
        };
        let id = format!("demo-{i}");
        workflows::upsert(store, vec![record], Some(("jira", &id)), now_ms).await?;
    }
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_workflows_cover_every_type_with_delays_and_transitions() {
        let now = 1_790_000_000_000;
        let mut rng = Rng::new(21);
        let created = now - 40 * DAY_MS;
        let mut late = 0;
        for k in 0..BUILT_IN.len() {
            let (v, t) = versions(format!("w{k}"), k, created, now, &mut rng);
            assert!(!v.is_empty() && !t.is_empty());
            assert!(v
                .windows(2)
                .all(|w| w[0].updated_at_ms <= w[1].updated_at_ms));
            let map = StatusMap::default();
            for r in &v {
                // Every demo status is one the default status map knows.
                assert_eq!(
                    map.lookup(&r.status).map(|(c, _)| c),
                    Some(r.category),
                    "{}",
                    r.status
                );
            }
            late += v.iter().filter(|r| r.delay_reason.is_some()).count();
        }
        assert!(late > 0, "some demo work runs late, with a reason");
        let replay = jira_replay(Day::from_epoch_ms(now), now, &mut rng);
        assert!(replay.len() >= 30);
        let map = StatusMap::default();
        for body in &replay {
            let TrackerEvent::Upsert(i) =
                jira::parse(body.as_bytes(), &map, &Default::default()).unwrap()
            else {
                panic!("ignored");
            };
            WorkflowRecord::validate(*i, &map, now).unwrap();
        }
        let r = runs(Day::from_epoch_ms(now), 2, now, &mut rng);
        assert!(r.iter().any(|r| r.status == RunStatus::Completed));
    }
}
