-- Reading one agreement's events (a snapshot, the events written since one was loaded, their
-- count) by the agreement, not by scanning every agreement's. Keep equivalent to the other backend.
CREATE INDEX events_agreement ON events (agreement_id, id);
