-- Reports by type and status: the list's most common pair of filters counts and pages from the
-- index alone, instead of reading every row of one type (or one status) to check the other.

CREATE INDEX reports_by_type_and_status ON reports (type, status, occurred_at DESC, unit);
