# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The suite runs against real PostgreSQL and Redis (pytest-django creates test_<name>).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test setup setup-dev chromium lint bench-save bench-export bench-page bench-search

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
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium; }

run: setup
	mkdir -p var
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup-dev chromium
	DATABASE_URL=$(TEST_DATABASE_URL) CELERY_BROKER_URL=$(TEST_BROKER_URL) $(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks print their figures (ratios against a baseline measured in the same run); see bench/.
bench-save: setup-dev
	$(BIN)/python bench/save.py --clients 16 --seconds 15

bench-export: setup-dev
	$(BIN)/python bench/export.py --claims $(or $(CLAIMS),1000000)

bench-search: setup-dev
	$(BIN)/python bench/search.py --claims $(or $(CLAIMS),1000000)

bench-page: setup-dev chromium
	$(BIN)/python bench/page.py

lint: setup-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
