-- A withdrawal: an event that voids the one it names in `corrects` (entered by mistake) and
-- replaces it with nothing, the reason in `note`. Stored with status 'not_started' ("nothing
-- recorded") and this flag, as on SQLite (whose CHECK on status cannot be widened in place);
-- the application reads it as `withdrawn`. Keep equivalent to migrations/sqlite.
ALTER TABLE events ADD COLUMN withdrawal BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE events ADD CONSTRAINT events_withdrawal_check
    CHECK (NOT withdrawal OR (corrects IS NOT NULL AND status = 'not_started'));
