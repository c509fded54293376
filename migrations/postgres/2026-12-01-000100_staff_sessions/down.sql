DROP TABLE instance_secrets;
DROP TABLE staff_sessions;
