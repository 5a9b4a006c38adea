# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: CI and the usual laptop have two cores (override: make test PYTEST_ARGS=...).
PYTEST_ARGS ?= -n 2 --dist loadfile --no-loadscope-reorder

.PHONY: run test bench lint format messages clean backup restore

$(VENV)/.installed-run: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

## make run: migrate, seed the demo if empty, then the web server, the Celery
## workers and beat under one supervisor (manage.py run_embedded), which starts a
## worker or beat again when it dies; Ctrl-C stops them all.
run: $(VENV)/.installed-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py prepare_worker
	@echo ""
	@echo "Innovation Studios: http://$(HOST):$(PORT)/   (Ctrl-C stops the web server and the workers)"
	@exec $(PY) manage.py run_embedded $(HOST):$(PORT)

## make test: the whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set).
## Compiled modules and pytest's rewritten test modules are kept between runs
## (in __pycache__, ignored by git) even where PYTHONDONTWRITEBYTECODE is set:
## without them each worker compiles the suite again, some 7 s of every run.
test: $(VENV)/.installed-dev
	PYTHONDONTWRITEBYTECODE= DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest $(PYTEST_ARGS)

## make bench: list speed as ratios against raw SQL on generated data (not in make test).
## The generator's INSERT … SELECT of a full-size group runs longer than a request
## may, so the statement timeout is off unless DATABASE_STATEMENT_TIMEOUT_MS is set.
bench: $(VENV)/.installed-dev
	DATABASE_STATEMENT_TIMEOUT_MS=$${DATABASE_STATEMENT_TIMEOUT_MS:-0} \
	DJANGO_SETTINGS_MODULE=config.settings.test $(VENV)/bin/pytest bench -q -s $(BENCH_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make messages: refresh the Chinese catalogue after adding strings, then
## translate the new entries and run it again to compile.
messages: $(VENV)/.installed-dev
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete \
		--ignore=.venv --ignore=var --ignore=tests --ignore=test-artifacts
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

## make backup: the database and the media files into one archive in backups/ of
## DJANGO_VAR_DIR (BACKUP_DIR=... elsewhere); make restore ARCHIVE=... puts them back and checks
## them (RESTORE_ARGS=--yes over a database that holds data). docs/operations.md.
backup: $(VENV)/.installed-run
	$(PY) manage.py backup $(if $(BACKUP_DIR),--output "$(BACKUP_DIR)")

restore: $(VENV)/.installed-run
	@test -n "$(ARCHIVE)" || { echo "usage: make restore ARCHIVE=var/backups/backup-….tar"; exit 2; }
	$(PY) manage.py restore "$(ARCHIVE)" $(RESTORE_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
