DROP TABLE api_tokens;
DROP TRIGGER events_no_delete;
DROP TRIGGER events_no_update;
DROP TABLE events;
DROP TABLE parties;
DROP TABLE instruments;
DROP TABLE agreements;
