//! A realistic demo data set: 13 months of survey responses with weekly seasonality, a slow
//! improvement, three incident-like dips, every channel, segment, category, region and
//! touchpoint, and a handful of partners. Deterministic for a given seed and day.

pub mod journey;
pub mod partners;
pub mod startup;
pub mod workflows;

use crate::auth::accounts::Auth;
use crate::store::surveys::insert_batch;
use crate::store::{Store, StoreError};
use app::domain::access::Role;
use app::domain::date::{Day, MS_PER_DAY};
use app::domain::dimension::Channel;
use app::domain::feedback::{round4, Audience, FeedbackRecord, FeedbackSource};
use app::domain::incident::{IncidentRecord, Severity};
use app::domain::sentiment::vader::Analyzer;
use app::domain::survey::{Score, SurveyKind, SurveyRecord};
use app::domain::ticket::{Priority, TicketRecord, TicketStatus};

/// SplitMix64: small, fast and good enough for synthetic data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Roughly normal (Irwin–Hall of 4), mean 0, standard deviation `sd`.
    pub fn normal(&mut self, sd: f64) -> f64 {
        ((0..4).map(|_| self.f64()).sum::<f64>() - 2.0) * sd * 1.732
    }

    /// Picks by weight.
    pub fn pick<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|(_, w)| w).sum();
        let mut x = self.f64() * total;
        for (item, w) in items {
            if x < *w {
                return item;
            }
            x -= w;
        }
        &items[items.len() - 1].0
    }
}

const SEGMENTS: [(&str, f64); 4] = [
    ("enterprise", 0.2),
    ("mid-market", 0.3),
    ("smb", 0.35),
    ("consumer", 0.15),
];
const CATEGORIES: [(&str, f64); 5] = [
    ("core", 0.35),
    ("billing", 0.15),
    ("analytics", 0.2),
    ("integrations", 0.15),
    ("mobile", 0.15),
];
const REGIONS: [(&str, f64); 4] = [
    ("amer", 0.4),
    ("emea", 0.35),
    ("apac", 0.18),
    ("latam", 0.07),
];
const TOUCHPOINTS: [(&str, f64); 5] = [
    ("onboarding", 0.15),
    ("purchase", 0.15),
    ("support", 0.35),
    ("usage", 0.25),
    ("renewal", 0.1),
];
const CHANNELS: [(Channel, f64); 7] = [
    (Channel::Phone, 0.18),
    (Channel::Email, 0.22),
    (Channel::Chat, 0.2),
    (Channel::SelfService, 0.14),
    (Channel::Social, 0.06),
    (Channel::Web, 0.12),
    (Channel::App, 0.08),
];
const PARTNERS: [(&str, f64); 5] = [
    ("acme-logistics", 0.06),
    ("northwind", 0.02),
    ("globex", -0.08),
    ("initech", 0.0),
    ("umbrella-retail", -0.03),
];
const POSITIVE: [&str; 6] = [
    "Fast and friendly support, solved on the first call.",
    "Love the new dashboard, very easy to use.",
    "Great onboarding, the team was helpful.",
    "Checkout was quick and simple.",
    "Reliable product, it just works.",
    "The agent was knowledgeable and kind.",
];
const NEGATIVE: [&str; 6] = [
    "Waited far too long for a response.",
    "The app keeps crashing after the update.",
    "Billing was wrong again and nobody called back.",
    "Slow, confusing and frustrating to set up.",
    "Had to contact support three times for the same issue.",
    "Delivery was late and the order was incomplete.",
];
const NEUTRAL: [&str; 4] = [
    "It was okay.",
    "Does what I need, nothing more.",
    "Average experience overall.",
    "Support answered eventually.",
];

/// Days before `today` (start, length, channel hit hardest) of incident-like dips.
const DIPS: [(i64, i64, Channel); 3] = [
    (250, 6, Channel::Phone),
    (120, 4, Channel::App),
    (24, 3, Channel::Chat),
];

/// Generates responses for the `days` days ending `today`, none later than `now_ms`.
pub fn generate(today: Day, days: i64, now_ms: i64, seed: u64) -> Vec<SurveyRecord> {
    let mut rng = Rng::new(seed);
    let mut out = Vec::new();
    for back in (0..days).rev() {
        let day = today.plus_days(-back);
        let weekend = day.weekday() >= 5;
        let volume =
            (360.0 * if weekend { 0.5 } else { 1.0 } * (1.0 + rng.normal(0.08))).max(20.0) as usize;
        // Slow improvement over the year; weekend answers a little warmer.
        let trend = 0.04 * (1.0 - back as f64 / days.max(1) as f64);
        for i in 0..volume {
            let ms = day.start_ms() + (rng.f64() * MS_PER_DAY as f64) as i64;
            if ms > now_ms {
                continue;
            }
            let channel = *rng.pick(&CHANNELS);
            let segment = *rng.pick(&SEGMENTS);
            let region = *rng.pick(&REGIONS);
            let kind = *rng.pick(&[
                (SurveyKind::Nps, 0.34),
                (SurveyKind::Csat, 0.34),
                (SurveyKind::Ces, 0.18),
                (SurveyKind::Pss, 0.07),
                (SurveyKind::Pnps, 0.07),
            ]);
            let partner = matches!(kind, SurveyKind::Pss | SurveyKind::Pnps) || rng.f64() < 0.15;
            let partner_idx = (rng.next_u64() % PARTNERS.len() as u64) as usize;
            let mut s = 0.83 + trend + if weekend { 0.02 } else { 0.0 };
            s += match channel {
                Channel::Phone => -0.05,
                Channel::Social => -0.08,
                Channel::SelfService => 0.03,
                Channel::Chat => 0.02,
                _ => 0.0,
            };
            s += match segment {
                "enterprise" => 0.03,
                "consumer" => -0.04,
                _ => 0.0,
            };
            if region == "latam" {
                s -= 0.03;
            }
            if partner {
                s += PARTNERS[partner_idx].1;
            }
            for (start, len, hit) in DIPS {
                if back <= start && back > start - len {
                    s -= if channel == hit { 0.35 } else { 0.12 };
                }
            }
            s = (s + rng.normal(0.17)).clamp(0.0, 1.0);
            let (value, scale) = match kind {
                SurveyKind::Nps | SurveyKind::Pnps => {
                    ((s * 10.0 + rng.normal(0.6)).round().clamp(0.0, 10.0), None)
                }
                SurveyKind::Csat | SurveyKind::Pss => (
                    (1.0 + s * 4.0 + rng.normal(0.4)).round().clamp(1.0, 5.0),
                    None,
                ),
                // The onboarding survey asks CES on a 5-point scale where lower is easier.
                SurveyKind::Ces if rng.f64() < 0.15 => {
                    ((5.0 - s * 4.0).round().clamp(1.0, 5.0), Some(5))
                }
                SurveyKind::Ces => ((1.0 + s * 6.0).round().clamp(1.0, 7.0), Some(7)),
            };
            let Ok(score) = Score::parse(kind, value, scale) else {
                continue;
            };
            let comment = (rng.f64() < 0.3).then(|| {
                let pool: &[&str] = if s > 0.7 {
                    &POSITIVE
                } else if s < 0.45 {
                    &NEGATIVE
                } else {
                    &NEUTRAL
                };
                pool[(rng.next_u64() % pool.len() as u64) as usize].to_string()
            });
            out.push(SurveyRecord {
                external_id: format!("demo-{}-{i}", day.0),
                score,
                responded_at_ms: ms,
                comment,
                channel: channel.as_str().into(),
                segment: segment.into(),
                product_category: rng.pick(&CATEGORIES).to_string(),
                region: region.into(),
                touchpoint: if scale == Some(5) {
                    "onboarding".into()
                } else {
                    rng.pick(&TOUCHPOINTS).to_string()
                },
                customer_id: Some(format!("cust-{}", rng.next_u64() % 20_000)),
                partner_id: if partner {
                    PARTNERS[partner_idx].0.into()
                } else {
                    String::new()
                },
            });
        }
    }
    out
}

/// Seeds 400 days of demo data when the store holds no survey response. Returns how many
/// records were stored.
/// The demo accounts (`make run` prints them): one per role, all with [`DEMO_PASSWORD`].
pub const DEMO_USERS: [(&str, &str, Role, Option<&str>); 4] = [
    ("admin@demo.signalroom", "Ada Admin", Role::Admin, None),
    (
        "analyst@demo.signalroom",
        "Ana Analyst",
        Role::Analyst,
        None,
    ),
    ("viewer@demo.signalroom", "Vic Viewer", Role::Viewer, None),
    (
        "partner@demo.signalroom",
        "Pat Partner (Globex)",
        Role::Partner,
        Some("globex"),
    ),
];
/// The demo accounts' password.
pub const DEMO_PASSWORD: &str = "signalroom-demo";

/// Creates the demo accounts that do not exist yet; returns how many were created. Only
/// [`startup::prepare`] calls it, once the store is known to be a demo store.
pub(crate) async fn ensure_demo_users(store: &Store, auth: &Auth) -> Result<usize, StoreError> {
    let mut created = 0;
    for (email, name, role, partner) in DEMO_USERS {
        if crate::store::users::find_by_email(store, email)
            .await?
            .is_none()
            && auth
                .create_user(store, email, name, role, partner, DEMO_PASSWORD)
                .await?
                .is_some()
        {
            created += 1;
        }
    }
    Ok(created)
}

/// Support channels and their share of tickets.
const TICKET_CHANNELS: [(Channel, f64); 4] = [
    (Channel::Phone, 0.30),
    (Channel::Email, 0.35),
    (Channel::Chat, 0.22),
    (Channel::SelfService, 0.13),
];

/// Tickets and incidents for the `days` days ending `today`, consistent with the survey
/// dips: during a dip its channel gets more tickets, slower answers and fewer first-contact
/// resolutions, and a critical incident opens at its start. One medium incident is open now.
pub fn generate_support(
    today: Day,
    days: i64,
    now_ms: i64,
    seed: u64,
) -> (Vec<TicketRecord>, Vec<IncidentRecord>) {
    let mut rng = Rng::new(seed);
    let mut tickets = Vec::new();
    let mut incidents = Vec::new();
    for back in (0..days).rev() {
        let day = today.plus_days(-back);
        let weekend = day.weekday() >= 5;
        let dip = DIPS
            .iter()
            .find(|(start, len, _)| back <= *start && back > start - len);
        let volume =
            (140.0 * if weekend { 0.4 } else { 1.0 } * (1.0 + rng.normal(0.1))).max(10.0) as usize;
        for i in 0..volume {
            // Office hours are busier: a bell around 14:00 UTC.
            let hour = (14.0 + rng.normal(0.25) * 16.0).clamp(0.0, 23.99);
            let created = day.start_ms() + (hour * 3_600_000.0) as i64;
            if created > now_ms {
                continue;
            }
            let channel = *rng.pick(&TICKET_CHANNELS);
            let hit = dip.is_some_and(|(_, _, c)| *c == channel);
            let base_frt = match channel {
                Channel::Chat => 90.0,
                Channel::Phone => 240.0,
                Channel::Email => 5_400.0,
                _ => 14_400.0,
            };
            let slow = if hit { 4.0 } else { 1.0 };
            let frt = (base_frt * slow * (rng.normal(0.5)).exp()).max(5.0) as i64;
            let first = created + frt * 1000;
            let work = (3_600.0 * slow * (rng.normal(0.8) + 1.0).exp()) as i64;
            let resolved = created + frt * 1000 + work * 1000;
            // A few recent tickets stay open; nothing older than two weeks does.
            let done =
                resolved <= now_ms && (rng.f64() < 0.9 || now_ms - created > 14 * MS_PER_DAY);
            let contacts = if rng.f64() < if hit { 0.5 } else { 0.78 } {
                1
            } else {
                2 + (rng.next_u64() % 2) as i64
            };
            let partner = rng.f64() < 0.15;
            tickets.push(TicketRecord {
                external_id: format!("demo-t-{}-{i}", day.0),
                created_at_ms: created,
                updated_at_ms: if done { resolved } else { first.min(now_ms) },
                first_response_at_ms: (first <= now_ms).then_some(first),
                resolved_at_ms: done.then_some(resolved),
                status: if done {
                    TicketStatus::Solved
                } else {
                    TicketStatus::Open
                },
                priority: if hit {
                    Priority::High
                } else {
                    Priority::Normal
                },
                channel: channel.as_str().to_string(),
                customer_contacts: contacts,
                agent_replies: contacts,
                reopened: i64::from(done && rng.f64() < 0.04),
                satisfaction: (done && rng.f64() < 0.6).then(|| {
                    let good = if hit { 0.55 } else { 0.85 };
                    if rng.f64() < good {
                        4 + (rng.next_u64() % 2) as i64
                    } else {
                        1 + (rng.next_u64() % 3) as i64
                    }
                }),
                category: rng.pick(&CATEGORIES).to_string(),
                customer_id: Some(format!("cust-{}", rng.next_u64() % 20_000)),
                partner_id: if partner {
                    PARTNERS[(rng.next_u64() % PARTNERS.len() as u64) as usize]
                        .0
                        .into()
                } else {
                    String::new()
                },
                segment: rng.pick(&SEGMENTS).to_string(),
                region: rng.pick(&REGIONS).to_string(),
                vip: rng.f64() < 0.05,
            });
        }
        if let Some((start, _, channel)) = dip.filter(|(start, _, _)| *start == back) {
            let at = day.start_ms() + 9 * 3_600_000;
            incidents.push(IncidentRecord {
                external_id: format!("demo-inc-{start}"),
                title: format!("Degraded {} service", channel.as_str()),
                severity: Severity::Critical,
                service: format!("{}-gateway", channel.as_str()),
                triggered_at_ms: at,
                acknowledged_at_ms: Some(at + 7 * 60_000),
                resolved_at_ms: Some(at + 5 * 3_600_000),
                customer_impact: Some(format!("{} contacts slow or failing", channel.as_str())),
            });
        } else if back % 9 == 4 {
            let at = day.start_ms() + (rng.f64() * 20.0) as i64 * 3_600_000;
            if at < now_ms - 3_600_000 {
                let sev = if rng.f64() < 0.3 {
                    Severity::High
                } else {
                    Severity::Medium
                };
                incidents.push(IncidentRecord {
                    external_id: format!("demo-inc-{}", day.0),
                    title: "Elevated error rate".into(),
                    severity: sev,
                    service: "api".into(),
                    triggered_at_ms: at,
                    acknowledged_at_ms: Some(at + (3 + rng.next_u64() % 20) as i64 * 60_000),
                    resolved_at_ms: Some(at + (30 + rng.next_u64() % 240) as i64 * 60_000),
                    customer_impact: None,
                });
            }
        }
    }
    let open_at = now_ms - 6 * 3_600_000;
    incidents.push(IncidentRecord {
        external_id: "demo-inc-open".into(),
        title: "Slow search results".into(),
        severity: Severity::Medium,
        service: "search".into(),
        triggered_at_ms: open_at,
        acknowledged_at_ms: Some(open_at + 6 * 60_000),
        resolved_at_ms: None,
        customer_impact: Some("Searches take several seconds".into()),
    });
    (tickets, incidents)
}

/// Seeds demo tickets and incidents into a store without tickets; returns the tickets stored.
pub async fn seed_support_if_empty(store: &Store, now_ms: i64) -> Result<i64, StoreError> {
    if crate::store::tickets::count(store).await? > 0 {
        return Ok(0);
    }
    let (tickets, incidents) = generate_support(Day::from_epoch_ms(now_ms), 400, now_ms, 11);
    let mut stored = 0;
    for chunk in tickets.chunks(10_000) {
        let o = crate::store::tickets::upsert_batch(store, chunk.to_vec(), now_ms).await?;
        stored += o.counts.created + o.counts.updated;
    }
    crate::store::incidents::upsert(store, &incidents, None, now_ms).await?;
    Ok(stored)
}

/// How far back the demo replays the alert engine, and how often. The odd step spreads the
/// fire times over the hours of the day, as a live engine's would be.
const ALERT_HISTORY_DAYS: i64 = 45;
const ALERT_REPLAY_STEP_MS: i64 = 5 * 3_600_000 + 17 * 60_000;

/// Gives a new demo store alert history: two per-channel rules that catch the demo's dips,
/// then the last weeks replayed through the engine (the same evaluation the live engine
/// runs), so the inbox, log and heatmap show what the rules would have raised. Returns the
/// alerts that exist afterwards; 0 when the store was seeded before.
pub async fn seed_alert_history(
    store: &Store,
    engine: &crate::alerts::AlertEngine,
    now_ms: i64,
) -> Result<i64, StoreError> {
    use app::domain::alert::rule::{Condition, RuleSpec, Severity};
    use app::domain::dimension::Dimension;
    let token = crate::auth::tokens::random_token(16);
    let marker =
        crate::store::settings::get_or_init(store, "demo.alerts_seeded", || token.clone()).await?;
    if marker != token {
        return Ok(0);
    }
    let rule = |name: &str, metric: &str, condition, severity, team: &str| RuleSpec {
        name: name.into(),
        metric: metric.into(),
        filters: Default::default(),
        group_by: None,
        condition,
        window_days: 1,
        severity,
        for_secs: 900,
        min_sample: 20,
        team: team.into(),
        owner: String::new(),
        webhooks: Vec::new(),
        enabled: true,
    };
    // About 17 CSAT answers reach each channel a day, so the per-channel rule looks at two.
    let mut per_channel = rule(
        "CSAT below 60% on a channel",
        "csat",
        Condition::Below { threshold: 60.0 },
        Severity::Critical,
        "CX",
    );
    per_channel.group_by = Some(Dimension::Channel);
    per_channel.window_days = 2;
    let mut chat = rule(
        "Chat first response above 5 min",
        "first_response_time",
        Condition::Above { threshold: 300.0 },
        Severity::Warning,
        "Support",
    );
    chat.filters.insert(Dimension::Channel, "chat".into());
    for spec in [per_channel, chat] {
        crate::alerts::service::create_rule(store, spec, &Default::default(), "demo", now_ms)
            .await
            .map_err(|e| match e {
                crate::alerts::service::OpError::Store(e) => e,
                other => StoreError::Io(std::io::Error::other(other.to_string())),
            })?;
    }
    let mut t = now_ms - ALERT_HISTORY_DAYS * MS_PER_DAY;
    while t < now_ms {
        engine.evaluate(t).await?;
        t += ALERT_REPLAY_STEP_MS;
    }
    engine.evaluate(now_ms).await?;
    let all = crate::store::alerts::list_alerts(
        store,
        &crate::store::alerts::AlertFilter {
            limit: 1000,
            ..Default::default()
        },
    )
    .await?;
    Ok(all.len() as i64)
}

/// The analyzer a fresh store scores with: the shipped domain lexicon over the general one.
fn default_analyzer() -> Analyzer {
    Analyzer::with_domain(std::sync::Arc::new(
        app::domain::sentiment::domain::DomainLexicon::defaults(),
    ))
}

/// Seeds demo survey data into an empty store; returns the records stored.
pub async fn seed_if_empty(store: &Store, now_ms: i64) -> Result<i64, StoreError> {
    if crate::store::surveys::count(store).await? > 0 {
        return Ok(0);
    }
    let records = generate(Day::from_epoch_ms(now_ms), 400, now_ms, 7);
    let mut stored = 0;
    for chunk in records.chunks(10_000) {
        stored += insert_batch(store, chunk.to_vec(), now_ms).await?.accepted;
    }
    crate::voice::backfill_survey_comments(store, &default_analyzer(), now_ms).await?;
    let feedback = generate_feedback(Day::from_epoch_ms(now_ms), 120, now_ms, 11);
    for chunk in feedback.chunks(5_000) {
        crate::store::feedback::upsert_batch(store, chunk.to_vec(), now_ms).await?;
    }
    Ok(stored)
}

/// Review, social, email, chat and partner-portal texts for the `days` days ending `today`:
/// subjects crossed with praise and complaints, so keywords have something to rank, with
/// the chat dip of [`DIPS`] showing as a burst of complaints.
pub fn generate_feedback(today: Day, days: i64, now_ms: i64, seed: u64) -> Vec<FeedbackRecord> {
    const PRAISE: [&str; 8] = [
        "Really love the {s}, so easy to use!",
        "The {s} is fast and reliable.",
        "Great {s}, the team was friendly and helpful.",
        "Excellent {s} 😍 highly recommend",
        "Smooth setup and a clear {s}. Thanks!",
        "The {s} saves us hours every week, brilliant.",
        "Happy with the {s}, support answered quickly.",
        "Best {s} we have tried :)",
    ];
    const COMPLAINTS: [&str; 8] = [
        "The {s} is slow and keeps crashing.",
        "Terrible {s}, waited days for a response 😡",
        "Confusing {s} and nobody called back.",
        "The {s} broke again after the update. Not happy!",
        "Frustrating {s}, the refund is still missing.",
        "Awful experience with the {s}, slow response from support.",
        "The {s} is not working and the agent was rude.",
        "Disappointed: the {s} is buggy and late.",
    ];
    const NEUTRAL: [&str; 4] = [
        "Is the {s} available in French?",
        "We use the {s} every Monday.",
        "Question about the {s} pricing tiers.",
        "The {s} changed its layout this week.",
    ];
    const SUBJECTS: [&str; 8] = [
        "dashboard",
        "mobile app",
        "checkout",
        "billing page",
        "onboarding",
        "delivery",
        "integration",
        "reporting",
    ];
    const SOURCES: [(FeedbackSource, f64); 5] = [
        (FeedbackSource::Review, 0.3),
        (FeedbackSource::Social, 0.3),
        (FeedbackSource::Email, 0.15),
        (FeedbackSource::Chat, 0.15),
        (FeedbackSource::Portal, 0.1),
    ];
    const AUTHORS: [(&str, i64); 8] = [
        ("@techreviewer", 48_000),
        ("@ops_jane", 3_200),
        ("@retailguru", 12_500),
        ("@devdan", 900),
        ("@cx_watch", 27_000),
        ("@sam_builds", 1_400),
        ("@linda_k", 600),
        ("@startupnews", 88_000),
    ];
    let mut rng = Rng::new(seed);
    let analyzer = default_analyzer();
    let mut out = Vec::new();
    for back in 0..days {
        let day = today.plus_days(-back);
        let in_dip = DIPS
            .iter()
            .any(|(start, len, _)| back <= *start && back > start - len);
        let per_day = 25 + (rng.next_u64() % 15) as i64;
        for i in 0..per_day {
            let ms = day.0 * 86_400_000 + (rng.next_u64() % 86_400_000) as i64;
            if ms > now_ms {
                continue;
            }
            let source = *rng.pick(&SOURCES);
            let partner_idx = (rng.next_u64() % PARTNERS.len() as u64) as usize;
            let (partner_name, tilt) = PARTNERS[partner_idx];
            let audience = if source == FeedbackSource::Portal {
                Audience::Partner
            } else {
                Audience::Customer
            };
            let mut good = 0.55 + tilt * 2.0;
            if in_dip {
                good -= 0.35;
            }
            let subject = SUBJECTS[(rng.next_u64() % SUBJECTS.len() as u64) as usize];
            let roll = rng.f64();
            let pool: &[&str] = if roll < good {
                &PRAISE
            } else if roll < good + 0.1 {
                &NEUTRAL
            } else {
                &COMPLAINTS
            };
            let template = pool[(rng.next_u64() % pool.len() as u64) as usize];
            let text = template.replace("{s}", subject);
            let (author, followers) = if source == FeedbackSource::Social {
                let (a, f) = AUTHORS[(rng.next_u64() % AUTHORS.len() as u64) as usize];
                (a.to_string(), f)
            } else {
                (String::new(), 0)
            };
            let reach = (followers as f64).sqrt();
            let social = source == FeedbackSource::Social;
            out.push(FeedbackRecord {
                external_id: format!("demo-fb-{}-{i}", day.0),
                source,
                score: round4(analyzer.score(&text).compound),
                text,
                at_ms: ms,
                audience,
                customer_id: if audience == Audience::Customer {
                    format!("cust-{}", rng.next_u64() % 20_000)
                } else {
                    String::new()
                },
                partner_id: if audience == Audience::Partner || rng.f64() < 0.3 {
                    partner_name.to_string()
                } else {
                    String::new()
                },
                channel: match source {
                    FeedbackSource::Social => Channel::Social.as_str().into(),
                    FeedbackSource::Email => Channel::Email.as_str().into(),
                    FeedbackSource::Chat => Channel::Chat.as_str().into(),
                    _ => Channel::Web.as_str().into(),
                },
                segment: rng.pick(&SEGMENTS).to_string(),
                product_category: rng.pick(&CATEGORIES).to_string(),
                region: rng.pick(&REGIONS).to_string(),
                likes: if social {
                    (reach * rng.f64() * 0.8) as i64
                } else {
                    0
                },
                shares: if social {
                    (reach * rng.f64() * 0.15) as i64
                } else {
                    0
                },
                comments: if social {
                    (reach * rng.f64() * 0.2) as i64
                } else {
                    0
                },
                author,
                followers,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_support_data_shows_the_dips_and_one_open_incident() {
        let now = 1_795_000_000_000;
        let today = Day::from_epoch_ms(now);
        let (tickets, incidents) = generate_support(today, 400, now, 11);
        assert_eq!(generate_support(today, 400, now, 11).0.len(), tickets.len());
        assert!(tickets.len() > 30_000, "{}", tickets.len());
        for t in &tickets {
            assert!(t.first_response_at_ms.is_none_or(|f| f > t.created_at_ms));
            assert!(t
                .resolved_at_ms
                .is_none_or(|r| r >= t.created_at_ms && r <= now));
            assert!(t.updated_at_ms >= t.created_at_ms);
        }
        // The phone dip (250 days back, 6 days): phone answers are much slower then.
        let median_frt = |from: i64, to: i64| {
            let mut h = app::domain::histogram::Histogram::new();
            for t in tickets.iter().filter(|t| {
                let back = today.0 - t.day().0;
                t.channel == "phone" && back <= from && back > to
            }) {
                if let Some(s) = t.first_response_secs() {
                    h.add(s);
                }
            }
            h.quantile(0.5).unwrap()
        };
        assert!(median_frt(250, 244) > 2.5 * median_frt(240, 200));
        let open: Vec<_> = incidents.iter().filter(|i| i.is_open_at(now)).collect();
        assert_eq!(open.len(), 1);
        assert_eq!(
            incidents
                .iter()
                .filter(|i| i.severity == Severity::Critical)
                .count(),
            3
        );
    }

    #[test]
    fn demo_data_is_deterministic_and_covers_every_kind() {
        let now = 1_790_000_000_000;
        let today = Day::from_epoch_ms(now);
        let a = generate(today, 20, now, 1);
        let b = generate(today, 20, now, 1);
        assert_eq!(a, b);
        assert!(a.len() > 20 * 150);
        for k in SurveyKind::ALL {
            assert!(a.iter().any(|r| r.score.kind == k), "{k:?}");
        }
        assert!(a.iter().all(|r| r.responded_at_ms <= now));
        assert!(a
            .iter()
            .any(|r| r.score.kind == SurveyKind::Ces && r.score.scale == 5));
    }
}
