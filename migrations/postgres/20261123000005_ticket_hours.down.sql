DROP TABLE ticket_hour;
