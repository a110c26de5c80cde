# tuyengiao — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres test-browser lint check bench install demo clean
.PHONY: worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements-dev.lock pyproject.toml
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

install: $(VENV)/.installed

## make run: install, migrate, load the demo content once, serve http://127.0.0.1:8000
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	@$(BIN)/python manage.py demo_logins --port $(PORT)
	SERVE_MEDIA=1 $(BIN)/python manage.py serve $(HOST):$(PORT)

## make worker: the background worker with its scheduler (beat), for a broker in CELERY_BROKER_URL
## (e.g. CELERY_BROKER_URL=$$REDIS_URL); the web processes then enqueue jobs instead of running them
worker: install
	@test -n "$$CELERY_BROKER_URL" || { echo "Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) for the worker and the web processes."; exit 1; }
	$(BIN)/celery -A tuyengiao.worker.celery_app worker --beat --concurrency=$${WORKER_CONCURRENCY:-2} --loglevel=INFO

## make test: the test suite on SQLite (browser tests run with CI=true or `make test-browser`)
test: install
	$(BIN)/python -m pytest -q -m "not browser"

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(BIN)/python -m pytest -q -m "not browser"

test-browser: install
	$(BIN)/python -m pytest -q -m browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var db.sqlite3 db.sqlite3-*
