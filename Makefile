# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of
# theirs or a maintainer's tool. Only Python 3.11 is required on the machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements

.PHONY: run test install lock messages migrate demo backup restore lint bench scale-test makemessages clean

# The development lock: the runtime lock's packages plus the test tools, every one pinned and
# hashed (production installs requirements.txt alone, see the README).
$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Recompile both locks from requirements.in and requirements-dev.in (pip-tools keeps the pins
# already there unless an .in file asks otherwise; `make lock UPGRADE=--upgrade` refreshes all).
LOCK := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet --generate-hashes \
	--allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links $(UPGRADE)
lock: install
	$(LOCK) --output-file requirements.txt requirements.in
	$(LOCK) --output-file requirements-dev.txt requirements-dev.in

# Compiled in Python (Babel), so no GNU gettext is needed on a fresh machine. Two catalogues:
# ours (locale/) and the Khmer of Django's and the libraries' strings (locale_overrides/).
messages: install
	$(VENV)/bin/pybabel compile --statistics -d locale -D django
	$(VENV)/bin/pybabel compile --statistics -d locale_overrides -D "django djangojs"

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

# One dated archive of the database and both media folders, in var/backups/ (or BACKUP_DIR);
# on the embedded defaults or whatever DATABASE_URL names. See docs/operations.md.
backup: install
	DEBUG=1 $(PY) manage.py backup $(if $(BACKUP_DIR),--output-dir "$(BACKUP_DIR)")

# Into an empty database and empty media folders only; the archive is checked first.
restore: install
	@test -n "$(ARCHIVE)" || { echo "Usage: make restore ARCHIVE=var/backups/ccc-portal-....tar"; exit 2; }
	DEBUG=1 $(PY) manage.py restore "$(ARCHIVE)"

# The portal on its embedded defaults: SQLite, Celery worker and beat on a filesystem broker,
# mail written to var/mail/. Ctrl-C stops every process.
run: messages demo
	DEBUG=1 $(PY) manage.py ensure_staff_login
	@# The demo's focal person (demo/accounts.py): a link that works once, for 15 minutes.
	DEBUG=1 $(PY) manage.py sign_in_link focal.person@health.example.org
	DEBUG=1 bash scripts/run_dev.sh

# The whole suite. With DATABASE_URL and CELERY_BROKER_URL set (as .ci/run does) it runs on
# PostgreSQL and Redis with a real Celery worker. Measures line coverage of our apps (see
# [tool.coverage] in pyproject.toml) and fails below 90%; `pytest tests/x.py` alone does not.
test: messages
	$(PY) -m pytest --cov --cov-report=term --cov-fail-under=90

# The benchmark and load harness (PostgreSQL and Redis on this machine); results in
# bench/results/. BENCH_SCALE=0.1 BENCH_GROWTH=0 BENCH_REMINDERS=1000 for a quick run.
bench: messages
	$(PY) bench/run.py

# The portal on two web hosts, two worker hosts and one beat on loopback (separate processes,
# one PostgreSQL, one Redis): a staff edit, sessions and CSRF across hosts, 1,000 reminders
# exactly once, and one web host and one worker killed mid-flight. See docs/scaling.md.
scale-test: messages
	$(PY) bench/scale.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# Refresh our Khmer catalogue (locale/) from the code (needs GNU gettext's xgettext). It never
# touches locale_overrides/, which is edited by hand (see docs/decisions.md).
makemessages: install
	DEBUG=1 $(PY) manage.py makemessages -l km --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=var

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
