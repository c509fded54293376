-- Staff sessions held on the server: the cookie names a row here, so logging out (or an idle
-- timeout) ends the session for every copy of the cookie.
CREATE TABLE staff_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP
);
CREATE INDEX staff_sessions_last_seen ON staff_sessions (last_seen_at);

-- Secrets this database keeps for all instances that use it: `session_key`, made at the first
-- start when RATIFY_SESSION_KEY is not set, so that every instance signs staff cookies alike.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
