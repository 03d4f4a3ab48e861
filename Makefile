# The two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
API_PORT ?= 8000
SITE_PORT ?= 8080
MOTO_PORT ?= 5000
SAT_PORT ?= 5010
AXE := node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install chromium lint typecheck unit bench bench-documents clean

# uv installs the pinned requirements in seconds where pip takes about a minute; pip only
# installs uv itself into the environment. Bytecode is compiled once here: every test worker,
# local stack, moto server and synthesis is a new Python process, and where bytecode is not
# written on import (PYTHONDONTWRITEBYTECODE) each would compile its imports again.
UV_VERSION := 0.13.8
$(STAMP): requirements.txt requirements-documents.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## make run: the whole platform on this machine (moto, API, site, event pump, demo data)
run: $(STAMP)
	$(BIN)/python -m infrastructure.local --api-port $(API_PORT) --site-port $(SITE_PORT) --moto-port $(MOTO_PORT) --sat-port $(SAT_PORT)

## make cfdi-demo [ORDER=SEC-2026-000102]: a genuine CFDI of the demo provider for a demo order,
## sealed with a CSD of the local stack's test authority (.local/sat/), and a forged copy
.PHONY: cfdi-demo
cfdi-demo: $(STAMP)
	$(BIN)/python -m infrastructure.local.cfdi_demo $(if $(ORDER),--order $(ORDER))

## make test: lint, types and every test (unit, service, API, handlers, browser), the test
## files shared out among TEST_WORKERS processes (each e2e worker starts its own local stack).
## mypy checks the types while the tests run (on a fresh clone it has no cache and takes a
## minute of one core); its report follows the tests', and either failing fails the target.
TEST_WORKERS ?= 2
test: $(STAMP) chromium $(AXE) lint
	@$(BIN)/mypy > $(VENV)/mypy-report.txt 2>&1 & types=$$!; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile; tests=$$?; \
	wait $$types; typed=$$?; cat $(VENV)/mypy-report.txt; rm -f $(VENV)/mypy-report.txt; \
	[ $$tests -eq 0 ] && [ $$typed -eq 0 ]

## axe-core for the accessibility checks of the browser tests, pinned in package-lock.json
$(AXE): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "Installing Debian's npm for the accessibility checks"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund
	@touch $(AXE)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit tests/api tests/handlers tests/service

bench: $(STAMP)
	$(BIN)/python bench/cold_start.py

## make bench-documents: validators per kind, hostile set, qpdf/pikepdf/satcfdi side by side
bench-documents: $(STAMP)
	@command -v qpdf >/dev/null 2>&1 || echo "qpdf not installed (Debian package qpdf): its column will say so"
	$(BIN)/python bench/documents.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache tests/output

.PHONY: synth package-size

## make synth: the AWS templates, offline (no AWS account), linted with cfn-lint
synth: $(STAMP)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} AWS_EC2_METADATA_DISABLED=true \
	  CDK_DISABLE_CLI_TELEMETRY=true $(BIN)/python infrastructure/cdk_app.py --outdir infrastructure/cdk.out
	$(BIN)/cfn-lint --non-zero-exit-code error infrastructure/cdk.out/*.template.json

## make package-size: each distinct function package (Chalice's zip plus the function's layers),
## zipped and unzipped, and what fills it (one JSON line)
package-size: $(STAMP)
	$(BIN)/python bench/package_size.py

## make operator EMAIL=… NAME=… INSURERS=sec [DUTIES=dictamen,finanzas]: an operator account on
## the running local stack (every duty unless DUTIES names them)
operator: $(STAMP)
	AWS_ENDPOINT_URL=http://127.0.0.1:$(MOTO_PORT) AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
	AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 RESOURCE_PREFIX=portal-local- \
	SITE_URL=http://127.0.0.1:$(SITE_PORT) \
	$(BIN)/python -m chalicelib.accounts.admin create-operator --email "$(EMAIL)" --name "$(NAME)" --insurers "$(INSURERS)" \
	  $(if $(DUTIES),--duties "$(DUTIES)")

.PHONY: settle bench-settlement

## make settle [PERIOD_END=YYYY-MM-DD]: run the weekly settlement by hand on the running local stack
settle: $(STAMP)
	AWS_ENDPOINT_URL=http://127.0.0.1:$(MOTO_PORT) AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
	AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 RESOURCE_PREFIX=portal-local- \
	SITE_URL=http://127.0.0.1:$(SITE_PORT) POWERTOOLS_LOG_LEVEL=WARNING \
	$(BIN)/python -m chalicelib.settlement run $(if $(PERIOD_END),--period-end $(PERIOD_END))

## make bench-settlement: a generated week (1,000 providers, 100,000 transactions) on its own local stack
bench-settlement: $(STAMP)
	$(BIN)/python bench/settlement.py

.PHONY: bench-imports

## make bench-imports: a 100,000-row roster imported through the pipeline (rows/s, worker peak memory)
bench-imports: $(STAMP)
	$(BIN)/python bench/imports.py

.PHONY: bench-appointments

## make bench-appointments: bookings per second through the API on its own local stack
bench-appointments: $(STAMP)
	$(BIN)/python bench/appointments.py

.PHONY: bench-cost

## make bench-cost: AWS requests per claim, appointment and settlement run, priced (one JSON line)
bench-cost: $(STAMP)
	$(BIN)/python bench/cost.py

.PHONY: load

## make load: Locust, headless, on the main journeys against its own local stack (~3 min)
load: $(STAMP)
	$(BIN)/python bench/load.py

.PHONY: fuzz

## make fuzz [FUZZ_EXAMPLES=100]: schemathesis on every operation, every role, every stray method, on its own local stack
fuzz: $(STAMP)
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest tests/e2e/test_api_fuzz.py -p no:cacheprovider -q

.PHONY: bench-timing

## make bench-timing: do reset, resend-activation and log-in answers take longer for an existing account? (medians, JSON)
bench-timing: $(STAMP)
	$(BIN)/python bench/account_timing.py

.PHONY: mutate

## make mutate: mutation testing (mutmut) of the pure rule modules against tests/unit only; per-module table
mutate: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children $${MUTATE_CHILDREN:-2} > /dev/null || true
	$(BIN)/python bench/mutation_report.py
