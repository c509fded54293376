DROP INDEX login_attempts_at;
