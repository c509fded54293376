DROP TRIGGER report_delivery_attempts_append_only ON report_delivery_attempts;
DROP FUNCTION ratify_report_attempts_append_only();
DROP TABLE report_delivery_attempts;
DROP TRIGGER report_deliveries_final ON report_deliveries;
DROP FUNCTION ratify_report_deliveries_final();
DROP TABLE report_deliveries;
DROP TRIGGER reports_frozen ON reports;
DROP FUNCTION ratify_reports_frozen();
DROP TABLE reports;
