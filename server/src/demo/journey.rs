//! Demo customer journeys, consistent with the demo orders: every direct order of the last
//! 180 days is the end of a web or app session (visit → product → cart → checkout → order,
//! a review later for some), beside browsing that never buys, abandoned checkouts (about
//! two for every completed one, near the usual e-commerce rate), anonymous visitors who sign
//! up (identify stitches them), and a year of monthly marketing spend per channel.

use super::Rng;
use crate::store::{events, orders, Store, StoreError};
use app::domain::date::{Day, MS_PER_DAY};
use app::domain::journey::commerce::SpendRecord;
use app::domain::journey::message::{
    EventDims, EventRecord, MessageKind, PAGE_EVENT, SCREEN_EVENT,
};

const MIN: i64 = 60_000;
const SOURCES: [(&str, f64); 5] = [
    ("", 0.35),
    ("search", 0.3),
    ("newsletter", 0.15),
    ("social", 0.12),
    ("display", 0.08),
];
const REGIONS: [&str; 5] = ["us", "de", "uk", "fr", "jp"];
const SEGMENTS: [&str; 3] = ["consumer", "smb", "enterprise"];
const CATEGORIES: [&str; 4] = ["hardware", "software", "accessories", "services"];

struct Gen {
    rng: Rng,
    out: Vec<EventRecord>,
    now: i64,
}

impl Gen {
    fn person_dims(&mut self, key: &str, app: bool) -> EventDims {
        let h = key
            .bytes()
            .fold(7u64, |a, b| a.wrapping_mul(31).wrapping_add(b as u64));
        EventDims {
            channel: if app { "app" } else { "web" }.into(),
            source: self.rng.pick(&SOURCES).to_string(),
            region: REGIONS[(h % 5) as usize].into(),
            segment: SEGMENTS[((h / 5) % 3) as usize].into(),
            product_category: String::new(),
        }
    }

    fn push(
        &mut self,
        user: Option<&str>,
        anon: Option<&str>,
        kind: MessageKind,
        event: &str,
        at: i64,
        dims: &EventDims,
    ) {
        if at > self.now {
            return;
        }
        self.out.push(EventRecord {
            message_id: format!("demo-e-{}", self.out.len()),
            kind,
            event: event.into(),
            user_id: user.map(String::from),
            anonymous_id: anon.map(String::from),
            previous_id: None,
            group_id: None,
            at_ms: at,
            received_ms: at,
            dims: dims.clone(),
            payload: None,
        });
    }

    /// A visit: a first view, maybe more pages, maybe a product, cart and checkout.
    fn session(
        &mut self,
        user: Option<&str>,
        anon: Option<&str>,
        start: i64,
        depth: usize,
        app: bool,
    ) {
        let key = user.or(anon).unwrap_or("");
        let mut dims = self.person_dims(key, app);
        let (kind, view) = if app {
            (MessageKind::Screen, SCREEN_EVENT)
        } else {
            (MessageKind::Page, PAGE_EVENT)
        };
        self.push(user, anon, kind, view, start, &dims);
        dims.source.clear();
        for i in 0..(self.rng.next_u64() % 3) as i64 {
            self.push(user, anon, kind, view, start + (i + 1) * MIN, &dims);
        }
        dims.product_category = CATEGORIES[(self.rng.next_u64() % 4) as usize].into();
        let steps = ["Product Viewed", "Product Added", "Checkout Started"];
        for (i, step) in steps.iter().enumerate().take(depth) {
            let t = start + (5 + 4 * i as i64) * MIN + (self.rng.next_u64() % 120_000) as i64;
            self.push(user, anon, MessageKind::Track, step, t, &dims);
        }
    }
}

/// Seeds demo events and spend once (nothing when events exist); returns events stored.
pub async fn seed_if_empty(store: &Store, now_ms: i64) -> Result<usize, StoreError> {
    if events::count(store).await? > 0 {
        return Ok(0);
    }
    let since = now_ms - 180 * MS_PER_DAY;
    let mut g = Gen {
        rng: Rng::new(88),
        out: Vec::new(),
        now: now_ms,
    };
    let mut direct = 0;
    for (_, o) in orders::commerce_facts(store, now_ms).await? {
        if o.at < since || !(o.channel == "web" || o.channel == "app") {
            continue;
        }
        direct += 1;
        let app = o.channel == "app";
        let start = o.at - (22 + (g.rng.next_u64() % 15) as i64) * MIN;
        g.session(Some(&o.customer), None, start, 3, app);
        let dims = g.person_dims(&o.customer, app);
        g.push(
            Some(&o.customer),
            None,
            MessageKind::Track,
            "Order Completed",
            o.at,
            &dims,
        );
        if g.rng.f64() < 0.3 {
            let later = o.at + (3 + (g.rng.next_u64() % 8) as i64) * MS_PER_DAY;
            g.push(
                Some(&o.customer),
                None,
                MessageKind::Track,
                "Product Reviewed",
                later,
                &dims,
            );
        }
    }
    // Visitors who do not buy: returning customers and anonymous visitors, some of whom sign
    // up. About two abandoned checkouts per completed one.
    let days = 180;
    let per_day = (direct * 6 / days).max(40) as u64;
    for d in 0..days {
        let day0 = since + d * MS_PER_DAY;
        for v in 0..per_day {
            let start = day0 + (g.rng.next_u64() % (MS_PER_DAY as u64 - 3_600_000)) as i64;
            let r = g.rng.f64();
            let depth = if r < 0.3 {
                3
            } else if r < 0.42 {
                2
            } else if r < 0.62 {
                1
            } else {
                0
            };
            let app = g.rng.f64() < 0.35;
            if g.rng.f64() < 0.45 {
                let customer = format!("cust-{}", g.rng.next_u64() % 20_000);
                g.session(Some(&customer), None, start, depth, app);
            } else {
                let anon = format!("anon-{d}-{v}");
                g.session(None, Some(&anon), start, depth, app);
                if g.rng.f64() < 0.08 {
                    let lead = format!("lead-{d}-{v}");
                    let dims = g.person_dims(&anon, app);
                    g.push(
                        Some(&lead),
                        Some(&anon),
                        MessageKind::Identify,
                        "",
                        start + 20 * MIN,
                        &dims,
                    );
                    // Signed-up visitors come back within a few weeks.
                    let back = start + (2 + (g.rng.next_u64() % 20) as i64) * MS_PER_DAY;
                    g.session(Some(&lead), None, back, 1, app);
                }
            }
        }
    }
    let n = g.out.len();
    for chunk in g.out.chunks(10_000) {
        events::insert_batch(store, chunk, now_ms).await?;
    }
    // Monthly spend per channel for the last 13 months.
    let this_month = Day::from_epoch_ms(now_ms).month_start();
    let mut month = this_month;
    let mut spend = Vec::new();
    for _ in 0..13 {
        let next = month.plus_days(32).month_start();
        let (y, m, _) = month.ymd();
        for (channel, base) in [
            ("search", 9_000.0),
            ("social", 5_000.0),
            ("newsletter", 1_500.0),
            ("display", 3_500.0),
        ] {
            let amount = base * (0.85 + g.rng.f64() * 0.3);
            spend.push(SpendRecord {
                period: format!("{y:04}-{m:02}"),
                channel: channel.into(),
                from: month,
                to: next,
                currency: "USD".into(),
                amount_cents: (amount * 100.0).round() as i64,
            });
        }
        month = month.plus_days(-1).month_start();
    }
    events::upsert_spend(store, &spend, now_ms).await?;
    Ok(n)
}
