# The two commands a new developer needs: `make serve` and `make test`.
# Both create the virtual environment on first use; nothing else must be installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000

.PHONY: venv build serve test lint typecheck validate clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

validate: venv
	$(BIN)/carjunction validate

build: validate
	$(BIN)/mkdocs build --strict --quiet

serve: build
	@echo "Starting the local stack (site + API + DynamoDB on moto) …"
	$(BIN)/python -m carjunction.local --port $(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

clean:
	rm -rf site .cache .pytest_cache .mypy_cache .ruff_cache
