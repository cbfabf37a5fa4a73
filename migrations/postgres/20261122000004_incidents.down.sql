DROP TABLE webhook_events;
DROP TABLE incidents;
