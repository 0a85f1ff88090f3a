-- The facts a warning reads of a report, kept by `reproject` so that computing every warning
-- decodes no document (see `store::warning_facts`): the report's id as its 10 bytes (NULL for a
-- document the warnings cannot read), the day it happened in East Africa Time as a Julian day
-- number, the unit it names, the people killed and abducted (NULL none, -1 some but not known
-- how many), the head of livestock stolen and the indicators (",a,b,"). Rows written before
-- this migration are filled from their documents when the store opens.

ALTER TABLE reports ADD COLUMN warning_report BLOB;
ALTER TABLE reports ADD COLUMN warning_day INTEGER;
ALTER TABLE reports ADD COLUMN warning_unit TEXT;
ALTER TABLE reports ADD COLUMN warning_killed INTEGER;
ALTER TABLE reports ADD COLUMN warning_abducted INTEGER;
ALTER TABLE reports ADD COLUMN warning_head INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN warning_indicators TEXT NOT NULL DEFAULT ',';
-- Covers the warnings' one query, so that it reads none of the documents' pages, and gives the
-- reports in the order the warnings take them: by day, then id.
CREATE INDEX reports_warning_facts ON reports (
    warning_day, warning_report, type, warning_unit, warning_killed, warning_abducted,
    warning_head, warning_indicators
) WHERE warning_report IS NOT NULL;
