DROP TABLE order_rollup;
DROP TABLE orders;
