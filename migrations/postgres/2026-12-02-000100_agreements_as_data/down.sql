DROP TRIGGER data_changes_agreement_parties ON agreement_parties;
DROP TRIGGER agreement_changes_events ON events;
DROP FUNCTION ratify_count_agreement_change();
CREATE TRIGGER data_changes_events AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION ratify_count_data_change();
DROP TABLE agreement_changes;
DROP TABLE agreement_parties;
ALTER TABLE parties DROP COLUMN county_code;
ALTER TABLE agreements DROP COLUMN majority_rule;
ALTER TABLE agreements DROP COLUMN short_title;
