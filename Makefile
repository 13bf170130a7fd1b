# SALAM knowledge hub: one entry point for running, testing and benchmarking.
#   make run    set up everything and run the hub with demo content (embedded defaults)
#   make test   set up everything and run the whole test suite (real Elasticsearch, PostgreSQL, axe-core)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= salam.settings.dev

.PHONY: run test venv node-packages system-packages services worker stop lint check bench clean

$(VENV)/.installed: requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

# axe-core for the accessibility test, at the version package-lock.json pins; redone only when that changes.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-packages: system-packages node_modules/.installed

system-packages:
	@scripts/system-packages

services: system-packages
	@scripts/elasticsearch start

run: export WAGTAILADMIN_BASE_URL ?= http://127.0.0.1:$(PORT)
run: venv services
	$(PY) manage.py migrate --noinput
	$(PY) manage.py train_tagger --if-missing --no-feedback
	$(PY) manage.py load_demo
	$(PY) manage.py search_index --rebuild --if-empty
	@scripts/worker restart
	$(PY) manage.py ensure_admin
	@echo "The hub runs at http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/). Stop with Ctrl-C; 'make stop' stops the workers, the periodic jobs and Elasticsearch."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

worker: venv
	$(PY) manage.py db_worker --queue-name default,extraction

stop:
	-@scripts/worker stop
	-@scripts/elasticsearch stop

# The whole suite on PostgreSQL (as in CI) with the real Elasticsearch and headless Chromium.
test: venv services node-packages
	@export DATABASE_URL=$${DATABASE_URL:-$$(scripts/postgres start)}; \
	export DJANGO_SETTINGS_MODULE=salam.settings.test; \
	set -e; \
	$(VENV)/bin/ruff check . ; \
	$(VENV)/bin/ruff format --check . ; \
	$(PY) manage.py check ; \
	$(PY) manage.py makemigrations --check --dry-run ; \
	$(VENV)/bin/pytest

lint: venv
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

bench: venv services
	$(PY) bench/extract.py
	$(PY) bench/tag.py
	$(PY) bench/search.py
	$(PY) bench/register.py

clean:
	rm -rf $(VENV) var/test-media node_modules
