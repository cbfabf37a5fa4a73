//! Integration tests: the whole router on a fresh database per test — SQLite by default,
//! PostgreSQL when `SIGNALROOM_TEST_DATABASE_URL` names an admin URL.

mod access;
mod alerts;
mod helpers;
mod incidents;
mod ingest;
mod journey;
mod metrics;
mod orders;
mod pages;
mod partners;
mod stream;
mod tickets;
mod voice;
