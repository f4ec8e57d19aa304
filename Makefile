# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run build test test-fast lint system-deps clean bench locale relevance relevance-freeze

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

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
# process tests, on every core (pytest-xdist). Under a minute on two cores; make test still runs everything.
FAST := not server and not browser and not postgres and not slow
test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -n auto -m "$(FAST)"

# Benchmarks (not part of make test): bench/run --large adds 50,000 records. See bench/README.md.
bench: $(VENV)/.test-installed
	$(BIN)/pip install --quiet -e ".[bench]"
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
