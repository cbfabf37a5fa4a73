DROP INDEX tickets_partner_resolved;
DROP INDEX tickets_partner_created;
DROP TABLE inventory_snapshots;
DROP TABLE partner_deals;
DROP TABLE partner_activity;
DROP TABLE partners;
