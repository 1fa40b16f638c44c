# The two commands of the README, and a few helpers. Everything runs inside .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

# `make run` is the embedded default: SQLite, debug on, and a real Celery worker and beat on
# a broker that needs no server (messages are files under var/broker/).
RUN_ENV := DJANGO_DEBUG=true DATABASE_URL=$${DATABASE_URL:-sqlite:///$(CURDIR)/db.sqlite3} CELERY_BROKER_URL=filesystem://

.PHONY: run test venv install install-dev migrate seed lint worker beat clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	$(RUN_ENV) $(PY) manage.py run_embedded $(HOST):$(PORT)

# On SQLite by default; on PostgreSQL when DATABASE_URL is set, with a real Redis broker
# when CELERY_BROKER_URL is set (the worker tests then run instead of being skipped).
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_DEBUG=true $(PY) manage.py makemigrations --check --dry-run

worker: install
	$(VENV)/bin/celery -A mentorship worker --loglevel INFO

beat: install
	$(VENV)/bin/celery -A mentorship beat --loglevel INFO

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles var
