# Common Ground: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: demo test install serve lint format check lock clean-data screenshots bench audit

# The virtual environment is rebuilt whenever the pinned requirements change.
$(BIN)/.installed: requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(BIN)/.installed

demo: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@echo "Serving the demo at http://127.0.0.1:$(PORT) (stop with Ctrl+C)"
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# Two workers (pytest-xdist), each with its own test database, browser and live server.
test: install
	$(BIN)/pytest --numprocesses 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml templates

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

# Security: bandit over our code, pip-audit of the pinned requirements (see .ci/audit).
audit: install
	bash .ci/audit

# Re-resolve the pinned set from pyproject.toml (see README, "Upgrading dependencies").
lock: install
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --quiet --no-header \
		--output-file requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --quiet --no-header \
		--output-file requirements/dev.txt

clean-data:
	rm -rf data

# The benchmark on a generated organisation: PostgreSQL when DATABASE_URL is set, else a SQLite
# file of its own; Redis when one answers on loopback. BENCH_ARGS=--quick for a tenth of it.
BENCH_SCALE = $(if $(findstring --quick,$(BENCH_ARGS)),quick,large)
bench: install
	@command -v wrk >/dev/null || { echo "wrk is missing: sudo apt-get install wrk"; exit 1; }
	DJANGO_SETTINGS_MODULE=commonground.settings.bench \
	DATABASE_URL="$${DATABASE_URL:-sqlite:///$(CURDIR)/data/bench-$(BENCH_SCALE).sqlite3}" \
	REDIS_URL="$${REDIS_URL:-$$(redis-cli ping >/dev/null 2>&1 && echo redis://127.0.0.1:6379/5)}" \
	$(MANAGE) bench $(BENCH_ARGS)
