//! Whether a store is a demo store, decided once for the whole store at start-up.
//!
//! Demo data and the demo accounts (known password) may only ever live in a store that was
//! entirely empty when demo mode first met it. The store remembers that in one setting
//! ([`STORE_KIND`]); the per-table seeders never decide it on their own, because "this table is
//! empty" says nothing about whether the store holds someone's real data.

use crate::store::{settings, users, Store, StoreError};
use crate::AppState;

/// The setting that marks a demo store (value [`DEMO`]).
pub const STORE_KIND: &str = "store.kind";
/// The value of [`STORE_KIND`] in a demo store.
pub const DEMO: &str = "demo";
/// Written by demo seeding before [`STORE_KIND`] existed; such a store is a demo store.
const LEGACY_DEMO_MARKER: &str = "demo.alerts_seeded";

/// Why the start-up refused demo mode.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "refusing to seed demo data: this store already holds data and is not a demo store. \
         Start without SIGNALROOM_DEMO (or with SIGNALROOM_DEMO=0) to serve it, or point \
         DATABASE_URL at an empty database for the demo"
    )]
    RealData,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What [`prepare`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DemoOutcome {
    /// The store is a demo store (demo data and accounts belong in it).
    pub demo_store: bool,
    /// Records seeded this start, per kind: surveys, tickets, partners, events, alerts.
    pub seeded: Vec<(&'static str, i64)>,
    /// Demo accounts created this start.
    pub accounts_created: usize,
    /// Demo accounts found in a store that is not a demo store, and deactivated.
    pub accounts_deactivated: usize,
}

/// Whether the store is marked as a demo store.
pub async fn is_demo_store(store: &Store) -> Result<bool, StoreError> {
    if settings::get(store, STORE_KIND).await?.as_deref() == Some(DEMO) {
        return Ok(true);
    }
    Ok(settings::get(store, LEGACY_DEMO_MARKER).await?.is_some())
}

/// Runs before anything else writes to the store at start-up. With `requested`, an empty store
/// becomes a demo store and is filled (a demo store is topped up); a store with other data is
/// refused with [`DemoError::RealData`]. Without it, a store that is not a demo store keeps no
/// active demo account: any left there by an older release is deactivated.
pub async fn prepare(
    state: &AppState,
    requested: bool,
    now_ms: i64,
) -> Result<DemoOutcome, DemoError> {
    let store = &state.store;
    let mut out = DemoOutcome::default();
    if !requested {
        out.demo_store = is_demo_store(store).await?;
        if !out.demo_store {
            out.accounts_deactivated = deactivate_demo_accounts(store, now_ms).await?;
        }
        return Ok(out);
    }
    // `claim` decides (and marks) the store; it refuses one that holds real data.
    claim(store).await?;
    out.demo_store = true;
    seed(state, now_ms, &mut out).await?;
    out.accounts_created = super::ensure_demo_users(store, &state.auth).await?;
    Ok(out)
}

/// Makes the store a demo store if it is one already or is entirely empty; refuses otherwise.
pub async fn claim(store: &Store) -> Result<(), DemoError> {
    if is_demo_store(store).await? {
        return Ok(());
    }
    if settings::holds_data(store).await? {
        return Err(DemoError::RealData);
    }
    settings::set(store, STORE_KIND, DEMO).await?;
    Ok(())
}

async fn seed(state: &AppState, now_ms: i64, out: &mut DemoOutcome) -> Result<(), StoreError> {
    let store = &state.store;
    let surveys = super::seed_if_empty(store, now_ms).await?;
    let tickets = super::seed_support_if_empty(store, now_ms).await?;
    let partners = super::partners::seed_if_empty(store, now_ms).await? as i64;
    let events = super::journey::seed_if_empty(store, now_ms).await? as i64;
    let workflows = super::workflows::seed_if_empty(store, now_ms).await?;
    let alerts = super::seed_alert_history(store, &state.alerts, now_ms).await?;
    out.seeded = [
        ("surveys", surveys),
        ("tickets", tickets),
        ("partners", partners),
        ("events", events),
        ("workflows", workflows),
        ("alerts", alerts),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .collect();
    Ok(())
}

async fn deactivate_demo_accounts(store: &Store, now_ms: i64) -> Result<usize, StoreError> {
    let mut n = 0;
    for (email, ..) in super::DEMO_USERS {
        let Some(u) = users::find_by_email(store, email).await? else {
            continue;
        };
        let Some(role) = u.role() else { continue };
        if u.is_active()
            && users::update(
                store,
                &u.id,
                role,
                u.partner_id.as_deref(),
                Some(now_ms),
                now_ms,
            )
            .await?
        {
            n += 1;
        }
    }
    Ok(n)
}
