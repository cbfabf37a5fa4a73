//! The Signalroom server: ingestion, storage, the metric engine, the live change stream and
//! the Leptos web app, all behind [`router`] so tests drive it without a socket.

#![recursion_limit = "256"]

pub mod access;
pub mod alerts;
pub mod auth;
pub mod bus;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod http;
pub mod ingest;
pub mod journey;
pub mod metrics;
pub mod partners;
pub mod sentiment;
pub mod state;
pub mod store;
pub mod support;
pub mod targets;
pub mod views;
pub mod voice;

pub use http::router;
pub use state::AppState;
