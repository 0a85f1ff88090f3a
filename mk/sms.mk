# The SMS gateway the hub's tests run for real: Debian's gammu-smsd, started by the tests
# themselves with its dummy phone driver (a folder stands in for the GSM dongle), so no
# hardware is needed. Without it installed, that one test says it is skipped (and fails under
# CI). See docs/sms.md.

TEST_PACKAGES += gammu-smsd
