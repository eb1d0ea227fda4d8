PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run run-workers test lint format bench screenshots clean

WORKERS ?= 2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(BIN)/python -m survey.serve

# For a big room: WORKERS app processes behind nginx (README, "A bigger room").
run-workers: $(VENV)/.run-deps
	$(BIN)/python -m survey.cluster --workers $(WORKERS)

test: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench.all

screenshots: $(VENV)/.dev-deps
	SURVEY_SCREENSHOTS=docs $(BIN)/python -m pytest tests/e2e -k screenshots

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
