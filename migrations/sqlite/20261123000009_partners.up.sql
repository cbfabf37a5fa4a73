-- Partner experience (issue 7): the registry, activity, deals and inventory snapshots.
-- Partners are upserted by id; activity records by id; deals by deal_id, newest `at` wins;
-- inventory snapshots by (partner_id, sku, at).
CREATE TABLE partners (
    id          TEXT PRIMARY KEY,
    name        TEXT   NOT NULL,
    tier        TEXT   NOT NULL,
    region      TEXT   NOT NULL,
    signed_at   BIGINT NOT NULL,
    live_at     BIGINT,
    status      TEXT   NOT NULL,
    churned_at  BIGINT,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE partner_activity (
    external_id  TEXT PRIMARY KEY,
    partner_id   TEXT   NOT NULL,
    kind         TEXT   NOT NULL,
    at           BIGINT NOT NULL,
    day          BIGINT NOT NULL,
    n            BIGINT NOT NULL,
    detail       TEXT   NOT NULL,   -- course, programme or medium, by kind
    person       TEXT   NOT NULL,
    ingested_at  BIGINT NOT NULL
);
CREATE INDEX partner_activity_day ON partner_activity (day, partner_id, kind);
CREATE INDEX partner_activity_partner ON partner_activity (partner_id, day);

CREATE TABLE partner_deals (
    deal_id      TEXT PRIMARY KEY,
    partner_id   TEXT   NOT NULL,
    value_cents  BIGINT NOT NULL,
    currency     TEXT   NOT NULL,
    stage        TEXT   NOT NULL,
    at           BIGINT NOT NULL,
    ingested_at  BIGINT NOT NULL
);
CREATE INDEX partner_deals_partner ON partner_deals (partner_id, at);

CREATE TABLE inventory_snapshots (
    partner_id     TEXT   NOT NULL,
    sku            TEXT   NOT NULL,
    at             BIGINT NOT NULL,
    on_hand        BIGINT NOT NULL,
    reorder_level  BIGINT NOT NULL,
    ingested_at    BIGINT NOT NULL,
    PRIMARY KEY (partner_id, sku, at)
) WITHOUT ROWID;

-- Partner tickets open at an instant = created before it − resolved before it: two
-- index-only counts (the unresolved-partner-tickets figure and alert).
CREATE INDEX tickets_partner_created ON tickets (partner_id, created_at) WHERE partner_id <> '';
CREATE INDEX tickets_partner_resolved ON tickets (partner_id, resolved_at)
    WHERE partner_id <> '' AND resolved_at IS NOT NULL;
