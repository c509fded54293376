DROP TRIGGER data_changes_instruments ON instruments;
DROP TRIGGER data_changes_agreements ON agreements;
DROP TRIGGER data_changes_parties ON parties;
DROP TRIGGER data_changes_events ON events;
DROP FUNCTION ratify_count_data_change();
DROP TABLE data_changes;
