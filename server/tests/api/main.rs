//! Integration tests: the whole router on a fresh database per test — SQLite by default,
//! PostgreSQL when `SIGNALROOM_TEST_DATABASE_URL` names an admin URL.

mod access;
mod alerts;
mod catalogue;
mod demo;
mod helpers;
mod incidents;
mod ingest;
mod isolation;
mod journey;
mod lexicon;
mod metrics;
mod orders;
mod overload;
mod pages;
mod partners;
mod signin;
mod stream;
mod targets;
mod tickets;
mod voice;
mod workflows;
