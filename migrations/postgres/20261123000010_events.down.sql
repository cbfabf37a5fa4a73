DROP TABLE marketing_spend;
DROP TABLE events;
