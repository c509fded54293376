-- Back to one numbering for all: only hos-2027's reports fit it; other agreements' reports, their
-- deliveries and attempts go.
DROP TABLE agreement_report_settings;
ALTER TABLE report_delivery_attempts DISABLE TRIGGER report_delivery_attempts_append_only;
DELETE FROM report_delivery_attempts WHERE delivery_id IN (
    SELECT d.id FROM report_deliveries d JOIN reports r ON r.id = d.report_id
    WHERE r.agreement_id IS DISTINCT FROM (SELECT id FROM agreements WHERE slug = 'hos-2027'));
ALTER TABLE report_delivery_attempts ENABLE TRIGGER report_delivery_attempts_append_only;
ALTER TABLE report_deliveries DISABLE TRIGGER report_deliveries_final;
DELETE FROM report_deliveries WHERE report_id IN (
    SELECT id FROM reports WHERE agreement_id IS DISTINCT FROM (SELECT id FROM agreements WHERE slug = 'hos-2027'));
ALTER TABLE report_deliveries ENABLE TRIGGER report_deliveries_final;
ALTER TABLE reports DISABLE TRIGGER reports_frozen;
DELETE FROM reports WHERE agreement_id IS DISTINCT FROM (SELECT id FROM agreements WHERE slug = 'hos-2027');
ALTER TABLE reports ENABLE TRIGGER reports_frozen;
ALTER TABLE reports DROP CONSTRAINT reports_agreement_iso_week_key;
ALTER TABLE reports DROP CONSTRAINT reports_agreement_number_key;
ALTER TABLE reports ADD CONSTRAINT reports_iso_week_key UNIQUE (iso_week);
ALTER TABLE reports ADD CONSTRAINT reports_number_key UNIQUE (number);
ALTER TABLE reports DROP COLUMN agreement_id;
