-- The decision log of ratify (PostgreSQL). Keep equivalent to migrations/sqlite.
CREATE TABLE agreements (
    id SERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    starts_on DATE NOT NULL,
    decision_period_ends_on DATE NOT NULL,
    majority_threshold INTEGER NOT NULL CHECK (majority_threshold > 0),
    region_required BOOLEAN NOT NULL,
    legal_force_required BOOLEAN NOT NULL,
    appeal_period_days INTEGER NOT NULL CHECK (appeal_period_days >= 0)
);

CREATE TABLE instruments (
    id SERIAL PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (agreement_id, slug)
);

CREATE TABLE parties (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('municipality', 'region')),
    subregion TEXT,
    population INTEGER NOT NULL CHECK (population >= 0),
    population_year INTEGER NOT NULL
);

-- Append-only: a wrong entry is corrected by a new event naming it in `corrects`.
CREATE TABLE events (
    id SERIAL PRIMARY KEY,
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    party_code TEXT NOT NULL REFERENCES parties (code),
    status TEXT NOT NULL CHECK (status IN ('not_started', 'in_preparation', 'scheduled', 'proposed',
        'adopted', 'rejected', 'referred_back', 'tabled', 'appealed')),
    body TEXT CHECK (body IN ('KF', 'KS', 'RF', 'RS', 'other')),
    decided_on DATE,
    planned_on DATE,
    reference TEXT,
    protocol_url TEXT,
    posted_on DATE,
    note TEXT,
    -- UNIQUE: an event is corrected at most once (two editors cannot both correct it).
    corrects INTEGER UNIQUE REFERENCES events (id),
    -- JSON array of instrument slugs; NULL means all instruments of the agreement.
    instruments TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX events_party ON events (party_code, id);
CREATE INDEX events_recorded_at ON events (recorded_at);

CREATE FUNCTION ratify_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION ratify_events_append_only();

CREATE TABLE api_tokens (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
