# The template's own checks. `make test` is all CI runs (see .ci/run).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: test lint clean

test: $(STAMP)
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/python -m ruff check --no-cache .
	$(VENV)/bin/python -m ruff format --check --no-cache .

# Reinstalled whenever requirements-dev.txt or requirements-nodeps.txt changes.
$(STAMP): requirements-dev.txt requirements-nodeps.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements-dev.txt)"
	$(VENV)/bin/python -m uv pip install --quiet --python $(VENV)/bin/python -r requirements-dev.txt
	$(VENV)/bin/python -m uv pip install --quiet --python $(VENV)/bin/python --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
