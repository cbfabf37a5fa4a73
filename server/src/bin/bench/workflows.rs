//! Workflows bench (issue 21): work-item updates posted to `POST /api/v1/workflows` over HTTP
//! (each version of a workflow one transition, target ≥ 20,000 transitions/s), then the p95 of
//! the workflows report (`GET /api/v1/workflows`, target ≤ 100 ms) over the store.

use super::{percentile, post_batches, HttpClient, KEY};
use axum::body::Bytes;
use http_body_util::{BodyExt, Full};
use std::time::{Duration, Instant};

/// Requests timed per read (after 3 warm-ups): a report reads the whole period's workflows,
/// so 200 of them would make the bench minutes longer without changing the p95.
const READS: usize = 40;

async fn time_reads(client: &HttpClient, uri: &hyper::Uri) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(READS);
    for i in 0..READS + 3 {
        let t = Instant::now();
        let resp = client
            .request(
                hyper::Request::get(uri.clone())
                    .header("authorization", format!("Bearer {KEY}"))
                    .body(Full::new(Bytes::new()))?,
            )
            .await?;
        let status = resp.status();
        let body = resp.into_body().collect().await?.to_bytes();
        anyhow::ensure!(
            status.is_success(),
            "{uri} answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
        if i >= 3 {
            times.push(t.elapsed());
        }
    }
    times.sort();
    Ok(times)
}

/// Transitions each benched workflow goes through (created … done): 100,000 workflows make
/// the 1M transitions.
const STEPS: [&str; 10] = [
    "not_started",
    "planning",
    "in_progress",
    "in_review",
    "blocked",
    "in_progress",
    "in_review",
    "waiting",
    "closing",
    "done",
];
/// Workflows per request: each carries all its versions, so a batch is 1,000 records.
const PER_BATCH: usize = 1_000 / STEPS.len();

/// JSON batches of `workflows` workflows created over the year to `now`, every one with its
/// five versions (the last few hundred still open), and the number of versions.
pub fn bodies(workflows: usize, now: i64) -> (Vec<Bytes>, usize) {
    let day = 86_400_000i64;
    let year_ago = now - 365 * day;
    let span = (now - 30 * day - year_ago) as u64;
    let teams = ["Onboarding", "Support", "Success", "Billing", "Delivery"];
    let kinds = [
        "customer_onboarding",
        "renewals",
        "partner_onboarding",
        "complaint_resolution",
    ];
    let mut out = Vec::new();
    let mut versions = 0;
    let mut i = 0usize;
    while i < workflows {
        let mut batch = String::from("[");
        for n in i..(i + PER_BATCH).min(workflows) {
            // A fixed spread (a Weyl sequence), so runs compare like with like.
            let created = year_ago + ((n as u64).wrapping_mul(0x9E37_79B9) % span) as i64;
            let step = day / 2 + (n as i64 % 7) * day / 2;
            let due = created + 8 * step + (n as i64 % 3 - 1) * day;
            for (k, status) in STEPS.iter().enumerate() {
                let at = created + k as i64 * step;
                if at > now {
                    break;
                }
                if batch.len() > 1 {
                    batch.push(',');
                }
                let ts = app::domain::date::format_rfc3339(at);
                let completed = if *status == "done" {
                    format!(",\"completed_at\":\"{ts}\"")
                } else {
                    String::new()
                };
                let partner = if n % 4 == 2 {
                    format!(",\"partner_id\":\"p-{}\"", n % 500)
                } else {
                    String::new()
                };
                batch.push_str(&format!(
                    "{{\"id\":\"wf-{n}\",\"type\":\"{}\",\"status\":\"{status}\",\"team\":\"{}\",\
                     \"created_at\":\"{}\",\"updated_at\":\"{ts}\",\"due_at\":\"{}\"{completed}{partner}}}",
                    kinds[n % kinds.len()],
                    teams[n % teams.len()],
                    app::domain::date::format_rfc3339(created),
                    app::domain::date::format_rfc3339(due),
                ));
                versions += 1;
            }
        }
        batch.push(']');
        out.push(Bytes::from(batch));
        i += PER_BATCH;
    }
    (out, versions)
}

/// Ingests `workflows` workflows with their transitions and times the report.
pub async fn run(
    client: &HttpClient,
    addr: std::net::SocketAddr,
    workflows: usize,
    now: i64,
) -> anyhow::Result<()> {
    println!();
    println!(
        "workflows: {workflows} workflows, {} versions each, over 365 days",
        STEPS.len()
    );
    let (batches, versions) = bodies(workflows, now);
    let (accepted, secs) =
        post_batches(client, &format!("http://{addr}/api/v1/workflows"), batches).await?;
    anyhow::ensure!(
        accepted == versions as i64,
        "expected {versions} versions accepted, got {accepted}"
    );
    println!(
        "  transitions ingested: {versions} in {secs:.1} s = {:.0}/s (target ≥ 20,000/s)",
        versions as f64 / secs
    );
    println!(
        "  {:<36} {:>9} {:>9}   target p95",
        "read (ms)", "p50", "p95"
    );
    for (name, path) in [
        ("report, 30 days", "/api/v1/workflows?range=30d"),
        ("report, 90 days + compare", "/api/v1/workflows?range=90d"),
        (
            "report, 12 months, team",
            "/api/v1/workflows?range=365d&team=Billing",
        ),
        ("one workflow", "/api/v1/workflows/wf-4242"),
    ] {
        let u: hyper::Uri = format!("http://{addr}{path}").parse()?;
        let times = time_reads(client, &u).await?;
        println!(
            "  {:<36} {:>9.2} {:>9.2}   ≤ 100",
            name,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
    }
    Ok(())
}
