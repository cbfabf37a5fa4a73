-- Workflows, tasks and automation runs (issue 21). Few enough rows (a workflow is weeks of
-- work) that figures read the facts; a workflow's state at an instant follows from
-- created_at, started_at and closed_at (done or cancelled), so past periods read as they were.
CREATE TABLE workflows (
    external_id   TEXT PRIMARY KEY,
    kind          TEXT   NOT NULL,
    audience      TEXT   NOT NULL,
    title         TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    category      TEXT   NOT NULL,
    stage         TEXT   NOT NULL,
    customer_id   TEXT,
    -- '' for none, so scoped reads are one equality.
    partner_id    TEXT   NOT NULL,
    team          TEXT   NOT NULL,
    owner         TEXT   NOT NULL,
    priority      TEXT   NOT NULL,
    created_at    BIGINT NOT NULL,
    started_at    BIGINT,
    due_at        BIGINT,
    closed_at     BIGINT,
    updated_at    BIGINT NOT NULL,
    delay_reason  TEXT,
    comment       TEXT
);
CREATE INDEX workflows_created ON workflows (created_at);
-- For period reads by closing time (closed since the period began, or still open).
CREATE INDEX workflows_closed ON workflows (closed_at, created_at);
CREATE INDEX workflows_partner ON workflows (partner_id, created_at);

-- Every status or stage change, with who and an optional comment.
CREATE TABLE workflow_transitions (
    id           INTEGER PRIMARY KEY,
    workflow_id  TEXT   NOT NULL,
    partner_id   TEXT   NOT NULL,
    at           BIGINT NOT NULL,
    from_status  TEXT,
    to_status    TEXT   NOT NULL,
    from_stage   TEXT,
    to_stage     TEXT   NOT NULL,
    to_category  TEXT   NOT NULL,
    changed_by   TEXT   NOT NULL,
    comment      TEXT
);
CREATE INDEX workflow_transitions_workflow ON workflow_transitions (workflow_id, at);
CREATE INDEX workflow_transitions_at ON workflow_transitions (at);

-- Types seen in ingest that are not built in, and admins' names for any type.
CREATE TABLE workflow_types (
    id           TEXT PRIMARY KEY,
    name         TEXT   NOT NULL,
    description  TEXT   NOT NULL,
    audience     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE workflow_tasks (
    external_id  TEXT PRIMARY KEY,
    workflow_id  TEXT,
    title        TEXT   NOT NULL,
    assignee     TEXT   NOT NULL,
    team         TEXT   NOT NULL,
    category     TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    due_at       BIGINT,
    closed_at    BIGINT,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX workflow_tasks_workflow ON workflow_tasks (workflow_id);
CREATE INDEX workflow_tasks_created ON workflow_tasks (created_at);
CREATE INDEX workflow_tasks_closed ON workflow_tasks (closed_at, created_at);

CREATE TABLE automation_runs (
    external_id  TEXT PRIMARY KEY,
    automation   TEXT   NOT NULL,
    workflow_id  TEXT,
    status       TEXT   NOT NULL,
    started_at   BIGINT NOT NULL,
    finished_at  BIGINT,
    error        TEXT
);
CREATE INDEX automation_runs_started ON automation_runs (started_at);
