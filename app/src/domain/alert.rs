//! Alerting (README, Alerts), pure: the metric catalogue rules can watch, rule validation,
//! condition evaluation, the alert life cycle with its hysteresis, and webhook payloads and
//! signatures. The server's engine feeds these with samples from the store and a clock.

pub mod catalogue;
pub mod delivery;
pub mod evaluate;
pub mod inbox;
pub mod lifecycle;
pub mod rule;
