# Two commands for a fresh machine: `make dataset` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup dataset test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

dataset: setup
	$(BIN)/twcasual build --config twcasual.toml --out dist

test: setup
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench.run

clean:
	rm -rf dist .twcasual-cache
