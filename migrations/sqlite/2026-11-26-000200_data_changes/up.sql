-- One counter that every write to the public data moves (by triggers, whatever code writes), so
-- that each instance notices writes made by another one cheaply and refreshes its caches
-- (src/ops/change_watch.rs). Keep equivalent to migrations/postgres.
CREATE TABLE data_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    counter BIGINT NOT NULL
);
INSERT INTO data_changes (id, counter) VALUES (1, 0);

CREATE TRIGGER data_changes_events_insert AFTER INSERT ON events
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_parties_insert AFTER INSERT ON parties
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_parties_update AFTER UPDATE ON parties
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_parties_delete AFTER DELETE ON parties
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_agreements_insert AFTER INSERT ON agreements
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_agreements_update AFTER UPDATE ON agreements
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_agreements_delete AFTER DELETE ON agreements
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_instruments_insert AFTER INSERT ON instruments
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_instruments_update AFTER UPDATE ON instruments
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
CREATE TRIGGER data_changes_instruments_delete AFTER DELETE ON instruments
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
