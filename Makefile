# TradeShield: `make run` to try it, `make test` to check it. Works from a clean clone with only
# python3 (3.11, with venv) and node/npm installed; everything else is installed here, into the repo.

SHELL       := bash
.SHELLFLAGS := -o pipefail -c

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

HOST    ?= 127.0.0.1
PORT    ?= 8000
WORKERS ?= 2

.PHONY: install run test lint clean distclean chromium

install: $(VENV)/.installed node_modules/.installed chromium

$(BIN)/python:
	@echo "==> creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project's dependencies may have changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	@echo "==> installing Python packages (pip install -e '.[dev]')"
	@# pip warns about optional local package mirrors that are not there: harmless, so hidden.
	$(PIP) install -q -e '.[dev]' 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

# Browser assets (bootstrap, bootstrap-icons, htmx, chart.js) are served from node_modules/.
node_modules/.installed: package-lock.json package.json
	@echo "==> installing browser assets (npm ci)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests drive Debian's chromium; without it the test suite skips them.
chromium:
	@if [ -x /usr/bin/chromium ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "==> installing chromium (apt-get) for browser tests"; \
		if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
			>/tmp/tradeshield-apt-chromium.log 2>&1; then :; else \
			echo "note: could not install chromium (see /tmp/tradeshield-apt-chromium.log); browser tests will be skipped"; \
		fi; \
	else \
		echo "note: /usr/bin/chromium not found and cannot apt-get it here; browser tests will be skipped"; \
	fi

# Local, plain HTTP: cookies may not be HTTPS-only here (production keeps the secure default).
run: install
	$(BIN)/tradeshield migrate
	$(BIN)/tradeshield seed-demo --if-empty
	TRADESHIELD_SECURE_COOKIES=$${TRADESHIELD_SECURE_COOKIES:-0} \
		$(BIN)/tradeshield serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# Full suite; options come from pyproject.toml. Set DATABASE_URL to test against an external server.
test: install
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# Runs every checker, then fails if any did.
lint: install
	@status=0; \
	echo "==> ruff";         $(BIN)/ruff check src tests && $(BIN)/ruff format --check src tests || status=1; \
	echo "==> mypy";         DATABASE_URL=$${DATABASE_URL:-postgresql://lint@localhost/lint} $(BIN)/mypy src || status=1; \
	echo "==> import-linter"; $(BIN)/lint-imports       || status=1; \
	exit $$status

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache .hypothesis var/static
	find src tests -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
	find src -name '*.egg-info' -type d -prune -exec rm -rf {} + 2>/dev/null || true

# Also removes installed tools and the embedded database's data (var/).
distclean: clean
	rm -rf $(VENV) node_modules var

# Benchmarks against PostgreSQL (not part of `make test`): pgbench, the ledger, HTTP life cycles and the
# protections sweep, in a database of their own (BENCH_DB_NAME, default tradeshield_bench) on the server
# of DATABASE_URL, or on the embedded one. BENCH_* variables: see README "Benchmarks".
.PHONY: bench

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	@echo "==> installing Python packages for benchmarks (pip install -e '.[dev,bench]')"
	$(PIP) install -q -e '.[dev,bench]' 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
	@touch $@

bench: $(VENV)/.installed $(VENV)/.installed-bench
	$(BIN)/python -m bench
