# The README's commands. Everything runs in ./.venv, created on first use and filled from the
# lock files in requirements/ (every file pinned and hashed), so a fresh machine gets exactly
# what CI tested. The venv keeps the pip its Python ships: the lock needs nothing newer.
PYTHON     ?= python3
VENV       ?= .venv
BIN        := $(VENV)/bin
WHEELHOUSE := $(VENV)/wheelhouse
CONFIG     ?= config/newswatch.example.yaml
# Wheels only: nothing is compiled on the user's machine, and the install test can work offline.
PIP_GET    := --quiet --require-hashes --no-deps --only-binary :all:

.PHONY: run demo test check lint format bench dist lock lock-upgrade test-latest clean

# install LOCK: the venv, the lock's wheels (downloaded once into the wheelhouse, which the
# install test reuses offline), then newswatch itself, editable, built with the locked setuptools.
define install
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip download $(PIP_GET) -r $(1) -d $(WHEELHOUSE)
	$(BIN)/pip install $(PIP_GET) --no-index --find-links $(WHEELHOUSE) -r $(1)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation --no-index -e .
	touch $@
endef

$(VENV)/.run-installed: requirements/run.txt pyproject.toml
	$(call install,requirements/run.txt)

$(VENV)/.test-installed: requirements/test.txt pyproject.toml
	$(call install,requirements/test.txt)

## run: install the runtime, then start the daemon on the example config (Ctrl-C stops it)
run: $(VENV)/.run-installed
	$(BIN)/newswatch check -c $(CONFIG)
	$(BIN)/newswatch run -c $(CONFIG)

## demo: one offline cycle against the bundled sample news site
demo: $(VENV)/.run-installed
	$(BIN)/newswatch demo

## test: install the test extras, then lock check, lint, types and the whole suite (CI runs this)
test: $(VENV)/.test-installed
	WHEELHOUSE=$(WHEELHOUSE) ./scripts/check

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/sizes.py

format: $(VENV)/.test-installed
	$(BIN)/ruff format src tests benchmarks scripts
	$(BIN)/ruff check --fix src tests benchmarks scripts

## lock: re-lock after editing pyproject.toml (keeps every pin that still fits)
lock: $(VENV)/.test-installed
	$(BIN)/python scripts/lock.py

## lock-upgrade: take the newest releases; run `make test-latest` first
lock-upgrade: $(VENV)/.test-installed
	$(BIN)/python scripts/lock.py --upgrade

## test-latest: the newest releases pyproject.toml allows, installed the plain way (a fresh venv,
## its own pip, no lock) into a throwaway venv, then the whole suite. Run before `make lock-upgrade`.
# pyproject's build group (setuptools, build: the install test builds a wheel), which pip 23 cannot name.
BUILD_GROUP = $(shell $(PYTHON) -c "import tomllib; print(' '.join(repr(r) for r in tomllib.load(open('pyproject.toml', 'rb'))['dependency-groups']['build']))")
# One shell for the recipe: the throwaway directory is made once (a make variable set
# with $(shell mktemp) is made again at every use). LATEST=DIR chooses it.
test-latest:
	set -e; latest="$${LATEST:-$$(mktemp -d /tmp/newswatch-latest.XXXXXX)}"; \
	$(PYTHON) -m venv "$$latest/venv"; \
	"$$latest/venv/bin/pip" install --quiet '.[test]' $(BUILD_GROUP); \
	"$$latest/venv/bin/pip" wheel --quiet -w "$$latest/wheelhouse" '.[test]'; \
	"$$latest/venv/bin/pip" freeze --exclude-editable > "$$latest/versions.txt"; \
	VENV="$$latest/venv" WHEELHOUSE="$$latest/wheelhouse" ./scripts/check; \
	echo "newest releases pass; versions in $$latest/versions.txt"

## dist: the wheel and sdist in dist/, built with the locked setuptools (for pipx or a venv)
dist: $(VENV)/.run-installed
	$(BIN)/python -m build --no-isolation --outdir dist .

## bench: every benchmark, each prints a table
bench: $(VENV)/.test-installed
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
