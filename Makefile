# Two commands do everything on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
RR := $(VENV)/bin/redressal
STAMP := $(VENV)/.installed-stamp
PORT ?= 5000

.PHONY: run test install chromium db deploy demo-users bench lint format clean

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
	else $(RR) users demo; fi

run: deploy demo-users
	PORT=$(PORT) $(RR) serve

test: install node_modules chromium
	$(PY) -m pytest

bench: install
	$(PY) bench/engine_bench.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) var/ .pytest_cache .ruff_cache
