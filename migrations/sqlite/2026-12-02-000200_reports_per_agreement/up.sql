-- Reports per agreement (SQLite): each report belongs to one agreement, numbered and one per ISO
-- week within it; every report so far belongs to hos-2027. Other agreements' report settings are
-- data. Keep equivalent to migrations/postgres.
--
-- SQLite cannot drop a UNIQUE column constraint, so `reports` is rebuilt, and with it the two
-- tables that reference it: all migrations run in one transaction with foreign keys on
-- (src/db/mod.rs), where PRAGMA foreign_keys is a no-op and renaming a table rewrites every
-- reference to it. So each table is renamed aside, made anew under its own name, copied row for
-- row (ids kept), and the old ones dropped children first; then triggers and indexes come back.
DROP TRIGGER reports_frozen_update;
DROP TRIGGER reports_frozen_delete;
DROP TRIGGER report_deliveries_final;
DROP TRIGGER report_deliveries_no_delete;
DROP TRIGGER report_delivery_attempts_no_update;
DROP TRIGGER report_delivery_attempts_no_delete;
DROP INDEX report_deliveries_due;
ALTER TABLE reports RENAME TO old_reports;
ALTER TABLE report_deliveries RENAME TO old_report_deliveries;
ALTER TABLE report_delivery_attempts RENAME TO old_report_delivery_attempts;

-- One row per agreement and ISO week. A draft (sent_at NULL) may be regenerated; once sent_at is
-- set the row is frozen: a later correction shows in the next report's changes, never in this one.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    number INTEGER NOT NULL CHECK (number > 0),
    iso_week TEXT NOT NULL,
    as_of DATE NOT NULL,
    generated_at TIMESTAMP NOT NULL,
    cutoff TIMESTAMP NOT NULL,
    data TEXT NOT NULL,
    html TEXT NOT NULL,
    text TEXT NOT NULL,
    sent_at TIMESTAMP,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    UNIQUE (agreement_id, number),
    UNIQUE (agreement_id, iso_week)
);
INSERT INTO reports (id, number, iso_week, as_of, generated_at, cutoff, data, html, text, sent_at, agreement_id)
    SELECT id, number, iso_week, as_of, generated_at, cutoff, data, html, text, sent_at, (SELECT id FROM agreements WHERE slug = 'hos-2027') FROM old_reports ORDER BY id;

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
INSERT INTO report_deliveries
    SELECT * FROM old_report_deliveries WHERE report_id IN (SELECT id FROM reports) ORDER BY id;

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
INSERT INTO report_delivery_attempts
    SELECT * FROM old_report_delivery_attempts WHERE delivery_id IN (SELECT id FROM report_deliveries) ORDER BY id;

-- AUTOINCREMENT: new ids continue after the highest ever handed out.
UPDATE sqlite_sequence SET seq = max(seq, coalesce((SELECT o.seq FROM sqlite_sequence o WHERE o.name = 'old_' || sqlite_sequence.name), 0))
    WHERE name IN ('reports', 'report_deliveries', 'report_delivery_attempts');
INSERT INTO sqlite_sequence (name, seq)
    SELECT substr(o.name, 5), o.seq FROM sqlite_sequence o
    WHERE o.name IN ('old_reports', 'old_report_deliveries', 'old_report_delivery_attempts')
      AND NOT EXISTS (SELECT 1 FROM sqlite_sequence n WHERE n.name = substr(o.name, 5));

DROP TABLE old_report_delivery_attempts;
DROP TABLE old_report_deliveries;
DROP TABLE old_reports;

CREATE INDEX report_deliveries_due ON report_deliveries (state, next_attempt_at);
CREATE TRIGGER reports_frozen_update BEFORE UPDATE ON reports WHEN OLD.sent_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a sent report is immutable');
END;
CREATE TRIGGER reports_frozen_delete BEFORE DELETE ON reports WHEN OLD.sent_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a sent report is immutable');
END;
-- A delivered row stays delivered; no row is ever deleted.
CREATE TRIGGER report_deliveries_final BEFORE UPDATE ON report_deliveries WHEN OLD.state = 'delivered'
BEGIN
    SELECT RAISE(ABORT, 'a delivered report delivery is final');
END;
CREATE TRIGGER report_deliveries_no_delete BEFORE DELETE ON report_deliveries
BEGIN
    SELECT RAISE(ABORT, 'report deliveries are never deleted');
END;
CREATE TRIGGER report_delivery_attempts_no_update BEFORE UPDATE ON report_delivery_attempts
BEGIN
    SELECT RAISE(ABORT, 'report delivery attempts are append-only');
END;
CREATE TRIGGER report_delivery_attempts_no_delete BEFORE DELETE ON report_delivery_attempts
BEGIN
    SELECT RAISE(ABORT, 'report delivery attempts are append-only');
END;

-- The featured agreement's report settings stay in the configuration (RATIFY_REPORT_*); every
-- other agreement's are here, edited by admins on /admin/rapporter. webhooks and emails are
-- comma-separated, checked like the configuration before they are stored.
CREATE TABLE agreement_report_settings (
    agreement_id INTEGER PRIMARY KEY NOT NULL REFERENCES agreements (id),
    enabled BOOLEAN NOT NULL,
    schedule TEXT NOT NULL,
    webhooks TEXT NOT NULL,
    emails TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
