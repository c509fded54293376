ALTER TABLE events DROP COLUMN withdrawal;
