-- Customer voice (issue 6): every feedback text, scored at ingest, upserted by id. Survey
-- comments arrive here too, as `survey:<response id>`. Scores are stored both as the compound
-- value and in 1e-4 units (score_e4), so rollup sums stay exact under −old/+new moves.
CREATE TABLE feedback (
    external_id      TEXT PRIMARY KEY,
    source           TEXT   NOT NULL,
    audience         TEXT   NOT NULL,
    body             TEXT   NOT NULL,
    at_ms            BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    score_e4         BIGINT NOT NULL,
    label            TEXT   NOT NULL,
    customer_id      TEXT   NOT NULL,
    partner_id       TEXT   NOT NULL,
    channel          TEXT   NOT NULL,
    segment          TEXT   NOT NULL,
    product_category TEXT   NOT NULL,
    region           TEXT   NOT NULL,
    likes            BIGINT NOT NULL,
    shares           BIGINT NOT NULL,
    comments         BIGINT NOT NULL,
    author           TEXT   NOT NULL,
    followers        BIGINT NOT NULL,
    ingested_at      BIGINT NOT NULL
);
-- The feedback log reads newest first within an audience.
CREATE INDEX feedback_recent ON feedback (audience, at_ms);
CREATE INDEX feedback_days ON feedback (audience, day, source, label);

-- Additive daily rollup per audience, dimension value and source; dim = '' is the total.
CREATE TABLE feedback_rollup (
    audience  TEXT   NOT NULL,
    dim       TEXT   NOT NULL,
    val       TEXT   NOT NULL,
    day       BIGINT NOT NULL,
    source    TEXT   NOT NULL,
    n         BIGINT NOT NULL,
    pos       BIGINT NOT NULL,
    neu       BIGINT NOT NULL,
    neg       BIGINT NOT NULL,
    score_e4  BIGINT NOT NULL,
    likes     BIGINT NOT NULL,
    shares    BIGINT NOT NULL,
    comments  BIGINT NOT NULL,
    PRIMARY KEY (audience, dim, val, day, source)
);
