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

-- The duration histograms again by ISO week (week = its Monday's day number), so long ranges
-- read a seventh of the rows. Backfilled from the daily histograms.
CREATE TABLE ticket_hist_week (
    dim    TEXT   NOT NULL,
    val    TEXT   NOT NULL,
    week   BIGINT NOT NULL,
    metric TEXT   NOT NULL,
    bucket BIGINT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (dim, val, week, metric, bucket)
);

INSERT INTO ticket_hist_week (dim, val, week, metric, bucket, n)
SELECT dim, val, day - (day + 3) % 7, metric, bucket, SUM(n) FROM ticket_hist
GROUP BY dim, val, day - (day + 3) % 7, metric, bucket;
