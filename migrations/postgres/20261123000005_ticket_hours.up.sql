-- Tickets created per dimension value, day and UTC hour, for the weekday × hour heatmap;
-- moved with the other rollups on every ticket update. Backfilled from the stored tickets.
CREATE TABLE ticket_hour (
    dim  TEXT   NOT NULL,
    val  TEXT   NOT NULL,
    day  BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (dim, val, day, hour)
);

INSERT INTO ticket_hour (dim, val, day, hour, n)
SELECT '', '', day, (created_at / 3600000) % 24, COUNT(*) FROM tickets
GROUP BY day, (created_at / 3600000) % 24;
INSERT INTO ticket_hour (dim, val, day, hour, n)
SELECT 'channel', channel, day, (created_at / 3600000) % 24, COUNT(*) FROM tickets
GROUP BY channel, day, (created_at / 3600000) % 24;
INSERT INTO ticket_hour (dim, val, day, hour, n)
SELECT 'segment', segment, day, (created_at / 3600000) % 24, COUNT(*) FROM tickets
GROUP BY segment, day, (created_at / 3600000) % 24;
INSERT INTO ticket_hour (dim, val, day, hour, n)
SELECT 'product_category', category, day, (created_at / 3600000) % 24, COUNT(*) FROM tickets
GROUP BY category, day, (created_at / 3600000) % 24;
INSERT INTO ticket_hour (dim, val, day, hour, n)
SELECT 'region', region, day, (created_at / 3600000) % 24, COUNT(*) FROM tickets
GROUP BY region, day, (created_at / 3600000) % 24;
INSERT INTO ticket_hour (dim, val, day, hour, n)
SELECT 'partner', partner_id, day, (created_at / 3600000) % 24, COUNT(*) FROM tickets
GROUP BY partner_id, day, (created_at / 3600000) % 24;
