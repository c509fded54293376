-- Reports per agreement (PostgreSQL): each report belongs to one agreement, numbered and one per
-- ISO week within it; every report so far belongs to hos-2027. Other agreements' report settings
-- are data. Keep equivalent to migrations/sqlite.
ALTER TABLE reports ADD COLUMN agreement_id INTEGER REFERENCES agreements (id);
-- Filling in the column is not a change of a sent report's content: the freeze is lifted for it.
ALTER TABLE reports DISABLE TRIGGER reports_frozen;
UPDATE reports SET agreement_id = (SELECT id FROM agreements WHERE slug = 'hos-2027');
ALTER TABLE reports ENABLE TRIGGER reports_frozen;
ALTER TABLE reports ALTER COLUMN agreement_id SET NOT NULL;
ALTER TABLE reports DROP CONSTRAINT reports_number_key;
ALTER TABLE reports DROP CONSTRAINT reports_iso_week_key;
ALTER TABLE reports ADD CONSTRAINT reports_agreement_number_key UNIQUE (agreement_id, number);
ALTER TABLE reports ADD CONSTRAINT reports_agreement_iso_week_key UNIQUE (agreement_id, iso_week);

-- The featured agreement's report settings stay in the configuration (RATIFY_REPORT_*); every
-- other agreement's are here, edited by admins on /admin/rapporter. webhooks and emails are
-- comma-separated, checked like the configuration before they are stored.
CREATE TABLE agreement_report_settings (
    agreement_id INTEGER PRIMARY KEY NOT NULL REFERENCES agreements (id),
    enabled BOOLEAN NOT NULL,
    schedule TEXT NOT NULL,
    webhooks TEXT NOT NULL,
    emails TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT NOT NULL
);
