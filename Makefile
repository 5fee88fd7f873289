# Enlace — the two commands: `make run` and `make test`. See README.md.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Test processes (pytest-xdist); the browser checks and quality gates run together in one of them (conftest.py).
JOBS ?= 2

.PHONY: run test setup prepare lint clean scale

# What running Enlace needs (make run) ...
$(VENV)/.ok-run: requirements.txt scripts/find-python
	@python=$${PYTHON:-$$(sh scripts/find-python)} || exit 1; \
	if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
		echo "Replacing $(VENV): it was made with a Python older than 3.12."; rm -rf $(VENV); fi; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	$(PIP) install -r requirements.txt
	@touch $@

# ... and what testing it adds (make test): the test runner, linters, type and layer checks.
$(VENV)/.ok: $(VENV)/.ok-run requirements-dev.txt
	$(PIP) install -r requirements.txt -r requirements-dev.txt
	@touch $@

node_modules/.ok: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility checks (axe-core) will be skipped."; fi

prepare:
	@mkdir -p var
	$(PY) manage.py compile_catalogues
	$(PY) manage.py migrate --noinput -v 0

setup: $(VENV)/.ok node_modules/.ok
	@$(MAKE) --no-print-directory prepare

# Links in e-mails and documents point where this server answers (SITE_URL, unless set).
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.ok-run
	@$(MAKE) --no-print-directory prepare
	$(PY) manage.py load_demo
	@echo "Enlace is at $$SITE_URL/  (stop with Ctrl-C). E-mails are printed in var/worker.log."
	@$(PY) manage.py db_worker --no-reload > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check_catalogues
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)

# The tested multi-server topology (docs/deployment.md): real PostgreSQL primary and standby,
# PgBouncer, HAProxy, S3 (SeaweedFS), Redis, two app servers, two workers; loaded and broken on
# purpose. Needs Debian's haproxy, pgbouncer, wrk and PostgreSQL 15 (.ci/run installs them).
scale: $(VENV)/.ok
	$(PIP) install -r deploy/scale/requirements.txt
	$(PY) deploy/scale/stage.py

lint:
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
