DROP TABLE webhook_deliveries;
DROP TABLE alert_silences;
DROP TABLE alert_log;
DROP TABLE alerts;
DROP TABLE alert_rules;
