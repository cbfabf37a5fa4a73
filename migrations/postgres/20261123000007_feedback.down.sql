DROP TABLE feedback_rollup;
DROP TABLE feedback;
