# Product Importer — the two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := frontend/node_modules/.installed
HAVE_NODE := $(shell command -v npm >/dev/null 2>&1 && test -f frontend/package.json && echo yes)

.PHONY: run test lint test-backend test-frontend bench ui install clean

$(PY_STAMP): backend/pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e 'backend[embedded,dev]'
	touch $@

$(NODE_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	touch $@

install: $(PY_STAMP)

UI_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)

frontend/dist/index.html: $(NODE_STAMP) $(UI_SOURCES)
	cd frontend && npm run build

## ui: build the web UI into frontend/dist when its sources changed (a note when Node.js is absent)
ui:
ifeq ($(HAVE_NODE),yes)
	$(MAKE) frontend/dist/index.html
else
	@echo "Node.js not found: the API will serve a placeholder page instead of the UI."
endif

## run: start API, worker and embedded PostgreSQL + Redis on http://127.0.0.1:8000
run: $(PY_STAMP) ui
	$(BIN)/product-importer serve

## lint: ruff, mypy, tsc and eslint
lint: $(PY_STAMP)
	cd backend && ../$(BIN)/ruff check . ../bench ../generate_csv.py && ../$(BIN)/ruff format --check . && ../$(BIN)/mypy
ifeq ($(HAVE_NODE),yes)
	$(MAKE) $(NODE_STAMP)
	cd frontend && npm run typecheck && npm run lint
endif

test-backend: $(PY_STAMP) ui
	cd backend && ../$(BIN)/pytest

test-frontend: $(PY_STAMP) ui
ifeq ($(HAVE_NODE),yes)
	cd frontend && npm test && E2E_SKIP_BUILD=1 npm run e2e
endif

## test: install everything, lint, then run every test against real servers
test: lint test-backend test-frontend

## bench: import (against a floor measured in the same run), API, webhook, download and compression benchmarks
bench: $(PY_STAMP)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/api_bench.py
	$(BIN)/python bench/webhook_bench.py
	$(BIN)/python bench/download_bench.py
	$(BIN)/python bench/compression_bench.py

clean:
	rm -rf $(VENV) .data frontend/node_modules frontend/dist
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
