-- Alerting: rules, alerts (one open per rule × dimension key), their log, silences and
-- webhook deliveries.

-- A rule's definition is one validated JSON document (app::domain::alert::rule::RuleSpec):
-- it is read whole by the engine and never queried by field.
CREATE TABLE alert_rules (
    id             TEXT PRIMARY KEY,
    spec           TEXT   NOT NULL,
    enabled        BIGINT NOT NULL,
    builtin        BIGINT NOT NULL,
    signing_secret TEXT   NOT NULL,
    created_by     TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE TABLE alerts (
    id              TEXT PRIMARY KEY,
    rule_id         TEXT   NOT NULL,
    dim_key         TEXT   NOT NULL,
    state           TEXT   NOT NULL,   -- pending | firing | acknowledged | resolved
    work_status     TEXT   NOT NULL,   -- open | in_progress | resolved
    severity        TEXT   NOT NULL,
    metric          TEXT   NOT NULL,
    title           TEXT   NOT NULL,
    description     TEXT   NOT NULL,
    team            TEXT   NOT NULL,
    evidence        TEXT,              -- JSON (app::model::alerts::Evidence)
    value           REAL,
    breach_since    BIGINT NOT NULL,
    clear_since     BIGINT,
    fired_at        BIGINT,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    resolved_at     BIGINT,
    resolved_by     TEXT,
    assignee        TEXT   NOT NULL,
    action_taken    TEXT   NOT NULL,
    silenced_until  BIGINT,
    updated_at      BIGINT NOT NULL
);
-- The deduplication guarantee: at most one unresolved alert per rule and dimension key.
CREATE UNIQUE INDEX alerts_one_open ON alerts (rule_id, dim_key) WHERE state <> 'resolved';
CREATE INDEX alerts_fired ON alerts (fired_at);
CREATE INDEX alerts_state ON alerts (state, updated_at);

CREATE TABLE alert_log (
    id       INTEGER PRIMARY KEY,
    alert_id TEXT   NOT NULL,
    at       BIGINT NOT NULL,
    actor    TEXT   NOT NULL,   -- an e-mail, 'key:<id>' or 'engine'
    action   TEXT   NOT NULL,
    detail   TEXT   NOT NULL
);
CREATE INDEX alert_log_alert ON alert_log (alert_id, id);

-- Silences mute deliveries (and the unread count) until a time; rule_id / dim_key narrow
-- them ('' matches every rule / every key).
CREATE TABLE alert_silences (
    id         TEXT PRIMARY KEY,
    rule_id    TEXT   NOT NULL,
    dim_key    TEXT   NOT NULL,
    until_at   BIGINT NOT NULL,
    reason     TEXT   NOT NULL,
    created_by TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    alert_id        TEXT   NOT NULL,
    rule_id         TEXT   NOT NULL,
    url             TEXT   NOT NULL,
    format          TEXT   NOT NULL,
    event           TEXT   NOT NULL,
    payload         TEXT   NOT NULL,
    status          TEXT   NOT NULL,  -- pending | delivered | failed
    attempts        BIGINT NOT NULL,
    next_attempt_at BIGINT,
    last_status     BIGINT,
    last_error      TEXT   NOT NULL,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_created ON webhook_deliveries (created_at);
