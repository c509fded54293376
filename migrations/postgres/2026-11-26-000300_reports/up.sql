-- The weekly status report to SRO and its deliveries (PostgreSQL). Keep equivalent to migrations/sqlite.

-- One row per ISO week. A draft (sent_at NULL) may be regenerated; once sent_at is set the row is
-- frozen: a later correction shows in the next report's changes, never in this one.
CREATE TABLE reports (
    id SERIAL PRIMARY KEY,
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

CREATE FUNCTION ratify_reports_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.sent_at IS NOT NULL THEN
        RAISE EXCEPTION 'a sent report is immutable';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_frozen BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION ratify_reports_frozen();

-- The outbox: one row per (report, channel, recipient); claimed in the database before sending.
CREATE TABLE report_deliveries (
    id SERIAL PRIMARY KEY,
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
CREATE FUNCTION ratify_report_deliveries_final() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'report deliveries are never deleted';
    END IF;
    IF OLD.state = 'delivered' THEN
        RAISE EXCEPTION 'a delivered report delivery is final';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER report_deliveries_final BEFORE UPDATE OR DELETE ON report_deliveries
    FOR EACH ROW EXECUTE FUNCTION ratify_report_deliveries_final();

-- Every finished attempt, append-only.
CREATE TABLE report_delivery_attempts (
    id SERIAL PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES report_deliveries (id),
    attempt INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('delivered', 'error')),
    detail TEXT,
    UNIQUE (delivery_id, attempt)
);

CREATE FUNCTION ratify_report_attempts_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'report delivery attempts are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER report_delivery_attempts_append_only BEFORE UPDATE OR DELETE ON report_delivery_attempts
    FOR EACH ROW EXECUTE FUNCTION ratify_report_attempts_append_only();
