DROP INDEX tickets_partner;
DROP TABLE inventory_snapshots;
DROP TABLE partner_deals;
DROP TABLE partner_activity;
DROP TABLE partners;
