# Lahir developer commands. `make test` is what CI runs (.ci/run); it sets up everything it needs.
SHELL := /bin/bash
.DEFAULT_GOAL := test

VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# the first interpreter on PATH that is Python 3.11 or newer
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
  $$p -c "import sys; sys.exit(sys.version_info < (3, 11))" 2>/dev/null && { echo $$p; break; }; done)

.PHONY: venv system-deps kafka test test-fast demo bench clean distclean

venv: $(STAMP)

# reinstalls only when pyproject.toml is newer than the stamp (or the venv is gone)
$(STAMP): pyproject.toml
	@test -x $(PY) || { test -n "$(PYTHON)" || { echo "make: need python3 >= 3.11" >&2; exit 1; }; \
	  $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

system-deps:
	@pipeline/infra/install-system-deps.sh

kafka: venv
	@$(PY) -m pipeline.infra.launcher fetch >/dev/null

test: system-deps venv kafka
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

test-fast: venv
	$(VENV)/bin/pytest tests/unit

demo: system-deps venv kafka
	$(VENV)/bin/lahir demo

# the one benchmark harness (pipeline/bench): var/bench/report.{json,md}, latency.png;
# e.g. `make bench BENCH_ARGS="--quick --only latency --database postgres"`
bench: system-deps venv kafka
	$(VENV)/bin/lahir bench $(BENCH_ARGS)

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache build *.egg-info

# also the virtualenv and var/ (Kafka jars, local databases and logs)
distclean: clean
	rm -rf $(VENV) var
