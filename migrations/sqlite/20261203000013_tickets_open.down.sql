DROP INDEX tickets_open;
