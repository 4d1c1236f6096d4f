# Two commands for a fresh machine: `make dataset` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: setup dataset test bench docs clean

setup: $(STAMP)

# setuptools >= 77 reads `license = "Apache-2.0"` (PEP 639); the tests build examples/recipe-plugin
# with the venv's own setuptools, and a fresh Python 3.11 venv comes with 65.5.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip "setuptools>=77"
	$(PIP) install -c constraints.txt -e .
	touch $(STAMP)

# Tests also cover the optional CKIP backend (torch==2.13.0 is the CPU build, from local disk).
$(TEST_STAMP): $(STAMP)
	$(PIP) install -c constraints.txt -e '.[test,ckip]'
	touch $(TEST_STAMP)

dataset: setup
	$(BIN)/twcasual build --config twcasual.toml --out dist

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

bench: $(TEST_STAMP)
	$(BIN)/python -m bench.run

docs: setup
	$(BIN)/python -m builder.docgen

clean:
	rm -rf dist dist.html .twcasual-cache
