# Two commands on a fresh machine: `make run` and `make test`.
# Each creates .venv and installs what is missing; a second call installs nothing. Each also
# writes .venv/bin/roundtable, which runs bot.py with the venv's Python from any shell.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
CLI := $(VENV)/bin/roundtable

.PHONY: setup screenshots chromium faketime test-clocks soak run sync test typecheck seed-check lint lock format demo bench bench-quick bench-gateway bench-summaries bench-imports bench-exports bench-summaries-eval bench-questions bench-import-loop clean

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

# `.venv/bin/roundtable ARGS` = `bot.py ARGS` with the venv's Python: no activation needed, and
# it works from any folder (settings still come from .env in the folder it is run in).
$(CLI): bot.py | $(RUNTIME)
	printf '#!/bin/sh\nexec "%s" "%s" "$$@"\n' "$(abspath $(PY))" "$(abspath bot.py)" > $@
	chmod +x $@

setup: $(CLI)

# After editing requirements.txt or requirements-dev.txt: compile both locks again.
COMPILE := pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet pip-tools==7.6.2
	.venv-lock/bin/$(COMPILE) -o requirements.lock requirements.txt
	.venv-lock/bin/$(COMPILE) -o requirements-dev.lock requirements-dev.txt
	rm -rf .venv-lock

run: $(CLI)
	$(PY) bot.py run

sync: $(CLI)
	$(PY) bot.py sync

# The HTML export is tested in a real headless browser: Debian's chromium, installed here when
# missing (as root, e.g. on CI); otherwise the command to run is printed.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing chromium for the HTML export tests (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The HTML export tests need Chromium: sudo apt-get install chromium"; exit 1; \
	fi

# No test may depend on today's date. CI runs the suite again on shifted clocks (Debian's
# libfaketime, installed here when missing and root): 400 days on, and hours before Europe's
# clocks go forward. Left out there: tests that time threads' waits, which libfaketime's
# interception of timed waits distorts (they measure durations, not dates).
faketime:
	@command -v faketime >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing faketime for the shifted-clock runs (apt-get)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	else \
		echo "The shifted-clock runs need libfaketime: sudo apt-get install faketime"; exit 1; \
	fi

NOT_UNDER_FAKETIME := --ignore tests/cogs/test_watchdog.py \
	--deselect tests/reliability/test_hostile_imports.py::test_an_overrun_is_stopped_and_the_worker_replaced
# Offsets, not start times ("@…"), so that the bot processes the tests start share the clock.
DST_EVE := 2027-03-27 22:00:00 UTC
test-clocks: $(DEV) $(CLI) chromium faketime
	faketime -f "+400d" $(PY) -m pytest -q -p no:cacheprovider $(NOT_UNDER_FAKETIME)
	faketime -f "$$(printf %+d $$(( $$(date -d '$(DST_EVE)' +%s) - $$(date +%s) )))" \
		$(PY) -m pytest -q -p no:cacheprovider $(NOT_UNDER_FAKETIME)

test: $(DEV) $(CLI) chromium
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(PY) -m pytest
	$(PY) -m bench.run --quick  # the benchmarks still run (figures of a smoke run, not kept)

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

demo: $(CLI)
	$(PY) bot.py demo

# The README's picture (docs/images/), from the database `make demo` leaves in data/demo/.
screenshots: $(CLI) chromium
	$(PY) -m sandbox.screenshots

# The reliability suites with ten times the bursts and examples (minutes, not seconds).
soak: $(DEV) chromium
	SOAK=10 $(PY) -m pytest tests/reliability

# Benchmarks print figures and write them to bench/results/; they assert nothing.
# `make bench` runs every scenario of issue #15 (bench/run.py: latest.json and latest.md);
# the bench-* targets are the older, narrower benchmarks, each with its own results file.
bench: $(DEV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) -m bench.run

bench-quick: $(DEV)
	$(PY) -m bench.run --quick

bench-gateway: $(RUNTIME)
	$(PY) bench/gateway_dispatch.py

bench-summaries: $(RUNTIME)
	$(PY) -m pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	$(PY) bench/summaries.py

bench-imports: $(DEV)
	$(PY) bench/imports.py

bench-exports: $(RUNTIME)
	$(PY) bench/exports.py

bench-import-loop: $(DEV)
	$(PY) bench/import_loop.py

bench-summaries-eval: $(DEV)
	$(PY) bench/summaries_evaluation.py

bench-questions: $(DEV)
	$(PY) bench/questions.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
