-- Orders (shared by the partner and commerce issues), upserted by id. Money in minor units
-- of the order's currency; the rollups hold each order's current contribution, moved
-- (−old, +new) on every update.
CREATE TABLE orders (
    external_id     TEXT PRIMARY KEY,
    customer_id     TEXT   NOT NULL,
    partner_id      TEXT   NOT NULL,
    amount_cents    BIGINT NOT NULL,
    currency        TEXT   NOT NULL,
    ordered_at      BIGINT NOT NULL,
    day             BIGINT NOT NULL,
    promised_at     BIGINT,
    delivered_at    BIGINT,
    accurate        BIGINT,            -- 1, 0, or NULL when the source does not say
    returned        BIGINT NOT NULL,
    category        TEXT   NOT NULL,
    channel         TEXT   NOT NULL,
    cost_cents      BIGINT,
    ingested_at     BIGINT NOT NULL
);
CREATE INDEX orders_day ON orders (day, partner_id);
CREATE INDEX orders_customer ON orders (customer_id, ordered_at);

-- Additive daily rollup per dimension value and currency; dim = '' is the total.
CREATE TABLE order_rollup (
    dim                  TEXT   NOT NULL,
    val                  TEXT   NOT NULL,
    day                  BIGINT NOT NULL,
    currency             TEXT   NOT NULL,
    orders               BIGINT NOT NULL,
    revenue_cents        BIGINT NOT NULL,
    returned             BIGINT NOT NULL,
    accuracy_known       BIGINT NOT NULL,
    accurate             BIGINT NOT NULL,
    delivered            BIGINT NOT NULL,
    lead_ms_sum          BIGINT NOT NULL,
    promise_known        BIGINT NOT NULL,
    on_time              BIGINT NOT NULL,
    costed               BIGINT NOT NULL,
    costed_revenue_cents BIGINT NOT NULL,
    cost_cents           BIGINT NOT NULL,
    PRIMARY KEY (dim, val, day, currency)
);
