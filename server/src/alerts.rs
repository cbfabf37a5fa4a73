//! Alerting: the engine that evaluates rules on a tick and on ingest notices, the webhook
//! worker, the default rules, and the operations people and the API perform.

pub mod defaults;
pub mod engine;
pub mod service;
pub mod source;
pub mod ssrf;
pub mod webhook;

pub use engine::{AlertEngine, EngineConfig};
