# A throwaway PostgreSQL cluster for the hub's PostgreSQL tests: Debian's `postgresql` package,
# initialised into PG_DIR and served on 127.0.0.1:PG_PORT only, apart from any cluster the
# machine already runs. As root the cluster belongs to the `postgres` user (PostgreSQL refuses
# to run as root); otherwise to the current user.
#
#   make postgres-start   # creates the cluster the first time; does nothing if it is running
#   make postgres-stop
#
# The tests reach it through USALAMA_TEST_POSTGRES; its role may create databases, so each test
# run makes its own and drops it afterwards.

TEST_PACKAGES += postgresql
TEST_PREPARE += postgres-start

PG_PORT ?= 55432
PG_DIR ?= /tmp/usalama-pg-$(PG_PORT)
PG_TEST_ROLE := usalama
PG_TEST_PASSWORD := usalama
PG_TEST_DB := usalama_test

export USALAMA_TEST_POSTGRES := postgres://$(PG_TEST_ROLE):$(PG_TEST_PASSWORD)@127.0.0.1:$(PG_PORT)/$(PG_TEST_DB)

# The newest server installed by the package (not whatever is first on PATH), and the user
# that owns the cluster. Evaluated when a recipe runs, after `deps` has installed the package.
PG_SETUP = set -e; \
	bin=$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1); \
	if [ ! -x "$$bin/initdb" ]; then \
		echo "postgres: no PostgreSQL server under /usr/lib/postgresql; install the postgresql package"; \
		exit 1; \
	fi; \
	if [ "$$(id -u)" = 0 ]; then as="runuser -u postgres --"; owner=postgres; else as=""; owner=$$(id -un); fi; \
	cd /tmp

.PHONY: postgres-start postgres-stop

postgres-start: deps
	@$(PG_SETUP); \
	if $$as "$$bin/pg_ctl" -D "$(PG_DIR)/data" status >/dev/null 2>&1; then \
		echo "postgres: already running on 127.0.0.1:$(PG_PORT) ($(PG_DIR))"; \
		exit 0; \
	fi; \
	mkdir -p "$(PG_DIR)/socket"; \
	chown -R "$$owner:" "$(PG_DIR)"; \
	chmod 700 "$(PG_DIR)" "$(PG_DIR)/socket"; \
	if [ ! -f "$(PG_DIR)/data/PG_VERSION" ]; then \
		echo "postgres: creating a test cluster in $(PG_DIR)/data"; \
		$$as "$$bin/initdb" -D "$(PG_DIR)/data" -U postgres -E UTF8 --no-locale \
			--auth-local=trust --auth-host=scram-sha-256 >"$(PG_DIR)/initdb.log" 2>&1 \
			|| { cat "$(PG_DIR)/initdb.log"; exit 1; }; \
	fi; \
	echo "postgres: starting on 127.0.0.1:$(PG_PORT)"; \
	$$as "$$bin/pg_ctl" -D "$(PG_DIR)/data" -l "$(PG_DIR)/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $(PG_PORT) -k $(PG_DIR)/socket -c fsync=off" \
		start >/dev/null \
		|| { tail -n 20 "$(PG_DIR)/server.log"; exit 1; }; \
	psql="$$as $$bin/psql -X -q -v ON_ERROR_STOP=1 -h $(PG_DIR)/socket -p $(PG_PORT) -U postgres -d postgres"; \
	if [ -z "$$($$psql -tA -c "SELECT 1 FROM pg_roles WHERE rolname = '$(PG_TEST_ROLE)'")" ]; then \
		$$psql -c "CREATE ROLE $(PG_TEST_ROLE) LOGIN CREATEDB PASSWORD '$(PG_TEST_PASSWORD)'"; \
	fi; \
	if [ -z "$$($$psql -tA -c "SELECT 1 FROM pg_database WHERE datname = '$(PG_TEST_DB)'")" ]; then \
		$$psql -c "CREATE DATABASE $(PG_TEST_DB) OWNER $(PG_TEST_ROLE)"; \
	fi; \
	echo "postgres: ready at $(USALAMA_TEST_POSTGRES)"

postgres-stop:
	@$(PG_SETUP); \
	if $$as "$$bin/pg_ctl" -D "$(PG_DIR)/data" status >/dev/null 2>&1; then \
		$$as "$$bin/pg_ctl" -D "$(PG_DIR)/data" -m fast -w stop >/dev/null; \
		echo "postgres: stopped"; \
	else \
		echo "postgres: not running"; \
	fi
