-- One counter that every write to the public data moves (by triggers, whatever code writes), so
-- that each instance notices writes made by another one cheaply and refreshes its caches
-- (src/ops/change_watch.rs). Keep equivalent to migrations/sqlite.
CREATE TABLE data_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    counter BIGINT NOT NULL
);
INSERT INTO data_changes (id, counter) VALUES (1, 0);

CREATE FUNCTION ratify_count_data_change() RETURNS trigger AS $$
BEGIN
    UPDATE data_changes SET counter = counter + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER data_changes_events AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_count_data_change();
CREATE TRIGGER data_changes_parties AFTER INSERT OR UPDATE OR DELETE ON parties
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_count_data_change();
CREATE TRIGGER data_changes_agreements AFTER INSERT OR UPDATE OR DELETE ON agreements
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_count_data_change();
CREATE TRIGGER data_changes_instruments AFTER INSERT OR UPDATE OR DELETE ON instruments
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_count_data_change();
