# From a fresh clone with Python >= 3.11, make and git:
#   make run     the whole platform on this machine (supervision up; Ctrl-C stops it)
#   make test    the test suite
#   make bench   the benchmarks (python -m bench; BENCH=name picks one)
#   make clean   remove the virtualenv and caches (keeps .data; `make clean-data` drops it)
# Extra arguments: make run ARGS="--no-demo"   make test ARGS="tests/test_compose.py -x"

SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PY := $(VENV)/bin/python
# Reinstall only when pyproject.toml is newer than this stamp.
STAMP := $(VENV)/.installed

# Tests drive the system's Chromium (/usr/bin/chromium); never download browsers.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# The first interpreter on PATH that really runs and is >= 3.11 (pyenv shims may exist for
# versions that are not installed, so each candidate is executed, not just looked up).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then \
		echo $$p; break; fi; done)

.PHONY: run test bench clean clean-data venv

venv: $(STAMP)

$(PY):
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: need Python 3.11 or newer on PATH (tried python3.11, python3.12, python3.13, python3)" >&2; exit 1; fi
	@echo "creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install -e '.[test]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/supervision up $(ARGS)

test: $(STAMP)
	$(PY) -m tests.browser
	$(PY) -m pytest $(ARGS)

bench: $(STAMP)
	$(PY) -m bench $(BENCH) $(ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

clean-data:
	rm -rf .data
