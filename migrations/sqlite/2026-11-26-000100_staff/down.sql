DROP TABLE csv_uploads;
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE users;
