-- The home's live counts: tickets not yet solved, by creation time and priority (a small
-- share of all tickets, so the index stays small).
CREATE INDEX tickets_open ON tickets (created_at, priority) WHERE status NOT IN ('solved', 'closed');
