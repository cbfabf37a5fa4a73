-- Survey responses: raw facts are the truth; rollups are derived and can be rebuilt.
-- SQLite dialect: as the PostgreSQL script, but the small, point-updated rollup tables are
-- clustered on their keys (WITHOUT ROWID). The facts table keeps its rowid: its rows are wide
-- (comments), which a clustered B-tree stores poorly (measured slower to ingest).
CREATE TABLE survey_responses (
    external_id      TEXT PRIMARY KEY,
    kind             TEXT   NOT NULL,
    score            BIGINT NOT NULL,
    scale            BIGINT NOT NULL,
    responded_at     BIGINT NOT NULL,
    day              BIGINT NOT NULL,
    good             BIGINT NOT NULL,
    bad              BIGINT NOT NULL,
    comment          TEXT,
    channel          TEXT   NOT NULL,
    segment          TEXT   NOT NULL,
    product_category TEXT   NOT NULL,
    region           TEXT   NOT NULL,
    touchpoint       TEXT   NOT NULL,
    customer_id      TEXT,
    partner_id       TEXT   NOT NULL,
    ingested_at      BIGINT NOT NULL
);
-- Views with two or more filters aggregate facts directly: a covering index answers them
-- from the index alone, in (kind, day) order.
CREATE INDEX survey_responses_cover ON survey_responses
    (kind, day, channel, segment, product_category, region, partner_id, touchpoint, scale, score, good, bad, ingested_at);

-- Additive daily rollup per dimension value: dim = '' holds the unfiltered totals.
CREATE TABLE survey_rollup (
    dim        TEXT   NOT NULL,
    val        TEXT   NOT NULL,
    day        BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    scale      BIGINT NOT NULL,
    n          BIGINT NOT NULL,
    score_sum  BIGINT NOT NULL,
    good       BIGINT NOT NULL,
    bad        BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (dim, val, day, kind, scale)
) WITHOUT ROWID;

-- Known values per dimension, for filter menus.
CREATE TABLE dimension_values (
    dim TEXT NOT NULL,
    val TEXT NOT NULL,
    PRIMARY KEY (dim, val)
) WITHOUT ROWID;

-- Ingest API keys, stored as SHA-256 hashes (keys are long random tokens, so a fast hash is
-- enough; passwords get argon2id with the accounts issue).
CREATE TABLE api_keys (
    key_hash     TEXT PRIMARY KEY,
    name         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
