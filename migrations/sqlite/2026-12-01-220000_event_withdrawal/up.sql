-- A withdrawal: an event that voids the one it names in `corrects` (entered by mistake) and
-- replaces it with nothing, the reason in `note`. The status column's CHECK cannot be widened in
-- SQLite without rebuilding the append-only table, so a withdrawal is stored with status
-- 'not_started' ("nothing recorded") and this flag; the application reads it as `withdrawn`.
-- Keep equivalent to migrations/postgres.
ALTER TABLE events ADD COLUMN withdrawal BOOLEAN NOT NULL DEFAULT 0
    CHECK (withdrawal IN (0, 1) AND (withdrawal = 0 OR (corrects IS NOT NULL AND status = 'not_started')));
