-- Agreements as data (PostgreSQL): each agreement names its parties and its majority rule;
-- parties carry their county; each agreement's writes move a counter of its own, so that a write
-- to one agreement leaves the other agreements' cached pages as they were
-- (src/ops/change_watch.rs). Everything recorded so far belongs to the agreements that exist
-- (hos-2027). Keep equivalent to migrations/sqlite.
ALTER TABLE agreements ADD COLUMN short_title TEXT NOT NULL DEFAULT '';
-- 'count': at least majority_threshold municipalities; 'more_than_half': more than half of the
-- agreement's municipalities (majority_threshold then holds that number as it was at the start).
ALTER TABLE agreements ADD COLUMN majority_rule TEXT NOT NULL DEFAULT 'count'
    CHECK (majority_rule IN ('count', 'more_than_half'));
UPDATE agreements SET short_title = 'Hälso- och sjukvårdsavtalet' WHERE slug = 'hos-2027';

ALTER TABLE parties ADD COLUMN county_code TEXT;
UPDATE parties SET county_code = substr(code, 1, 2);

CREATE TABLE agreement_parties (
    agreement_id INTEGER NOT NULL REFERENCES agreements (id),
    party_code TEXT NOT NULL REFERENCES parties (code),
    PRIMARY KEY (agreement_id, party_code)
);
INSERT INTO agreement_parties (agreement_id, party_code)
    SELECT agreements.id, parties.code FROM agreements, parties;

CREATE TABLE agreement_changes (
    agreement_id INTEGER PRIMARY KEY REFERENCES agreements (id),
    counter BIGINT NOT NULL
);
-- The counter starts at the number of events so far: it then always equals the agreement's
-- number of events (they are append-only), which a cached snapshot checks itself against.
INSERT INTO agreement_changes (agreement_id, counter)
    SELECT id, (SELECT COUNT(*) FROM events WHERE events.agreement_id = agreements.id) FROM agreements;

-- An event moves its agreement's counter instead of the one for everything.
DROP TRIGGER data_changes_events ON events;
CREATE FUNCTION ratify_count_agreement_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO agreement_changes (agreement_id, counter) VALUES (NEW.agreement_id, 1)
        ON CONFLICT (agreement_id) DO UPDATE SET counter = agreement_changes.counter + 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER agreement_changes_events AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION ratify_count_agreement_change();
CREATE TRIGGER data_changes_agreement_parties AFTER INSERT OR UPDATE OR DELETE ON agreement_parties
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_count_data_change();
