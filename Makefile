# The project's commands. `make run` serves the app on http://127.0.0.1:8000; `make test` is CI.

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
# Touched after a successful install: pip runs again only when pyproject.toml is newer.
STAMP := $(VENV)/.installed
# Extra pytest arguments for both runs, e.g. `make test PYTEST_ARGS="-x tests/test_x.py"`.
PYTEST_ARGS ?=

.PHONY: run test lint bench clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: python3.11 (or python3) is not on PATH" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: export DJANGO_DEBUG := true
run: export STUDYAPP_LOCAL_MODE := true
run: $(STAMP)
	$(BIN)/python manage.py migrate
# A broken note is reported (path:line) and skipped; the app still starts with the last good
# version of it, hence the leading '-'.
	-$(BIN)/python manage.py import_notes
	$(BIN)/python manage.py ensure_local_learner
# watch_notes re-imports each note saved in content/ (docs/authoring.md); the trap stops it
# whenever runserver ends, by Ctrl-C or by failing.
	$(BIN)/python manage.py watch_notes & watcher=$$!; \
	trap 'kill $$watcher 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Lint, then the whole suite on SQLite, then again on a throwaway PostgreSQL cluster.
# Every part runs even if an earlier one failed; the summary says which failed.
# pytest's exit 5 ("no tests collected") is a failure like any other non-zero exit.
test: $(STAMP)
	@ruff=passed; sqlite=passed; postgres=passed; \
	echo "==> ruff check ."; \
	$(BIN)/ruff check . || ruff=FAILED; \
	echo; echo "==> pytest on SQLite (a file database in a temporary folder)"; \
	env -u DATABASE_URL STUDYAPP_EXPECT_DB=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS); \
	rc=$$?; [ $$rc -eq 0 ] || sqlite="FAILED (pytest exit $$rc$$([ $$rc -eq 5 ] && echo ': no tests ran'))"; \
	echo; echo "==> pytest on PostgreSQL (a throwaway cluster, see tests/pgcluster.py)"; \
	$(BIN)/python -m tests.run_on_postgres $(PYTEST_ARGS); \
	rc=$$?; [ $$rc -eq 0 ] || postgres="FAILED (exit $$rc$$([ $$rc -eq 5 ] && echo ': no tests ran'))"; \
	echo; echo "==> make test summary"; \
	printf '    %-22s %s\n' "ruff check:" "$$ruff" "pytest on SQLite:" "$$sqlite" \
		"pytest on PostgreSQL:" "$$postgres"; \
	[ "$$ruff$$sqlite$$postgres" = passedpassedpassed ]

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmark (docs/performance.md), about 10 minutes; writes bench/results.json. Options go
# through BENCH_ARGS, e.g. `make bench BENCH_ARGS=--postgres` or `BENCH_ARGS=--quick`.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Keeps db.sqlite3: it holds the learner's progress, and nothing rebuilds that.
clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles bench/work *.egg-info
	find . -name __pycache__ -type d -prune -not -path './.git/*' -exec rm -rf {} +
