-- Accounts, sessions, share links, API key scopes and the audit log (DESIGN §5).
-- Ids are random text made by the server, so both dialects share every statement.

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    email          TEXT   NOT NULL UNIQUE, -- stored lower-cased
    name           TEXT   NOT NULL,
    role           TEXT   NOT NULL,        -- admin | analyst | viewer | partner
    partner_id     TEXT,                   -- set exactly when role = partner
    password_hash  TEXT   NOT NULL,        -- argon2id PHC string
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    deactivated_at BIGINT
);

-- A session is known by the SHA-256 of its cookie value, so a leaked table opens nothing.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,          -- absolute expiry
    ip           TEXT   NOT NULL,
    user_agent   TEXT   NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions (user_id);

-- One read-only view (path + query), signed and expiring; the creator's scope is re-checked
-- on every use, so a link never outlives or outgrows its creator's access.
CREATE TABLE share_links (
    id           TEXT PRIMARY KEY,
    created_by   TEXT   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label        TEXT   NOT NULL,
    path         TEXT   NOT NULL,
    query        TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    last_used_at BIGINT,
    uses         BIGINT NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- API keys gain an id (for revocation in the UI), scopes and revocation.
CREATE TABLE api_keys_v2 (
    id           TEXT PRIMARY KEY,
    key_hash     TEXT   NOT NULL UNIQUE,
    name         TEXT   NOT NULL,
    scopes       TEXT   NOT NULL,          -- comma-separated sources, 'read', or '*'
    created_by   TEXT,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
INSERT INTO api_keys_v2 (id, key_hash, name, scopes, created_by, created_at, last_used_at, revoked_at)
    SELECT substr(key_hash, 1, 16), key_hash, name, '*', NULL, created_at, last_used_at, NULL FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_v2 RENAME TO api_keys;

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at       BIGINT NOT NULL,
    actor    TEXT   NOT NULL,              -- an email, 'share:<id>', 'key:<id>' or 'system'
    action   TEXT   NOT NULL,              -- e.g. login.failure, user.update, share.use
    target   TEXT   NOT NULL,
    detail   TEXT   NOT NULL,
    ip       TEXT   NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_action ON audit_log (action, at);

-- Server-wide settings, e.g. the share-link signing secret generated at first start.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
