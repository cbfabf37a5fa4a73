//! Shared application state.

use crate::alerts::{AlertEngine, EngineConfig};
use crate::auth::accounts::Auth;
use crate::bus::ChangeBus;
use crate::config::Config;
use crate::metrics::Engine;
use crate::store::{Store, StoreError};
use axum::extract::FromRef;
use leptos::config::{Env, LeptosOptions};
use std::sync::Arc;
use tokio::sync::watch;

/// Everything a request handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Arc<Store>,
    pub bus: ChangeBus,
    pub engine: Engine,
    /// The alert engine (spawned by the binary; tests drive passes directly or spawn it).
    pub alerts: Arc<AlertEngine>,
    /// Sign-in: sessions, share links, throttles.
    pub auth: Arc<Auth>,
    pub leptos: LeptosOptions,
    /// Flips to `true` when the server is shutting down; long-lived streams end then.
    pub shutdown: watch::Receiver<bool>,
    /// Load shedding: the concurrency limit of each route class.
    pub shedder: Arc<crate::http::shed::Shedder>,
    /// The sentiment engine with the domain lexicon, and re-scoring.
    pub sentiment: Arc<crate::sentiment::Sentiment>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos.clone()
    }
}

impl AppState {
    /// Opens the store, applies migrations and assembles the state.
    pub async fn open(
        config: Config,
        shutdown: watch::Receiver<bool>,
    ) -> Result<AppState, StoreError> {
        let store = Arc::new(Store::connect(&config.database_url.0).await?);
        store.migrate().await?;
        crate::alerts::defaults::seed_once(&store, crate::clock::now_ms()).await?;
        let sentiment = Arc::new(crate::sentiment::Sentiment::load(&store).await?);
        // Stores that predate customer voice get their survey comments as feedback, once.
        crate::voice::backfill_once(&store, &sentiment.analyzer(), crate::clock::now_ms()).await?;
        let auth = Arc::new(Auth::open(&config, &store).await?);
        Ok(Self::with_store(config, store, auth, sentiment, shutdown))
    }

    /// Assembles the state around an opened, migrated store.
    pub fn with_store(
        config: Config,
        store: Arc<Store>,
        auth: Arc<Auth>,
        sentiment: Arc<crate::sentiment::Sentiment>,
        shutdown: watch::Receiver<bool>,
    ) -> AppState {
        // The built site names its files by content (`scripts/build-site.sh`, `hash.txt`);
        // Leptos joins the hash file to the binary's directory, so the path is absolute.
        let hashes = std::fs::canonicalize(config.site_root.join("hash.txt")).ok();
        let leptos = LeptosOptions::builder()
            .output_name("signalroom")
            .site_root(config.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .env(Env::PROD)
            .hash_files(hashes.is_some())
            .hash_file(
                hashes
                    .map(|p| p.to_string_lossy().into())
                    .unwrap_or_else(|| "hash.txt".into()),
            )
            .build();
        let bus = ChangeBus::default();
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.addr));
        let engine = Engine::new(
            store.clone(),
            config.partner_weights,
            config.journey.clone(),
            sentiment.clone(),
        );
        let alerts = Arc::new(
            AlertEngine::new(
                store.clone(),
                bus.clone(),
                EngineConfig {
                    tick: config.alert_tick,
                    retry_base_ms: config.webhook_retry_base_ms,
                    public_url,
                    partner_weights: config.partner_weights,
                    webhook_allow: config.webhook_allow.clone(),
                    ..EngineConfig::default()
                },
            )
            .with_journey(engine.journey().clone()),
        );
        AppState {
            shedder: Arc::new(crate::http::shed::Shedder::new(config.limits)),
            engine,
            alerts,
            config: Arc::new(config),
            store,
            auth,
            bus,
            leptos,
            shutdown,
            sentiment,
        }
    }
}
