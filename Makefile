# The README's commands. Everything runs in ./.venv, created on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CONFIG ?= config/newswatch.example.yaml

.PHONY: run demo test check lint format bench clean

$(BIN)/newswatch: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## run: install, then start the daemon on the example config (Ctrl-C stops it)
run: $(BIN)/newswatch
	$(BIN)/newswatch check -c $(CONFIG)
	$(BIN)/newswatch run -c $(CONFIG)

## demo: one offline cycle against the bundled sample news site
demo: $(BIN)/newswatch
	$(BIN)/newswatch demo

## test: install test extras, then lint, type-check and run the whole suite (CI runs this)
test: $(BIN)/newswatch
	./scripts/check

lint: $(BIN)/newswatch
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

format: $(BIN)/newswatch
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

## bench: every benchmark, each prints a table
bench: $(BIN)/newswatch
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
