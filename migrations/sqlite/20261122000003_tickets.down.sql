DROP TABLE ticket_done;
DROP TABLE ticket_hist;
DROP TABLE ticket_rollup;
DROP TABLE tickets;
