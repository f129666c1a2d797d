# Two entry points (see README):
#   make demo  - set up, generate the bundled synthetic sample, run the whole pipeline, publish the regional packs
#   make test  - set up (with test tools) and run lint + the test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

export JOURNEYS_LANDING  ?= data/landing
export JOURNEYS_WAREHOUSE ?= data/warehouse.duckdb
export JOURNEYS_SERVING  ?= data/serving.duckdb
export DAGSTER_HOME      ?= $(CURDIR)/.dagster_home
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup demo test lint bench clean dev system-packages

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found - install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

# The dbt manifest, prepared the dagster-dbt way whenever the dbt project changes (not at every import).
MANIFEST := dbt_project/target/manifest.json
$(MANIFEST): $(STAMP) $(shell find dbt_project -path dbt_project/target -prune -o -path dbt_project/logs -prune -o -type f \( -name '*.sql' -o -name '*.yml' \) -print 2>/dev/null) $(wildcard seeds/*.csv seeds/*.yml)
	$(BIN)/dagster-dbt project prepare-and-package --file orchestration/defs/dbt_manifest.py
	@touch $(MANIFEST)

setup: $(STAMP) $(MANIFEST)

# `make test` also needs the Spark and PostgreSQL extras (tests/test_spark_*.py, tests/test_dagster_postgres.py)
# and two system packages: a Java 17 runtime for Spark, PostgreSQL's initdb/pg_ctl. Installed when missing and
# we are root (CI is); otherwise the tests fail saying what to install.
$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev,spark,postgres]"
	@touch $(TEST_STAMP)

system-packages:
	@missing=""; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing:$$missing"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing || \
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; }; \
		else echo "warning: missing system packages:$$missing (install them: apt-get install$$missing)"; fi; \
	fi

$(DAGSTER_HOME)/dagster.yaml: dagster.yaml
	@mkdir -p $(DAGSTER_HOME)
	ln -sf $(CURDIR)/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

demo: setup $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/journeys generate --out $(JOURNEYS_LANDING) --clients 2000 --providers 6 --seed 7
	$(BIN)/journeys run
	$(BIN)/journeys publish

# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium || \
		{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }; \
	else echo "error: $(CHROMIUM) is missing: run 'sudo apt-get install -y chromium', then make test again"; exit 2; fi

test: setup $(TEST_STAMP) system-packages $(CHROMIUM)
	$(BIN)/ruff check orchestration tests benchmarks
	$(BIN)/sqlfluff lint dbt_project  # config: dbt_project/.sqlfluff (jinja templater: no warehouse needed)
	env -u DAGSTER_HOME $(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile  # never the developer's instance (tests/conftest.py makes sure too); modules on parallel workers

# Stops on Ctrl-C and SIGTERM however it was started (see orchestration/dev.py); DEV_ARGS e.g. '-p 3001'.
dev: setup $(DAGSTER_HOME)/dagster.yaml
	$(BIN)/python -m orchestration.dev $(DEV_ARGS)

bench: setup
	$(BIN)/python -m benchmarks

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs
