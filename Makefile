# The whole ritual: `make run` builds Lifeline and serves it on embedded
# defaults (http://localhost:8080), `make test` runs every test.
GO ?= go

.PHONY: run build test bench fuzz lint
# ADDR is where `make run` listens: make run ADDR=0.0.0.0:9090
ADDR ?= localhost:8080

run: build
	./bin/lifeline serve --addr $(ADDR)

build:
	$(GO) build -o bin/lifeline ./cmd/lifeline

test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 20m ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./...

# staticcheck: go install honnef.co/go/tools/cmd/staticcheck@latest
# (.ci/run installs it).
STATICCHECK ?= $(shell command -v staticcheck || echo $$($(GO) env GOPATH)/bin/staticcheck)

lint:
	gofmt -l . | (! grep .)
	$(GO) vet ./...
	$(STATICCHECK) ./...

# Impact engine against its Python reference: prints the speed ratio per sample.
.PHONY: bench-impact
bench-impact:
	bash bench/impact.sh
