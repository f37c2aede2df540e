# Lectern: the two commands for a fresh clone are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.8
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist); each has its own test database.
JOBS ?= 2

.PHONY: install run test test-fast test-topology screenshots lint format clean

install: $(STAMP)

# The venv is rebuilt only when the lock file or pyproject changes, so `make install` is idempotent.
$(STAMP): pyproject.toml uv.lock
	@test -x $(UV) || { $(PYTHON) -m venv $(VENV) && $(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"; }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(UV) sync --frozen --quiet
	@touch $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest -n $(JOBS) $(PYTEST_ARGS)

# Everything but the browser tests, for the edit loop (`make test-fast PYTEST_ARGS=--lf`).
test-fast: install
	$(PY) -m pytest -n $(JOBS) -m "not e2e" $(PYTEST_ARGS)

# The browser tests, saving screenshots of every page and journey step to test-artifacts/screenshots/.
screenshots: install
	LECTERN_SCREENSHOTS=1 $(PY) -m pytest -n $(JOBS) -m e2e $(PYTEST_ARGS)

test-topology: install
	$(PY) -m pytest -m topology --run-topology $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
