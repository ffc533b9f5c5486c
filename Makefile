# Two commands do everything on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RR := $(VENV)/bin/redressal
STAMP := $(VENV)/.installed-stamp
PORT ?= 5000

.PHONY: run test test-fast test-slow-path check typecheck install chromium db deploy demo-users bench lint format clean \
	translations-extract translations-update

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)

# Front-end packages (form-js...) from package-lock.json; never committed. Install scripts are not run.
node_modules: package.json package-lock.json
	npm ci --ignore-scripts
	@touch $@

# Debian's Chromium for the browser tests (Playwright's own browser downloads are not reachable).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; else \
	  apt-get update && apt-get install -y chromium fonts-noto-core fonts-noto-cjk; fi

db: install
	$(RR) db upgrade

deploy: db
	$(RR) processes deploy processes/ --forms forms/

demo-users: db
	@if [ "$$REDRESSAL_ENV" = "production" ]; then echo "REDRESSAL_ENV=production: no demo users"; \
	else $(RR) users demo && $(RR) cases demo; fi

run: deploy demo-users node_modules
	REDRESSAL_DEFAULT_JURISDICTION=$${REDRESSAL_DEFAULT_JURISDICTION:-GB-ENG} PORT=$(PORT) $(RR) serve

# Every test, on SQLite and PostgreSQL, browser tests included; then the engine's core tests once more with
# the fast path off.
test: install node_modules chromium
	$(PY) -m pytest
	@$(MAKE) --no-print-directory test-slow-path

# SQLite only, in two worker processes: no PostgreSQL server needed (its tests are left out at collection),
# and no browser (the form-js equivalence tests run in `make test`).
test-fast: install
	$(PY) -m pytest -m "not postgres and not browser" -n 2 -q

# The case, store and serialization tests with REDRESSAL_FAST_PATH=off (the libraries' ordinary code
# instead of the hot SQL, the state converter and the task walk), on SQLite. The PostgreSQL URL points
# nowhere, so a test that would need the server fails instead of passing unseen.
SLOW_PATH_TESTS := tests/engine/core tests/engine/cases tests/engine/store tests/engine/bpmn
test-slow-path: install
	REDRESSAL_FAST_PATH=off REDRESSAL_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:1/none \
		$(PY) -m pytest -m "not postgres" -q $(SLOW_PATH_TESTS)

# What CI runs: lint, type check, then every test.
check: lint typecheck test

bench: install
	$(PY) bench/engine_bench.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy on engine/ and webapp/, configured in pyproject.toml.
typecheck: install
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The platform's own words (see Translations in README.md). The template has no header and no locations,
# so a new string is a small diff; `update` keeps every translation, guesses none (no fuzzy matching), drops
# what the sources no longer say and starts a catalogue for a language added to LOCALES. Flask compiles the
# .po files to .mo at start.
TRANSLATIONS := webapp/translations
LOCALES := vi fa zh_Hans zh_Hant pl
BABEL_EXTRACT := -F babel.cfg -k lazy_gettext -k _l --sort-by-file --no-location --omit-header
translations-extract: install
	$(VENV)/bin/pybabel extract $(BABEL_EXTRACT) -o $(TRANSLATIONS)/messages.pot .

translations-update: install
	@for locale in $(LOCALES); do \
	  $(VENV)/bin/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $$locale \
	    --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --init-missing || exit 1; \
	done

clean:
	rm -rf $(VENV) var/ .pytest_cache .ruff_cache .mypy_cache
