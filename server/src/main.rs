//! The `signalroom` binary: load config, open the store, seed demo data if asked, serve until
//! SIGINT/SIGTERM, then finish in-flight requests and close the store.

use anyhow::Context;
use app::domain::access::Role;
use server::clock::now_ms;
use server::config::Config;
use server::store::{keys, redact_url, sessions, users};
use server::{demo, router, AppState};
use std::net::SocketAddr;
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("SIGNALROOM_LOG")
                .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .init();
    let config = Config::from_env()?;
    let (shutdown_tx, shutdown_rx) = watch::channel(false);
    let state = AppState::open(config.clone(), shutdown_rx)
        .await
        .with_context(|| {
            format!(
                "opening the store at {}",
                redact_url(&config.database_url.0)
            )
        })?;
    // Decided before anything else writes, so "entirely empty" means what it says.
    let demo = demo::startup::prepare(&state, config.demo, now_ms()).await?;
    for (kind, n) in &demo.seeded {
        tracing::info!(kind, records = n, "seeded demo data");
    }
    if demo.accounts_deactivated > 0 {
        tracing::warn!(
            accounts = demo.accounts_deactivated,
            "deactivated demo accounts found in a store that is not a demo store"
        );
    }
    if let Some(key) = &config.ingest_key {
        keys::ensure_key(&state.store, &key.0, "SIGNALROOM_INGEST_KEY", now_ms()).await?;
    } else if keys::count_keys(&state.store).await? == 0 {
        tracing::warn!("no ingest key exists: set SIGNALROOM_INGEST_KEY to create one");
    }
    if let Some((email, password)) = &config.admin {
        if users::find_by_email(&state.store, email).await?.is_none() {
            state
                .auth
                .create_user(
                    &state.store,
                    email,
                    "Administrator",
                    Role::Admin,
                    None,
                    &password.0,
                )
                .await?;
            println!("Created the first admin account: {email}");
        }
    }
    if demo.demo_store {
        println!(
            "Demo store. Demo accounts (password {:?}): {}",
            demo::DEMO_PASSWORD,
            demo::DEMO_USERS.map(|u| u.0).join(", ")
        );
    } else if users::count_active_admins(&state.store).await? == 0 {
        tracing::warn!(
            "no admin account exists: set SIGNALROOM_ADMIN_EMAIL and SIGNALROOM_ADMIN_PASSWORD"
        );
    }
    // Sessions past their expiry are refused on sight; this sweep only reclaims the rows.
    let sweep_store = state.store.clone();
    let idle_ms = i64::try_from(config.session_idle.as_millis()).unwrap_or(i64::MAX);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every.tick().await;
            if let Err(e) = sessions::purge(&sweep_store, now_ms(), idle_ms).await {
                tracing::warn!(error = %e, "cannot purge expired sessions");
            }
        }
    });
    state.alerts.spawn(state.shutdown.clone());
    // Texts scored before the current domain lexicon (an upgrade, a change while stopped).
    state
        .sentiment
        .spawn_rescore(state.store.clone(), state.bus.clone());
    // Load the journey index now rather than on the first journey read.
    let journey = state.engine.journey().clone();
    tokio::spawn(async move {
        let started = std::time::Instant::now();
        match journey.refresh().await {
            Ok(()) => {
                let (events, people) = journey.size();
                tracing::info!(
                    events,
                    people,
                    secs = started.elapsed().as_secs_f64(),
                    "journey index loaded"
                );
            }
            Err(e) => tracing::warn!(error = %e, "cannot load the journey index; reads will retry"),
        }
    });
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .with_context(|| format!("binding {}", config.addr))?;
    let store = state.store.clone();
    println!(
        "Signalroom listening on http://{} (store: {} at {})",
        listener.local_addr()?,
        store.dialect(),
        redact_url(&config.database_url.0)
    );
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = shutdown_tx.send(true);
    })
    .await?;
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
