# VendorPilot. Two commands matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Reproducible installs: exact versions with hashes, from pyproject.toml (+ requirements.in)
# by `make lock`. requirements.lock is what `make run` needs, requirements-dev.lock adds the
# test tools.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet

.PHONY: run test lint format messages bench load lock migrate clean screenshots

# uv installs the locked set several times faster than pip; pip takes over if uv cannot be
# installed or fails (an offline mirror, an unsupported platform).
$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	-$(PY) -m pip install --quiet uv

define install_lock
	$(UV) pip install --quiet --python $(PY) --require-hashes -r $(1) \
		|| { echo "uv unavailable or failed: installing $(1) with pip"; \
		     $(PY) -m pip install --quiet --require-hashes -r $(1); }
endef

$(STAMP): $(LOCK) | $(PY)
	$(call install_lock,$(LOCK))
	touch $@

$(DEV_STAMP): $(DEV_LOCK) | $(PY)
	$(call install_lock,$(DEV_LOCK))
	touch $@ $(STAMP)

## Re-resolve the lock files after a change to pyproject.toml or requirements.in (keeps the
## current pins where they still fit; `rm requirements*.lock` first to upgrade everything).
lock: | $(PY)
	@test -x $(UV) || $(PY) -m pip install --quiet uv
	$(UV) pip compile pyproject.toml requirements.in $(LOCK_FLAGS) -o $(LOCK)
	$(UV) pip compile pyproject.toml requirements.in --extra dev $(LOCK_FLAGS) -o $(DEV_LOCK)

## Run web, Celery worker and Celery beat together (Ctrl-C stops all three).
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore '.venv/*' -v 0; else echo 'gettext not installed: using the committed .mo files'; fi
	@mkdir -p var
	$(PY) manage.py seed_demo > var/seed-demo.txt
	@# What the demo holds now; its sign-ins are printed last, once the web server answers.
	@sed '/Demo sign-ins/,$$d' var/seed-demo.txt
	@sed -n '/Demo sign-ins/,$$p' var/seed-demo.txt > var/demo-sign-ins.txt
	bin/run-all

## Lint and run the whole test suite (set DATABASE_URL for PostgreSQL).
test: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	@if command -v msgfmt >/dev/null; then DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py compilemessages --ignore '.venv/*' -v 0; fi
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v 0
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Extract translatable strings into every catalogue (project and apps).
messages: $(DEV_STAMP)
	$(PY) manage.py makemessages -l nl --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l nl --ignore '.venv/*' --ignore 'var/*' --ignore 'static/*' --no-obsolete || true

## Benchmarks against PostgreSQL (see benchmarks/README.md), e.g.
## make bench BENCH_ARGS='--scales 1,10'   make load LOAD_ARGS='--think-ms 0 --seconds 30'
bench: $(DEV_STAMP)
	$(PY) -m benchmarks.run $(BENCH_ARGS)

load: $(DEV_STAMP)
	$(PY) -m benchmarks.load $(LOAD_ARGS)

migrate: $(STAMP)
	$(PY) manage.py migrate

clean:
	rm -rf var/celery var/*.sqlite3* var/celerybeat-schedule* var/staticfiles var/mail var/seed-demo.txt var/demo-sign-ins.txt

## Retake the README's screenshots (docs/screenshots/*.png) in Debian's Chromium.
screenshots: $(DEV_STAMP)
	VP_SCREENSHOTS=1 $(VENV)/bin/pytest docs/screenshots.py -p no:cacheprovider -q
