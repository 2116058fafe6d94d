# Pilote CTG — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run run-prod test install install-dev migrate demo quality lint format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

# A development .env (never committed): DEBUG=1 and a random SECRET_KEY, read by config/settings.py,
# so that every `python manage.py …` of the README works from the checkout. Kept if it exists.
.env:
	@printf '# Développement local, écrit par « make run » (voir .env.example pour la production).\nDEBUG=1\nSECRET_KEY=%s\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Fichier .env de développement créé (DEBUG=1, clé secrète aléatoire)."
install-dev: $(VENV)/.installed-dev

migrate: install .env
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py createcachetable

demo: migrate
	DEBUG=1 $(BIN)/python manage.py load_territories
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py generate_demo_activity

run: demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

# Production: settings checked (SECRET_KEY, DATABASE_URL on PostgreSQL, ALLOWED_HOSTS…), migrate,
# collectstatic, then gunicorn (gunicorn.conf.py). See docs/deployment.md.
run-prod: install
	$(BIN)/python bin/run_prod.py

lint: install-dev
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

quality: lint
	$(BIN)/lint-imports --no-cache
	$(BIN)/djlint --lint pilote/
	PILOTE_ALLOW_INSECURE_KEY=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH ALLOWED_HOSTS=pilote.example.fr \
		PRIVACY_CONTROLLER="Caf de démonstration" PRIVACY_CONTACT=dpd@example.fr \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Two workers or more (pytest-xdist), each with its own test database.
PYTEST_WORKERS ?= auto
test: install-dev quality
	$(BIN)/pytest -q -n $(PYTEST_WORKERS)

bench: install-dev
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles
