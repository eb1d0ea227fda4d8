PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run run-workers test lint format bench screenshots messages clean

WORKERS ?= 2
PORT ?= 8501
ADDRESS ?=

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installing also compresses Streamlit's frontend once (survey/serving/precompressed.py).
$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/python -m survey.serving.precompressed
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	$(BIN)/python -m survey.serving.precompressed
	touch $@ $(VENV)/.run-deps

# `make run PORT=8600 ADDRESS=0.0.0.0`: without ADDRESS, every address (phones can join).
run: $(VENV)/.run-deps
	$(BIN)/python -m survey.serving.serve --server.port $(PORT) $(if $(ADDRESS),--server.address $(ADDRESS))

# For a big room: WORKERS app processes behind nginx (README, "A bigger room").
run-workers: $(VENV)/.run-deps
	$(BIN)/python -m survey.serving.cluster --workers $(WORKERS) --port $(PORT) $(if $(ADDRESS),--address $(ADDRESS))

# Chromium, nginx and PostgreSQL: installed if missing where possible, else one line
# saying how (tests/system_deps.py).
# Every test, the slow ones too (screenshots, load, several hosts, a private folder);
# while developing, `.venv/bin/python -m pytest -m "not slow"` leaves those out.
# Run over one process per core (pytest-xdist), at most TEST_PROCESSES: most of a browser
# test is waiting for a poll or a page, so two cores run two at once. A process that runs out
# of tests takes some from another's queue ("worksteal"), so no long test waits at the end.
TEST_PROCESSES ?= 4
test: $(VENV)/.dev-deps
	$(BIN)/python -m tests.system_deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto --maxprocesses $(TEST_PROCESSES) --dist worksteal

format: $(VENV)/.dev-deps
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench.all

screenshots: $(VENV)/.dev-deps
	SURVEY_SCREENSHOTS=docs $(BIN)/python -m pytest tests/e2e -k screenshots

# The app's strings: the template from the code, then every language's catalogue updated from
# it (new strings appear untranslated; tests/unit/test_catalogues.py says which). README,
# "Adding a language".
POT := survey/locale/survey.pot
messages: $(VENV)/.dev-deps
	$(BIN)/pybabel extract -F babel.cfg --add-location=file --sort-by-file -c Translators: \
		--project="Believer or Spectator" -o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d survey/locale -D survey --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) artifacts .cache .pytest_cache .ruff_cache
