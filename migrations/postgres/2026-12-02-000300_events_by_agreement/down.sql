DROP INDEX events_agreement;
