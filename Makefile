# deskmate: `make demo` serves the demo community, `make test` runs the whole suite.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_MEMBERS ?= 2000

.PHONY: install demo serve worker test test-postgres lint mypy-baseline bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("deskmate needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

demo: $(STAMP)
	DESKMATE_DEMO=1 $(BIN)/deskmate demo --members $(DEMO_MEMBERS)

serve: $(STAMP)
	$(BIN)/deskmate migrate --no-input
	$(BIN)/deskmate serve --bind 127.0.0.1:8000

worker: $(STAMP)
	$(BIN)/deskmate worker

# Bytecode is written even where the environment sets PYTHONDONTWRITEBYTECODE: every xdist worker
# and every process a test starts would otherwise compile deskmate and re-rewrite the asserts of
# the test modules and of the pytest plugins (hypothesis, schemathesis) from source, on each run.
TEST_ENV := PYTHONDONTWRITEBYTECODE=

test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest

test-postgres: $(STAMP)
	$(TEST_ENV) DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/python -m pytest

# Formatting, lint rules, types (new errors fail; see mypy-baseline.txt) and the import contracts.
lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --no-error-summary | $(BIN)/mypy-baseline filter --baseline-path mypy-baseline.txt --no-colors
	$(BIN)/lint-imports --no-cache

# After fixing type errors: rewrite the baseline (it may only shrink).
mypy-baseline: $(STAMP)
	$(BIN)/mypy --no-error-summary | $(BIN)/mypy-baseline sync --baseline-path mypy-baseline.txt --sort-baseline

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var .pytest_cache
