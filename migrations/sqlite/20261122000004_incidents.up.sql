-- Incidents (issue 3): generic records and PagerDuty webhook events. Few rows: metrics read
-- the facts directly. Later reports fill in (acknowledged_at, resolved_at), never erase.
CREATE TABLE incidents (
    external_id      TEXT PRIMARY KEY,
    title            TEXT   NOT NULL,
    severity         TEXT   NOT NULL,
    service          TEXT   NOT NULL,
    triggered_at     BIGINT NOT NULL,
    acknowledged_at  BIGINT,
    resolved_at      BIGINT,
    customer_impact  TEXT,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX incidents_triggered ON incidents (triggered_at);

-- Webhook deliveries already applied (PagerDuty retries; a replay must change nothing).
CREATE TABLE webhook_events (
    source      TEXT   NOT NULL,
    event_id    TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (source, event_id)
);
