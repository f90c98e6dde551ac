# The two commands a new developer needs: `make serve` and `make test`.
# Both create the virtual environment on first use; nothing else must be installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv build serve test lint typecheck validate clean deploy

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
	@echo "Serving the site on http://127.0.0.1:8000 (Ctrl-C stops it)"
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory site 8000

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

test: lint typecheck
	$(BIN)/pytest

# Validate, build, `sam build && sam deploy` (when the SAM CLI is installed), sync site/ and the
# catalogue, invalidate the changed paths. Needs AWS credentials; see "Staff guide" in the README.
deploy: venv
	$(BIN)/carjunction deploy

clean:
	rm -rf site .cache .pytest_cache .mypy_cache .ruff_cache
