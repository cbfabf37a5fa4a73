-- Segment-compatible events (track, identify, page, screen, group, alias), deduplicated by
-- messageId. `seq` is the commit order the in-memory journey index tails; funnels, engagement
-- and retention read that index, which is rebuilt from these facts at start-up.
CREATE TABLE events (
    seq              INTEGER PRIMARY KEY,
    message_id       TEXT    NOT NULL,
    kind             TEXT    NOT NULL,
    event            TEXT    NOT NULL,
    user_id          TEXT,
    anonymous_id     TEXT,
    previous_id      TEXT,
    group_id         TEXT,
    at               INTEGER NOT NULL,
    day              INTEGER NOT NULL,
    received_at      INTEGER NOT NULL,
    channel          TEXT    NOT NULL,
    source           TEXT    NOT NULL,
    region           TEXT    NOT NULL,
    segment          TEXT    NOT NULL,
    product_category TEXT    NOT NULL,
    payload          TEXT
);
CREATE UNIQUE INDEX events_message ON events (message_id);

-- Marketing spend per period and channel, upserted; money in minor units.
CREATE TABLE marketing_spend (
    period       TEXT    NOT NULL,
    channel      TEXT    NOT NULL,
    from_day     INTEGER NOT NULL,
    to_day       INTEGER NOT NULL,
    currency     TEXT    NOT NULL,
    amount_cents INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (period, channel)
) WITHOUT ROWID;
