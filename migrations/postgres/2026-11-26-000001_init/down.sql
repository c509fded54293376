DROP TABLE api_tokens;
DROP TRIGGER events_append_only ON events;
DROP FUNCTION ratify_events_append_only();
DROP TABLE events;
DROP TABLE parties;
DROP TABLE instruments;
DROP TABLE agreements;
