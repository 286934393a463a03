# The two commands a newcomer needs: `make run` and `make test`. Everything else is a step of
# theirs or a maintainer's tool. Only Python 3.11 is required on the machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-requirements

.PHONY: run test install messages migrate demo lint bench makemessages clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Compiled in Python (Babel), so no GNU gettext is needed on a fresh machine.
messages: install
	$(VENV)/bin/pybabel compile --statistics -d locale -D django
	$(VENV)/bin/pybabel compile --statistics -d locale -D djangojs

migrate: install
	DEBUG=1 $(PY) manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(PY) manage.py load_demo

# The portal on its embedded defaults: SQLite, Celery worker and beat on a filesystem broker,
# mail written to var/mail/. Ctrl-C stops every process.
run: messages demo
	DEBUG=1 $(PY) manage.py ensure_staff_login
	DEBUG=1 bash scripts/run_dev.sh

# The whole suite. With DATABASE_URL and CELERY_BROKER_URL set (as .ci/run does) it runs on
# PostgreSQL and Redis with a real Celery worker.
test: messages
	$(PY) -m pytest

# The benchmark and load harness (PostgreSQL and Redis on this machine); results in
# bench/results/. BENCH_SCALE=0.1 BENCH_GROWTH=0 BENCH_REMINDERS=1000 for a quick run.
bench: messages
	$(PY) bench/run.py

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Refresh the Khmer catalogue from the code (needs GNU gettext's xgettext).
makemessages: install
	DEBUG=1 $(PY) manage.py makemessages -l km --no-location --no-obsolete \
		--ignore=.venv --ignore=staticfiles --ignore=var

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
