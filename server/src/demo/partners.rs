//! Demo partners: 50 partners of four tiers and mixed health, with orders (partner and
//! direct), portal activity, trainings, communications, leads, deals, weekly stock counts
//! and partner surveys, all driven by each partner's health so the figures agree: a
//! struggling partner answers surveys worse, delivers late, logs in less, trains less,
//! closes fewer deals, runs out of stock, and grows slower.

use super::{Rng, CATEGORIES, PARTNERS, REGIONS};
use crate::store::{orders, partners as store, surveys, Store, StoreError};
use app::domain::date::{Day, MS_PER_DAY};
use app::domain::order::OrderRecord;
use app::domain::partner::activity::{ActivityKind, ActivityRecord, DealRecord, DealStage};
use app::domain::partner::{InventorySnapshot, PartnerRecord, PartnerStatus};
use app::domain::survey::{Score, SurveyKind, SurveyRecord};

const PREFIXES: [&str; 15] = [
    "Alpine",
    "Bluewater",
    "Cedar",
    "Delta",
    "Evergreen",
    "Falcon",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Keystone",
    "Meridian",
    "Northstar",
    "Pinnacle",
    "Summit",
];
const SUFFIXES: [&str; 3] = ["Supply", "Retail", "Distribution"];
const COURSES: [&str; 4] = [
    "onboarding",
    "product-basics",
    "advanced-config",
    "sales-certification",
];
const PROGRAMS: [&str; 3] = ["co-marketing", "mdf", "beta"];
const MEDIA: [&str; 3] = ["email", "meeting", "call"];

/// One demo partner: its record and hidden health (−1 struggling … 1 thriving).
pub struct DemoPartner {
    pub record: PartnerRecord,
    pub health: f64,
    /// Orders per day at full speed.
    pub rate: f64,
}

fn title(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The 50 partners: the five that the survey, ticket and feedback demo data already name,
/// then 45 more.
pub fn registry(today: Day, now_ms: i64, rng: &mut Rng) -> Vec<DemoPartner> {
    let mut ids: Vec<(String, Option<f64>)> = PARTNERS
        .iter()
        .map(|(id, tilt)| (id.to_string(), Some(*tilt)))
        .collect();
    for p in PREFIXES {
        for s in SUFFIXES {
            ids.push((format!("{}-{}", p, s).to_lowercase(), None));
        }
    }
    ids.into_iter()
        .enumerate()
        .map(|(i, (id, tilt))| {
            // The survey tilts (−0.08 … 0.06) scale to health; the rest are drawn.
            let health = tilt
                .map_or_else(|| rng.normal(0.45), |t| t * 10.0)
                .clamp(-1.0, 1.0);
            let (tier, rate) = match i % 10 {
                0 => ("platinum", 3.0),
                1 | 2 => ("gold", 2.0),
                3..=5 => ("silver", 1.0),
                _ => ("bronze", 0.5),
            };
            // Most partners have a year of history (so growth compares like with like),
            // seven joined this year, and the last three lately: some are still onboarding.
            let signed = today.plus_days(-match i {
                47.. => 5 + (rng.next_u64() % 40) as i64,
                40.. => 60 + (rng.next_u64() % 300) as i64,
                _ => 420 + (rng.next_u64() % 480) as i64,
            });
            let onboarding_days = (45.0 - 25.0 * health + rng.normal(8.0)).clamp(7.0, 120.0);
            let live = signed.start_ms() + (onboarding_days * MS_PER_DAY as f64) as i64;
            let live_at_ms = (live <= now_ms).then_some(live);
            // Three struggling partners have left; their last day is in the past year.
            let churned_at_ms = (i >= 5 && i % 16 == 7 && live_at_ms.is_some()).then(|| {
                (today
                    .plus_days(-(20 + (rng.next_u64() % 180) as i64))
                    .start_ms())
                .max(live + MS_PER_DAY)
                .min(now_ms)
            });
            let health = if churned_at_ms.is_some() {
                health.min(-0.4)
            } else {
                health
            };
            DemoPartner {
                record: PartnerRecord {
                    name: title(&id),
                    id,
                    tier: tier.into(),
                    region: rng.pick(&REGIONS).to_string(),
                    signed_at_ms: signed.start_ms() + 10 * 3_600_000,
                    live_at_ms,
                    status: if churned_at_ms.is_some() {
                        PartnerStatus::Churned
                    } else {
                        PartnerStatus::Active
                    },
                    churned_at_ms,
                },
                health,
                rate,
            }
        })
        .collect()
}

/// Everything the partner demo stores.
#[derive(Default)]
pub struct PartnerData {
    pub partners: Vec<PartnerRecord>,
    pub orders: Vec<OrderRecord>,
    pub activity: Vec<ActivityRecord>,
    pub deals: Vec<DealRecord>,
    pub stock: Vec<InventorySnapshot>,
    pub surveys: Vec<SurveyRecord>,
}

fn at(day: Day, rng: &mut Rng, now_ms: i64) -> Option<i64> {
    let t = day.start_ms() + (rng.f64() * MS_PER_DAY as f64) as i64;
    (t <= now_ms).then_some(t)
}

/// Generates the partner demo over the `days` days ending `today`, none later than `now_ms`.
pub fn generate(today: Day, days: i64, now_ms: i64, seed: u64) -> PartnerData {
    let mut rng = Rng::new(seed);
    let demo = registry(today, now_ms, &mut rng);
    let mut out = PartnerData::default();
    let mut order_n = 0u64;
    for back in (0..days).rev() {
        let day = today.plus_days(-back);
        // Direct orders (no partner) keep the partners' revenue share meaningful.
        for _ in 0..(18.0 + rng.normal(4.0)).max(0.0) as usize {
            let Some(t) = at(day, &mut rng, now_ms) else {
                continue;
            };
            order_n += 1;
            out.orders.push(order(
                format!("demo-o-{order_n}"),
                "",
                t,
                0.0,
                now_ms,
                &mut rng,
            ));
        }
        for p in &demo {
            let r = &p.record;
            let start = r.live_at_ms.unwrap_or(i64::MAX);
            if day.plus_days(1).start_ms() <= start || !r.active_at(day.start_ms()) {
                continue;
            }
            // Growth on the year: thriving partners grow, struggling ones shrink.
            let growth = 1.0 + (0.1 + 0.25 * p.health) * (days - back) as f64 / 365.0;
            let expected = p.rate * growth.max(0.2) * if day.weekday() >= 5 { 0.4 } else { 1.0 };
            let mut n = expected.floor() as usize;
            if rng.f64() < expected.fract() {
                n += 1;
            }
            for _ in 0..n {
                let Some(t) = at(day, &mut rng, now_ms) else {
                    continue;
                };
                order_n += 1;
                out.orders.push(order(
                    format!("demo-o-{order_n}"),
                    &r.id,
                    t,
                    p.health,
                    now_ms,
                    &mut rng,
                ));
            }
            activity_day(p, day, now_ms, &mut rng, &mut out);
        }
    }
    for p in &demo {
        deals(p, today, now_ms, &mut rng, &mut out);
        stock(p, today, now_ms, &mut rng, &mut out);
        partner_surveys(p, today, days, now_ms, &mut rng, &mut out);
    }
    out.partners = demo.into_iter().map(|p| p.record).collect();
    out
}

fn order(
    id: String,
    partner: &str,
    t: i64,
    health: f64,
    now_ms: i64,
    rng: &mut Rng,
) -> OrderRecord {
    let amount_cents = ((60.0 + rng.f64() * 340.0) * 100.0).round() as i64;
    let promised = t + (3 + (rng.next_u64() % 4) as i64) * MS_PER_DAY;
    // Late deliveries: 8% for an average partner, 2% for the best, 25% for the worst.
    let late = rng.f64() < (0.08 - 0.06 * health.max(0.0) + 0.17 * (-health).max(0.0));
    let delivered = if late {
        promised + (1 + (rng.next_u64() % 4) as i64) * MS_PER_DAY
    } else {
        t + ((1.5 + rng.f64() * 2.0) * MS_PER_DAY as f64) as i64
    };
    let channel = if partner.is_empty() {
        ["web", "app"][(rng.next_u64() % 2) as usize]
    } else {
        "web"
    };
    OrderRecord {
        external_id: id,
        customer_id: format!("cust-{}", rng.next_u64() % 20_000),
        partner_id: partner.to_string(),
        amount_cents,
        currency: "USD".into(),
        ordered_at_ms: t,
        promised_at_ms: Some(promised),
        delivered_at_ms: (delivered <= now_ms).then_some(delivered),
        accurate: Some(rng.f64() < 0.97 + 0.025 * health),
        returned: rng.f64() < 0.05 - 0.02 * health,
        category: rng.pick(&CATEGORIES).to_string(),
        channel: channel.into(),
        cost_cents: Some((amount_cents as f64 * (0.6 + rng.f64() * 0.1)) as i64),
    }
}

fn event(
    p: &DemoPartner,
    kind: ActivityKind,
    t: i64,
    count: i64,
    detail: &str,
    person: &str,
    out: &mut PartnerData,
) {
    out.activity.push(ActivityRecord {
        external_id: format!("demo-a-{}", out.activity.len()),
        partner_id: p.record.id.clone(),
        kind,
        at_ms: t,
        count,
        detail: detail.into(),
        person: person.into(),
    });
}

/// One day of a live partner's portal use, trainings, programmes, communications, leads.
fn activity_day(p: &DemoPartner, day: Day, now_ms: i64, rng: &mut Rng, out: &mut PartnerData) {
    let Some(t) = at(day, rng, now_ms) else {
        return;
    };
    let h = p.health;
    // Thriving partners use the portal most days; the most struggling ones hardly at all.
    let login_day = if h > 0.0 {
        0.9
    } else if h > -0.5 {
        0.5
    } else {
        0.02
    };
    if rng.f64() < login_day {
        let logins = (2.0 + 3.0 * (h + 1.0) + rng.normal(1.0)).max(1.0) as i64;
        event(p, ActivityKind::Login, t, logins, "", "", out);
        if rng.f64() < 0.6 {
            let n = (1.0 + 2.0 * (h + 1.0) * rng.f64()).max(1.0) as i64;
            event(p, ActivityKind::Interaction, t, n, "", "", out);
        }
    }
    if rng.f64() < 0.03 + 0.02 * h {
        let course = COURSES[(rng.next_u64() % COURSES.len() as u64) as usize];
        let person = format!("{}-user-{}", p.record.id, rng.next_u64() % 12);
        event(p, ActivityKind::TrainingStarted, t, 1, course, &person, out);
        if rng.f64() < 0.6 + 0.3 * h {
            let done = t + (3 + (rng.next_u64() % 18) as i64) * MS_PER_DAY;
            if done <= now_ms {
                event(
                    p,
                    ActivityKind::TrainingCompleted,
                    done,
                    1,
                    course,
                    &person,
                    out,
                );
                if course == "sales-certification" {
                    event(
                        p,
                        ActivityKind::Certification,
                        done,
                        1,
                        course,
                        &person,
                        out,
                    );
                }
            }
        }
    }
    if day.0 % 30 == 0 && rng.f64() < 0.5 + 0.3 * h {
        let program = PROGRAMS[(rng.next_u64() % PROGRAMS.len() as u64) as usize];
        event(p, ActivityKind::Program, t, 1, program, "", out);
    }
    if rng.f64() < 0.15 + 0.05 * h {
        let medium = MEDIA[(rng.next_u64() % MEDIA.len() as u64) as usize];
        event(p, ActivityKind::Communication, t, 1, medium, "", out);
    }
    if rng.f64() < 0.2 * p.rate {
        event(
            p,
            ActivityKind::Lead,
            t,
            1 + (rng.next_u64() % 3) as i64,
            "",
            "",
            out,
        );
    }
}

/// Two deals a month over the last year: older ones closed (won more often by healthy
/// partners), recent ones still moving through the stages.
fn deals(p: &DemoPartner, today: Day, now_ms: i64, rng: &mut Rng, out: &mut PartnerData) {
    let Some(live) = p.record.live_at_ms else {
        return;
    };
    for k in 0..24 {
        let opened = today.plus_days(-(k * 15 + (rng.next_u64() % 15) as i64));
        let opened_ms = opened.start_ms() + 9 * 3_600_000;
        if opened_ms < live || !p.record.active_at(opened_ms) {
            continue;
        }
        let age = today.0 - opened.0;
        let stage = if age > 60 {
            if rng.f64() < 0.45 + 0.3 * p.health {
                DealStage::Won
            } else {
                DealStage::Lost
            }
        } else {
            [
                DealStage::Registered,
                DealStage::Qualified,
                DealStage::Proposal,
                DealStage::Negotiation,
            ][(age / 16).clamp(0, 3) as usize]
        };
        let moved = (opened_ms + age.min(75) * MS_PER_DAY * 4 / 5).min(now_ms);
        out.deals.push(DealRecord {
            deal_id: format!("demo-d-{}-{k}", p.record.id),
            partner_id: p.record.id.clone(),
            value_cents: ((2_000.0 + rng.f64() * 48_000.0) * 100.0) as i64,
            currency: "USD".into(),
            stage,
            at_ms: moved,
        });
    }
}

/// Weekly stock counts of six SKUs over 17 weeks: steady draw-down and restocks at the
/// reorder level; struggling partners restock late, so their shelves run low.
fn stock(p: &DemoPartner, today: Day, now_ms: i64, rng: &mut Rng, out: &mut PartnerData) {
    if p.record.live_at_ms.is_none() || p.record.churned_at_ms.is_some() {
        return;
    }
    for s in 0..6 {
        let sku = format!("SKU-{}", 100 + s);
        let reorder = 40 + (s as i64) * 5;
        let mut on_hand = 120 + (rng.next_u64() % 100) as i64;
        let mut waiting = 0;
        for w in (0..17).rev() {
            let t = today.plus_days(-7 * w).start_ms() + 8 * 3_600_000;
            if t > now_ms {
                continue;
            }
            out.stock.push(InventorySnapshot {
                partner_id: p.record.id.clone(),
                sku: sku.clone(),
                on_hand,
                reorder_level: reorder,
                at_ms: t,
            });
            on_hand = (on_hand - (15 + (rng.next_u64() % 25) as i64)).max(0);
            if on_hand <= reorder {
                // Weeks a restock takes: none for healthy partners, up to three otherwise.
                waiting += 1;
                if waiting as f64 > 2.5 * (-p.health).max(0.0) + 0.5 {
                    on_hand += 150 + (rng.next_u64() % 60) as i64;
                    waiting = 0;
                }
            }
        }
    }
}

/// PSS and partner NPS answers for the partners the customer survey demo does not name:
/// about one every ten days each, warmer for healthier partners.
fn partner_surveys(
    p: &DemoPartner,
    today: Day,
    days: i64,
    now_ms: i64,
    rng: &mut Rng,
    out: &mut PartnerData,
) {
    if PARTNERS.iter().any(|(id, _)| *id == p.record.id) {
        return;
    }
    for back in 0..days {
        if rng.f64() > 0.1 {
            continue;
        }
        let day = today.plus_days(-back);
        let Some(t) = at(day, rng, now_ms) else {
            continue;
        };
        if !p.record.active_at(t) {
            continue;
        }
        let s = (0.78 + 0.15 * p.health + rng.normal(0.17)).clamp(0.0, 1.0);
        for (kind, value) in [
            (
                SurveyKind::Pss,
                (1.0 + s * 4.0 + rng.normal(0.4)).round().clamp(1.0, 5.0),
            ),
            (
                SurveyKind::Pnps,
                (s * 10.0 + rng.normal(0.6)).round().clamp(0.0, 10.0),
            ),
        ] {
            let Ok(score) = Score::parse(kind, value, None) else {
                continue;
            };
            out.surveys.push(SurveyRecord {
                external_id: format!("demo-ps-{}-{}-{}", p.record.id, day.0, kind.as_str()),
                score,
                responded_at_ms: t,
                comment: None,
                channel: "email".into(),
                segment: String::new(),
                product_category: String::new(),
                region: p.record.region.clone(),
                touchpoint: String::new(),
                customer_id: None,
                partner_id: p.record.id.clone(),
            });
        }
    }
}

/// Seeds the partner demo when the registry is empty; returns the partners stored.
pub async fn seed_if_empty(s: &Store, now_ms: i64) -> Result<usize, StoreError> {
    if !store::list_partners(s).await?.is_empty() {
        return Ok(0);
    }
    let data = generate(Day::from_epoch_ms(now_ms), 400, now_ms, 23);
    let n = data.partners.len();
    for chunk in data.orders.chunks(5_000) {
        orders::upsert_batch(s, chunk.to_vec(), now_ms).await?;
    }
    for chunk in data.activity.chunks(5_000) {
        store::upsert_activity(s, chunk.to_vec(), Vec::new(), now_ms).await?;
    }
    store::upsert_activity(s, Vec::new(), data.deals, now_ms).await?;
    for chunk in data.stock.chunks(5_000) {
        store::upsert_inventory(s, chunk.to_vec(), now_ms).await?;
    }
    for chunk in data.surveys.chunks(5_000) {
        surveys::insert_batch(s, chunk.to_vec(), now_ms).await?;
    }
    // The registry last: it is the "already seeded" marker.
    store::upsert_partners(s, data.partners, now_ms).await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partner_demo_is_consistent() {
        let now = 1_795_000_000_000;
        let today = Day::from_epoch_ms(now);
        let d = generate(today, 400, now, 23);
        assert_eq!(d.partners.len(), 50);
        let ids: std::collections::BTreeSet<&str> =
            d.partners.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids.len(), 50, "ids are unique");
        for (id, _) in PARTNERS {
            assert!(ids.contains(id), "{id} keeps its survey and ticket history");
        }
        assert!(d
            .partners
            .iter()
            .any(|p| p.status == PartnerStatus::Churned));
        assert!(
            d.partners.iter().any(|p| p.live_at_ms.is_none()),
            "someone is onboarding"
        );
        for p in &d.partners {
            assert!(p.live_at_ms.is_none_or(|l| l >= p.signed_at_ms));
            assert!(p
                .churned_at_ms
                .is_none_or(|c| c >= p.signed_at_ms && c <= now));
        }
        // Every partner record points at a registered partner, nothing lies in the future.
        assert!(d
            .orders
            .iter()
            .all(|o| o.partner_id.is_empty() || ids.contains(o.partner_id.as_str())));
        assert!(d
            .orders
            .iter()
            .all(|o| o.ordered_at_ms <= now && o.delivered_at_ms.is_none_or(|t| t <= now)));
        assert!(d
            .activity
            .iter()
            .all(|a| ids.contains(a.partner_id.as_str()) && a.at_ms <= now));
        assert!(d.stock.iter().any(|s| s.needs_reorder()));
        assert!(d.deals.iter().any(|x| x.stage == DealStage::Won));
        assert!(d.deals.iter().any(|x| x.stage.is_open()));
        assert!(d.surveys.len() > 1_000);
        assert!(d.orders.len() > 20_000);
    }
}
