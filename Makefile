# One entry point for every check.  `make test` installs what it needs first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export PATH := $(CURDIR)/.tools/bin:$(CURDIR)/$(BIN):$(PATH)

.PHONY: help bootstrap demo lint typecheck unit test bench lock clean

help:
	@echo "make demo       anonymize the bundled example dump (no server needed)"
	@echo "make test       bootstrap, then lint, type-check and run the whole test suite"
	@echo "make lint       ruff check + ruff format --check"
	@echo "make typecheck  mypy --strict on dataops/"
	@echo "make bench      run the benchmarks under bench/"
	@echo "make lock       re-resolve requirements.lock from pyproject.toml"

bootstrap:
	scripts/bootstrap all

demo:
	@scripts/bootstrap python
	$(BIN)/dataops anonymize --config examples/anonymize/rules.yaml examples/anonymize/shop.sql -o examples/anonymize/shop.anon.sql --report examples/anonymize/report.json
	@echo "wrote examples/anonymize/shop.anon.sql"

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest tests/unit -q

test: bootstrap lint typecheck
	$(BIN)/pytest -q

bench:
	$(BIN)/python bench/anonymize_bench.py

lock:
	$(BIN)/uv pip compile -q pyproject.toml --extra test --extra sentry --python-version 3.11 -o requirements.lock

clean:
	rm -rf .tools build *.egg-info .mypy_cache .ruff_cache .pytest_cache
