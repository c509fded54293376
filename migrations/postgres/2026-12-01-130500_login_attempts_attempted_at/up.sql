-- The cleanup run on every login attempt (accounts::throttle::forget_old) deletes by attempted_at
-- alone; the other two indexes lead with username or client_addr and cannot serve it, so each
-- login scanned the whole table. Keep equivalent to the other backend's migration.
CREATE INDEX login_attempts_at ON login_attempts (attempted_at);
