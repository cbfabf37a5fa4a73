DROP TABLE api_keys;
DROP TABLE dimension_values;
DROP TABLE survey_rollup;
DROP TABLE survey_responses;
