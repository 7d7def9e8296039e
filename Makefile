# Hafnium — the two commands a new machine needs are `make run` and
# `make test`; everything else is for developers. Each target installs what
# is missing first (scripts/setup is idempotent and quick when all is there).

SHELL := /bin/bash
JOBS ?= $(shell nproc)
DATA_DIR ?= ./var
LISTEN ?= 127.0.0.1:8080

.PHONY: all setup build release run test test-unit test-integration test-slow bench fuzz clean bench-monitoring

all: build

setup:
	@bash scripts/setup

build: setup
	@cmake --preset dev >/dev/null
	@cmake --build --preset dev -j $(JOBS)

release: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target hafnium

# Builds the optimised binary and starts every target on the embedded
# profile (SQLite in $(DATA_DIR)). The first start prints the admin API key.
run: release
	@mkdir -p $(DATA_DIR)
	@./build/release/hafnium serve --data-dir $(DATA_DIR) --listen $(LISTEN)

# The fast tier: unit and integration tests under ASan/UBSan, against SQLite
# and a throwaway PostgreSQL 15 server that scripts/run-tests starts.
test: build
	@bash scripts/run-tests

test-unit: build
	@bash scripts/run-tests -L unit

test-integration: build
	@bash scripts/run-tests -L integration

# Slow suites: the 60-second fuzz run.
test-slow: fuzz

bench: setup
	@bash bench/run-http-bench

# Monitoring: the engine micro-benchmarks, the detection evaluation, and
# five minutes of batches over HTTP end to end.
bench-monitoring: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS) --target hafnium_benchmarks monitoring_eval
	@./build/release/hafnium_benchmarks --benchmark_filter='Engine|Validate|Windows'
	@./build/release/monitoring_eval
	@bash bench/run-monitoring-bench 300

fuzz: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzzers
	@bash fuzz/run-fuzzers 60

clean:
	@rm -rf build
