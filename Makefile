# retrench: every target creates .venv if needed and installs the package (editable) into it.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PYTEST_WORKERS ?= 2

.PHONY: demo test test-all bench lint clean-venv

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (retrench needs Python >= 3.11); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(STAMP_RUN)

demo: $(STAMP_RUN)
	$(BIN)/retrench demo

test: $(STAMP_DEV)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q --nbmake tests notebooks

test-all: $(STAMP_DEV)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -q --nbmake -m "slow or not slow" tests notebooks

bench: $(STAMP_DEV)
	$(BIN)/python -m benchmarks.run

lint: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

clean-venv:
	rm -rf $(VENV)
