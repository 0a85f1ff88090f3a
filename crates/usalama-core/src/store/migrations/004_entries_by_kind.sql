-- Entries by kind: needs assessments are found without reading the whole ledger.

CREATE INDEX entries_by_kind ON entries (kind, at);
