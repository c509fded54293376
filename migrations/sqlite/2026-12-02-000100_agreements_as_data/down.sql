DROP TRIGGER data_changes_agreement_parties_delete;
DROP TRIGGER data_changes_agreement_parties_insert;
DROP TRIGGER agreement_changes_events_insert;
CREATE TRIGGER data_changes_events_insert AFTER INSERT ON events
BEGIN UPDATE data_changes SET counter = counter + 1 WHERE id = 1; END;
DROP TABLE agreement_changes;
DROP TABLE agreement_parties;
ALTER TABLE parties DROP COLUMN county_code;
ALTER TABLE agreements DROP COLUMN majority_rule;
ALTER TABLE agreements DROP COLUMN short_title;
