-- The response in each report's row, for an officer's inbox and the board of open incidents: the
-- lead agency, the supporting and acknowledging agencies and the linked reports (each list as
-- ",a,b," so that `LIKE '%,a,%'` finds one), kept by `reproject`. Rows written before this
-- migration are rebuilt when the store opens.

ALTER TABLE reports ADD COLUMN lead TEXT;
ALTER TABLE reports ADD COLUMN supporting TEXT NOT NULL DEFAULT ',';
ALTER TABLE reports ADD COLUMN acknowledged TEXT NOT NULL DEFAULT ',';
ALTER TABLE reports ADD COLUMN linked TEXT NOT NULL DEFAULT ',';
-- The inbox's order: flash, then urgent, then routine; newest first within each.
CREATE INDEX reports_by_urgency ON reports (
    (CASE urgency WHEN 'flash' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END), occurred_at DESC
);
