DROP TABLE csv_uploads;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION ratify_audit_log_append_only();
DROP TABLE audit_log;
DROP TABLE login_attempts;
DROP TABLE users;
