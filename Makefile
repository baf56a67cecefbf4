# VendorPilot. Two commands matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint format messages bench load migrate clean screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP)

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

## Benchmarks against PostgreSQL (see benchmarks/README.md).
bench: $(DEV_STAMP)
	$(PY) -m benchmarks.run

load: $(DEV_STAMP)
	$(PY) -m benchmarks.load

migrate: $(STAMP)
	$(PY) manage.py migrate

clean:
	rm -rf var/celery var/*.sqlite3* var/celerybeat-schedule* var/staticfiles var/mail var/seed-demo.txt var/demo-sign-ins.txt

## Retake the README's screenshots (docs/screenshots/*.png) in Debian's Chromium.
screenshots: $(DEV_STAMP)
	VP_SCREENSHOTS=1 $(VENV)/bin/pytest docs/screenshots.py -p no:cacheprovider -q
