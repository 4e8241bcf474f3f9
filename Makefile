# Set-up and checks. `make sample` and `make test` work on a fresh machine with only Python 3.11+.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SAMPLE  = corpora/ke-hoach-viec-lam-xa-an-binh-2025.txt

.PHONY: sample test lint typecheck unit bench docs clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# Review the bundled sample plan; findings are expected, so do not fail on them.
sample: $(BIN)/.installed
	$(BIN)/gender-mainstream review $(SAMPLE) --fail-on never

# What CI runs: lint, type check, then the whole test suite.
test: lint typecheck unit

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests bench

typecheck: $(BIN)/.installed
	$(BIN)/mypy

unit: $(BIN)/.installed
	$(BIN)/pytest

# The rule catalogue is generated; tests fail when it is stale.
docs: $(BIN)/.installed
	$(BIN)/gender-mainstream rules docs -o docs/rules.md

# Reading, reviewing and batch throughput; the batch figures need ../shared/corpus/batch.
bench: $(BIN)/.installed
	$(BIN)/python bench/bench_foundation.py
	$(BIN)/python bench/bench_review.py
	$(BIN)/python bench/bench_batch.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
