//! A realistic demo data set: 13 months of survey responses with weekly seasonality, a slow
//! improvement, three incident-like dips, every channel, segment, category, region and
//! touchpoint, and a handful of partners. Deterministic for a given seed and day.

use crate::auth::accounts::Auth;
use crate::store::surveys::insert_batch;
use crate::store::{Store, StoreError};
use app::domain::access::Role;
use app::domain::date::{Day, MS_PER_DAY};
use app::domain::dimension::Channel;
use app::domain::survey::{Score, SurveyKind, SurveyRecord};

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

/// Creates the demo accounts that do not exist yet; returns how many were created.
pub async fn ensure_demo_users(store: &Store, auth: &Auth) -> Result<usize, StoreError> {
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
    Ok(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

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
