-- Support tickets (issue 3). A ticket is upserted by id and versioned by updated_at; the
-- rollups hold each ticket's current contribution, moved (−old, +new) on every update.
CREATE TABLE tickets (
    external_id       TEXT PRIMARY KEY,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at       BIGINT,
    day               BIGINT NOT NULL,     -- UTC day of created_at
    status            TEXT   NOT NULL,
    priority          TEXT   NOT NULL,
    channel           TEXT   NOT NULL,
    customer_contacts BIGINT NOT NULL,
    agent_replies     BIGINT NOT NULL,
    reopened          BIGINT NOT NULL,
    satisfaction      BIGINT,
    category          TEXT   NOT NULL,
    customer_id       TEXT,
    partner_id        TEXT   NOT NULL,
    segment           TEXT   NOT NULL,
    region            TEXT   NOT NULL,
    vip               BIGINT NOT NULL,
    ingested_at       BIGINT NOT NULL
);
CREATE INDEX tickets_day ON tickets (day);
CREATE INDEX tickets_created ON tickets (created_at);

-- Additive daily rollup per dimension value (dim = '' holds the totals), by created day.
CREATE TABLE ticket_rollup (
    dim       TEXT   NOT NULL,
    val       TEXT   NOT NULL,
    day       BIGINT NOT NULL,
    tickets   BIGINT NOT NULL,
    resolved  BIGINT NOT NULL,
    fcr       BIGINT NOT NULL,
    csat_n    BIGINT NOT NULL,
    csat_good BIGINT NOT NULL,
    frt_sum   BIGINT NOT NULL,
    res_sum   BIGINT NOT NULL,
    PRIMARY KEY (dim, val, day)
) WITHOUT ROWID;

-- Duration histograms (first response 'frt', resolution 'res'): counts per log bucket.
CREATE TABLE ticket_hist (
    dim    TEXT   NOT NULL,
    val    TEXT   NOT NULL,
    day    BIGINT NOT NULL,
    metric TEXT   NOT NULL,
    bucket BIGINT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (dim, val, day, metric, bucket)
) WITHOUT ROWID;

-- Tickets leaving the backlog (solved/closed) per dimension value and the day they were
-- resolved, so the backlog at any day's end is Σ created − Σ done, from rollups alone.
CREATE TABLE ticket_done (
    dim TEXT   NOT NULL,
    val TEXT   NOT NULL,
    day BIGINT NOT NULL,
    n   BIGINT NOT NULL,
    PRIMARY KEY (dim, val, day)
) WITHOUT ROWID;
