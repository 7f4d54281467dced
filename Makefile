# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run` serves here; the database is the embedded PostgreSQL under var/pg unless DATABASE_URL is set.
RUN_ADDRESS ?= 127.0.0.1:8000
# The suite starts throwaway PostgreSQL and Redis unless these name real ones (tests/run.py).
export TEST_DATABASE_URL TEST_BROKER_URL

.PHONY: run test setup setup-dev chromium libreoffice lint bench-save bench-export bench-page bench-pages bench-load bench-faults bench-reanchor bench-search

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

setup: $(VENV)/.requirements

setup-dev: $(VENV)/.requirements-dev

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser).
# apt runs only when no chromium is installed, so a second `make test` needs no network.
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

# LibreOffice headless opens the CSV exports as a spreadsheet would (tests/test_export_spreadsheet.py);
# installed only when missing, like chromium.
libreoffice:
	@command -v soffice >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq libreoffice-calc-nogui; }

run: setup
	mkdir -p var
	$(BIN)/python manage.py compile_catalogues
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo --address $(RUN_ADDRESS)
	$(BIN)/python manage.py runserver $(RUN_ADDRESS)

test: setup-dev chromium libreoffice
	$(BIN)/python -m tests.run $(PYTEST_ARGS)

# Benchmarks print their figures (ratios against a baseline measured in the same run); see bench/.
bench-save: setup-dev
	$(BIN)/python bench/save.py --clients 16 --seconds 15

bench-export: setup-dev
	$(BIN)/python bench/export.py --claims $(or $(CLAIMS),1000000)

bench-search: setup-dev
	$(BIN)/python bench/search.py --claims $(or $(CLAIMS),1000000)

bench-page: setup-dev chromium
	$(BIN)/python bench/page.py

bench-pages: setup-dev
	$(BIN)/python bench/pages.py --claims 100000 1000000
# A desk under load (locust, headless, bounded): idle, then under exports; own PostgreSQL/Redis on BENCH_PORT..+2.
bench-load: setup-dev
	$(BIN)/python bench/load.py --users $(or $(USERS),10) --exporters $(or $(EXPORTERS),4) \
		--seconds $(or $(DURATION),60) --base-port $(or $(BENCH_PORT),8720)

# Fault drills in the middle of load: a killed gunicorn worker, Redis and Celery restarts, PostgreSQL stopped.
bench-faults: setup-dev
	$(BIN)/python bench/faults.py --base-port $(or $(BENCH_PORT),8730)
bench-reanchor: setup-dev
	$(BIN)/python bench/reanchor.py

lint: setup-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
