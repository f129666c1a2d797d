# Two entry points (see README):
#   make demo  - set up, generate the bundled synthetic sample, run the whole pipeline
#   make test  - set up (with test tools) and run lint + the test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

export JOURNEYS_LANDING  ?= data/landing
export JOURNEYS_WAREHOUSE ?= data/warehouse.duckdb
export JOURNEYS_SERVING  ?= data/serving.duckdb
export DAGSTER_HOME      ?= $(CURDIR)/.dagster_home

.PHONY: setup demo test lint bench clean dev

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found - install Python 3.11 or run 'make PYTHON=/path/to/python3.11 ...'"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/journeys generate --out $(JOURNEYS_LANDING) --clients 2000 --providers 6 --seed 7
	$(BIN)/journeys run

test: $(STAMP)
	$(BIN)/ruff check orchestration tests benchmarks
	$(BIN)/pytest

dev: $(STAMP)
	@mkdir -p $(DAGSTER_HOME)
	$(BIN)/dagster dev -m orchestration.definitions

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf data .dagster_home dbt_project/target dbt_project/logs
