# The two doors: `make run` (the whole app on its embedded defaults) and `make test`.
# Everything lands in .venv/ and var/; nothing is installed system-wide.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check --quiet
CONSTRAINTS := requirements/constraints.txt
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench install install-dev messages lock clean

help:
	@echo "make run     start the app (SQLite, private Redis, Celery worker and beat, web) on http://127.0.0.1:8000/"
	@echo "make test    run the whole test suite (browser tests need /usr/bin/chromium)"
	@echo "make lint    ruff, djLint, missing migrations, Django system checks"
	@echo "make bench   run the benchmarks under bench/"
	@echo "make messages  extract and compile translations (extraction needs GNU gettext)"
	@echo "make lock    re-pin $(CONSTRAINTS) from the ranges in pyproject.toml"

# ------------------------------------------------------------------ environment
$(VENV)/.base: pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -c $(CONSTRAINTS) -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.base
	$(PIP) install -c $(CONSTRAINTS) -e ".[dev]"
	@touch $@

install: $(VENV)/.base
install-dev: $(VENV)/.dev

# Compiled catalogues are build output (not committed); polib compiles them without gettext.
%.mo: %.po $(VENV)/.base
	$(PY) manage.py compile_catalogs

# ------------------------------------------------------------------ the two doors
run: $(VENV)/.base $(MO_FILES)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py serve

test: $(VENV)/.dev $(MO_FILES)
	$(PY) -m pytest

# ------------------------------------------------------------------ quality
lint: $(VENV)/.dev $(MO_FILES)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m djlint templates --lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check
	@# The production settings as a deployment would have them (a random key, a public host name).
	DJANGO_SETTINGS_MODULE=cecopam.settings.production DJANGO_ALLOWED_HOSTS=cecopam.example.org \
	DJANGO_SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
		$(PY) manage.py check --deploy --fail-level WARNING

format: $(VENV)/.dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .
	$(PY) -m djlint templates --reformat

bench: $(VENV)/.dev $(MO_FILES)
	@# bench/load.py drives a real server with wrk: say so before the other scripts' minutes.
	@command -v wrk >/dev/null || { echo "make bench: bench/load.py needs wrk, the HTTP load generator: install wrk: apt-get install wrk" >&2; exit 1; }
	@for script in bench/[!_]*.py; do $(PY) $$script || exit 1; done

# ------------------------------------------------------------------ maintenance
messages: $(VENV)/.dev
	$(PY) manage.py makemessages --locale es --locale en --no-obsolete --no-location \
		--ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compile_catalogs

lock:
	rm -rf /tmp/cecopam-lock && $(PYTHON) -m venv /tmp/cecopam-lock
	/tmp/cecopam-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/cecopam-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > $(CONSTRAINTS)
	rm -rf /tmp/cecopam-lock

clean:
	rm -rf $(VENV) var
