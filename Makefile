# The whole ritual: `make run` builds Lifeline and serves it on embedded
# defaults (http://localhost:8080), `make test` runs every test.
GO ?= go

.PHONY: run build test bench fuzz lint
run: build
	./bin/lifeline serve

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
