# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs what is missing; a second call installs nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run sync test lint format demo bench bench-gateway bench-summaries clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(RUNTIME) $@

run: $(RUNTIME)
	$(PY) bot.py run

sync: $(RUNTIME)
	$(PY) bot.py sync

test: $(DEV)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lint: $(DEV)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(DEV)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

demo: $(RUNTIME)
	$(PY) bot.py demo

# Benchmarks print figures and append them to bench/results/; they assert nothing.
bench: bench-gateway bench-summaries

bench-gateway: $(RUNTIME)
	$(PY) bench/gateway_dispatch.py

bench-summaries: $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) bench/summaries.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
