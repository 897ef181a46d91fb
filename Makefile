# `make run` and `make test` do all set-up on a fresh machine (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two test processes (pytest-xdist): much of the suite waits on Chromium, ffmpeg and worker processes.
PYTEST_ARGS ?= -n 2 --dist worksteal

.PHONY: run test lint bench-catalogue bench-campaigns bench-scores bench-media bench-posters clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# axe-core for the accessibility checks of the browser tests (pinned in package.json).
node_modules/axe-core/axe.min.js: package.json
	npm install --silent --no-audit --no-fund
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

## Run the platform on the embedded defaults (SQLite, filesystem job queue): web + worker.
run: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_demo_campaigns
	$(BIN)/python manage.py seed_demo_partners
	$(BIN)/python manage.py seed_demo_ml
	scripts/run-local

## Run the whole test suite against PostgreSQL and Redis on this machine (override the URLs to move);
## installs Debian's Chromium for the browser tests when it is missing.
test: $(VENV)/.dev node_modules/axe-core/axe.min.js
	scripts/install-browser
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench-catalogue: $(VENV)/.dev
	$(BIN)/python bench/catalogue.py

bench-campaigns: $(VENV)/.dev
	$(BIN)/python bench/campaigns.py

bench-scores: $(VENV)/.dev
	$(BIN)/python bench/scores.py

bench-media: $(VENV)/.dev
	$(BIN)/python bench/media.py

bench-posters: $(VENV)/.dev
	$(BIN)/python bench/posters.py

clean:
	rm -rf $(VENV) var db.sqlite3 staticfiles node_modules protected-media
