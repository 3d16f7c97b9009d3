# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs what is missing; a second call installs nothing.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: run sync test typecheck seed-check lint lock format demo bench bench-gateway bench-summaries bench-imports clean

$(PY):
	$(PYTHON) -m venv $(VENV)

PIP := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps

# The lock files pin the whole dependency tree with hashes; requirements*.txt are their inputs.
$(RUNTIME): requirements.lock | $(PY)
	$(PIP) -r requirements.lock
	touch $@

$(DEV): requirements-dev.lock | $(PY)
	$(PIP) -r requirements-dev.lock
	touch $(RUNTIME) $@

# After editing requirements.txt or requirements-dev.txt: compile both locks again.
COMPILE := pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools==7.6.2
	.venv-lock/bin/$(COMPILE) -o requirements.lock requirements.txt
	.venv-lock/bin/$(COMPILE) -o requirements-dev.lock requirements-dev.txt
	rm -rf .venv-lock

run: $(RUNTIME)
	$(PY) bot.py run

sync: $(RUNTIME)
	$(PY) bot.py sync

test: $(DEV)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest

typecheck: $(DEV)
	$(PY) -m mypy

# The first reading text lives outside the repository (../shared/seeds/); .ci/run runs this when
# it is there. The tests themselves use an op-ed written for them (tests/fixtures/op_ed.txt).
SEED ?= ../shared/seeds/000_fa043505587b87a6.txt
seed-check: $(RUNTIME)
	$(PY) bot.py pack check $(SEED) > /dev/null
	$(PY) -m tests.seed_check $(SEED)

lint: $(DEV)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(DEV)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

demo: $(RUNTIME)
	$(PY) bot.py demo

# Benchmarks print figures and append them to bench/results/; they assert nothing.
bench: bench-gateway bench-summaries bench-imports

bench-gateway: $(RUNTIME)
	$(PY) bench/gateway_dispatch.py

bench-summaries: $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) bench/summaries.py

bench-imports: $(DEV)
	$(PY) bench/imports.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
