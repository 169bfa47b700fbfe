# Developer shortcuts; the README's two commands are scripts/run-dev and scripts/test.
.DEFAULT_GOAL := help
PY := .venv/bin

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

run: ## Run the portal on the embedded default (SQLite, demo data)
	./scripts/run-dev

test: ## Install what tests need and run ruff, mypy and all tests
	./scripts/test

lint: ## ruff and mypy only
	$(PY)/ruff check portal tests bench
	$(PY)/mypy

forms-check: ## Load and cross-check every service definition
	PORTAL_ENV=development $(PY)/flask --app portal forms check

forms-schema: ## Write the JSON Schema of the service definition format
	PORTAL_ENV=development $(PY)/flask --app portal forms schema forms/service-definition.schema.json

i18n: ## Extract texts and update the English catalogue (then translate the empty entries)
	$(PY)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext --no-location --sort-output -o portal/translations/messages.pot .
	$(PY)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	$(PY)/pybabel compile -d portal/translations

bench: ## Run the benchmarks in bench/
	for b in bench/bench_*.py; do $(PY)/python $$b; done

.PHONY: help run test lint forms-check forms-schema i18n bench
