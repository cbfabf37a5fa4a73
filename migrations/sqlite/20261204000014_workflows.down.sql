DROP TABLE automation_runs;
DROP TABLE workflow_tasks;
DROP TABLE workflow_types;
DROP TABLE workflow_transitions;
DROP TABLE workflows;
