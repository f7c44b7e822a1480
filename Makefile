# retrench: every target creates .venv if needed and installs the package (editable) into it.
# The interpreter: PYTHON=... if given, else python3.13 / python3.12 on the PATH, else a
# pyenv-installed 3.12+ (retrench needs Python >= 3.12).
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
PYTEST_WORKERS ?= 2
FIND_PYTHON := $(CURDIR)/.ci/find-python

.PHONY: demo test test-all bench lint clean-venv python

$(BIN)/python:
	@py="$$($(FIND_PYTHON) $(PYTHON))" || exit 1; \
	echo "creating $(VENV) with $$py ($$($$py --version 2>&1))"; \
	$$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

python:
	@$(FIND_PYTHON) $(PYTHON)

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
