-- The weekly status report to SRO and its deliveries (SQLite). Keep equivalent to migrations/postgres.

-- One row per ISO week. A draft (sent_at NULL) may be regenerated; once sent_at is set the row is
-- frozen: a later correction shows in the next report's changes, never in this one.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    number INTEGER NOT NULL UNIQUE CHECK (number > 0),
    iso_week TEXT NOT NULL UNIQUE,
    as_of DATE NOT NULL,
    generated_at TIMESTAMP NOT NULL,
    cutoff TIMESTAMP NOT NULL,
    data TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at TIMESTAMP
);

CREATE TRIGGER reports_frozen_update BEFORE UPDATE ON reports WHEN OLD.sent_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a sent report is immutable');
END;
CREATE TRIGGER reports_frozen_delete BEFORE DELETE ON reports WHEN OLD.sent_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a sent report is immutable');
END;

-- The outbox: one row per (report, channel, recipient); claimed in the database before sending.
CREATE TABLE report_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports (id),
    channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
    recipient TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL CHECK (attempts >= 0),
    next_attempt_at TIMESTAMP NOT NULL,
    retry_until TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP,
    claimed_by TEXT,
    delivered_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (report_id, channel, recipient)
);
CREATE INDEX report_deliveries_due ON report_deliveries (state, next_attempt_at);

-- A delivered row stays delivered; no row is ever deleted.
CREATE TRIGGER report_deliveries_final BEFORE UPDATE ON report_deliveries WHEN OLD.state = 'delivered'
BEGIN
    SELECT RAISE(ABORT, 'a delivered report delivery is final');
END;
CREATE TRIGGER report_deliveries_no_delete BEFORE DELETE ON report_deliveries
BEGIN
    SELECT RAISE(ABORT, 'report deliveries are never deleted');
END;

-- Every finished attempt, append-only.
CREATE TABLE report_delivery_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    delivery_id INTEGER NOT NULL REFERENCES report_deliveries (id),
    attempt INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'error')),
    detail TEXT,
    UNIQUE (delivery_id, attempt)
);
CREATE TRIGGER report_delivery_attempts_no_update BEFORE UPDATE ON report_delivery_attempts
BEGIN
    SELECT RAISE(ABORT, 'report delivery attempts are append-only');
END;
CREATE TRIGGER report_delivery_attempts_no_delete BEFORE DELETE ON report_delivery_attempts
BEGIN
    SELECT RAISE(ABORT, 'report delivery attempts are append-only');
END;
