DROP TABLE settings;
DROP TABLE audit_log;
CREATE TABLE api_keys_v1 (
    key_hash     TEXT PRIMARY KEY,
    name         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT
);
INSERT INTO api_keys_v1 SELECT key_hash, name, created_at, last_used_at FROM api_keys WHERE revoked_at IS NULL;
DROP TABLE api_keys;
ALTER TABLE api_keys_v1 RENAME TO api_keys;
DROP TABLE share_links;
DROP TABLE sessions;
DROP TABLE users;
