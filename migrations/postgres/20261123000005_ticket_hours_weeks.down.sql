DROP TABLE ticket_hour;
DROP TABLE ticket_hist_week;
