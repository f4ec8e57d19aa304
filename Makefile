# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run build test test-fast lint system-deps clean bench locale relevance relevance-freeze lock

# Every dependency at the exact version, and with the hashes, of a lock file (docs/exploitation/dependances.md):
# requirements.lock for the site, requirements-dev.lock for the site, the tests and the benchmarks. kb itself is then
# installed without its dependencies (pip cannot hash a folder).
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Update both lock files from pyproject.toml's ranges (the newest versions they admit, from the package index), then
# review the diff and run make test. The site's lock takes the versions of the full one, so the two never disagree.
LOCK_OPTIONS := --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --upgrade
lock: | $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile $(LOCK_OPTIONS) --extra test --extra bench -o $(DEV_LOCK) pyproject.toml
	$(BIN)/pip-compile $(LOCK_OPTIONS) -c $(DEV_LOCK) -o $(LOCK) pyproject.toml

build: $(VENV)/.installed
	$(BIN)/kb build

run: build
	$(BIN)/kb serve --host $(HOST) --port $(PORT)

system-deps:
	@bash .ci/system-deps

lint: $(VENV)/.test-installed
	$(BIN)/ruff check kb tests

test: $(VENV)/.test-installed system-deps lint
	$(BIN)/python -m pytest

# The fast lane (docs/developpeurs/tests.md): every test that starts no server, browser or PostgreSQL, less the slow
# process tests, on every core (pytest-xdist). About 1.5 minutes on two cores (1,308 tests); make test still runs everything.
FAST := not server and not browser and not postgres and not slow
test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -n auto -m "$(FAST)"

# Benchmarks (not part of make test): bench/run --large adds 50,000 records. See bench/README.md.
bench: $(VENV)/.test-installed
	@bash .ci/system-deps wrk
	bench/run

# Click's own messages in French (kb/cli/french.py): after a Click upgrade, merge its new messages into the catalogue
# and compile it; translate what it lists in kb/cli/locale/fr/LC_MESSAGES/click.po, then run it again.
locale: $(VENV)/.installed
	$(BIN)/python -c "from kb.cli import french; french.main()"

# Search relevance: judged queries on the frozen copy of the content they were judged on, kb against SQLite FTS5 (AND
# and OR), then a report on the live content (tests/relevance/README.md).
relevance: $(VENV)/.installed
	PYTHON=$(BIN)/python bench/relevance

# Copy today's proposals/ into tests/relevance/corpus/, the content the judgments are read against: review them after.
relevance-freeze: $(VENV)/.installed
	PYTHON=$(BIN)/python bench/relevance --freeze

clean:
	rm -rf search_index tests/artifacts .pytest_cache
