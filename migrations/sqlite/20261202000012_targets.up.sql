-- Targets that people own (issue 19): a threshold or a band per metric, optionally for one
-- value of one dimension (app/src/domain/target.rs). dimension and value are '' for the
-- metric-wide target so the key is unique without NULLs. Absent rows mean the catalogue's
-- default (app/src/domain/catalogue.rs).
CREATE TABLE targets (
    metric     TEXT   NOT NULL,
    dimension  TEXT   NOT NULL,
    value      TEXT   NOT NULL,
    threshold  REAL,
    min_value  REAL,
    max_value  REAL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT   NOT NULL,
    PRIMARY KEY (metric, dimension, value)
);
