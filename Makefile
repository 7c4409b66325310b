# Two commands for a newcomer: `make run` and `make test`. See README.md.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
PIP := $(BIN)/pip --disable-pip-version-check -q

# Tests: PostgreSQL and Redis on this machine (override to point elsewhere).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/textpay
TEST_REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test lint fmt install install-test browser bench clean help messages

help:
	@echo "make run    - run the product on http://127.0.0.1:$(PORT)/ (SQLite, no accounts needed)"
	@echo "make test   - install test dependencies and run the whole suite on PostgreSQL + Redis"

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install '.[test]'
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

# Translation catalogs, compiled with Babel: no GNU gettext (msgfmt) needed. See core/catalogs.py.
messages: $(VENV)/.installed-run
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages_babel -v 0

run: $(VENV)/.installed-run messages
	@mkdir -p var
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput -v 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --site-url http://127.0.0.1:$(PORT)
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo_history --site-url http://127.0.0.1:$(PORT)
	DJANGO_DEBUG=1 SITE_URL=http://127.0.0.1:$(PORT) exec $(BIN)/python scripts/devserver.py --port $(PORT) --connect-demo

browser:
	@bash scripts/ensure_chromium.sh

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: $(VENV)/.installed-test browser lint messages
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-secret DATABASE_URL=$(TEST_DATABASE_URL) \
	CELERY_BROKER_URL=$(TEST_REDIS_URL) CELERY_TASK_ALWAYS_EAGER=1 \
	$(BIN)/pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-test
	$(MAKE) -C bench

clean:
	rm -rf $(VENV) var staticfiles
