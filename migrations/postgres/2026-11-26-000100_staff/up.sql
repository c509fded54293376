-- Staff workspace (PostgreSQL): accounts, login throttling, the audit trail, CSV uploads awaiting
-- commit. Keep equivalent to migrations/sqlite.
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    -- Lower-case, trimmed: "Anna" and "anna" are one account.
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('editor', 'admin')),
    active BOOLEAN NOT NULL,
    -- Set when an admin chose the password (new account, reset): the user picks their own first.
    must_change_password BOOLEAN NOT NULL,
    -- Bumped on password change, reset and disabling; a session from before no longer counts.
    session_version INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Login attempts, kept in the database so throttling holds across instances.
CREATE TABLE login_attempts (
    id SERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failure', 'refused')),
    attempted_at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts (username, attempted_at);
CREATE INDEX login_attempts_client ON login_attempts (client_addr, attempted_at);

-- Append-only: who did what, when and from where.
CREATE TABLE audit_log (
    id SERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL,
    client_addr TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION ratify_audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION ratify_audit_log_append_only();
-- TRUNCATE skips row triggers; refuse it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_audit_log_append_only();

-- An uploaded CSV between preview and commit; committed_at makes a commit happen at most once.
CREATE TABLE csv_uploads (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    filename TEXT NOT NULL,
    content TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    committed_at TIMESTAMP
);
