# The project's commands. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
ARGS ?=

.PHONY: setup run etl test lint bench services clean northwind-db demo-online-retail demo-crm demo-olist \
	demo-northwind demo-twitter

$(RUNTIME): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(RUNTIME)  ## create .venv and install the pinned requirements

run: $(RUNTIME)  ## load the demo into data/warehouse.db when it is empty, create admin when no user exists, start the app
	$(BIN)/python -m etl run --source demo --if-empty
	$(BIN)/python -m access ensure-admin
	$(BIN)/streamlit run dashboard/server.py

etl: $(RUNTIME)  ## run the ETL: make etl ARGS="--source demo --scale 2"
	$(BIN)/python -m etl run $(ARGS)

test: $(DEV) services  ## the whole test suite
	$(BIN)/python -m pytest -n auto

lint: $(DEV)  ## ruff
	$(BIN)/ruff check .

bench: $(DEV) services  ## benchmarks, written to docs/benchmarks.md
	$(BIN)/python -m benchmarks

services:  ## what the tests need: Chromium for browser tests, the local PostgreSQL and MariaDB servers
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) \
		|| echo "Chromium could not be installed: the browser tests will skip outside CI."
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
		(pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start && sleep 2) 2>/dev/null \
		|| echo "PostgreSQL is not running on 127.0.0.1:5432: the PostgreSQL tests will skip outside CI."
	@mysqladmin -h 127.0.0.1 -u root ping >/dev/null 2>&1 || (/etc/init.d/mariadb start && sleep 2) >/dev/null 2>&1 \
		|| echo "MariaDB is not running on 127.0.0.1:3306: the MySQL example test will skip outside CI."

clean:  ## remove the virtualenv and the local warehouse
	rm -rf $(VENV) data/warehouse.db data/warehouse.db-wal data/warehouse.db-shm

NORTHWIND_SQL ?= ../shared/datasets/northwind/northwind_postgres.sql
northwind-db:  ## load the Northwind SQL dump into the PostgreSQL database "northwind" (read by its source config)
	psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS northwind" -c "CREATE DATABASE northwind"
	psql -q -h 127.0.0.1 -U postgres -d northwind -f $(NORTHWIND_SQL) >/dev/null

DATASETS ?= ../shared/datasets
# Load one public dataset into its own warehouse, data/<dataset>.db, then open the app on it.
define dataset_app
	$(BIN)/python -m etl run --db sqlite:///data/$(1).db --source etl/sources/$(1).yaml --accept-rejects $(2)
	$(BIN)/python -m access ensure-admin --db sqlite:///data/$(1).db
	DATABASE_URL=sqlite:///data/$(1).db $(BIN)/streamlit run dashboard/server.py
endef

demo-online-retail: $(RUNTIME)  ## the app on Online Retail (UCI), 541,909 real invoice lines
	$(call dataset_app,online_retail,--data-dir $(DATASETS)/online_retail)

demo-crm: $(RUNTIME)  ## the app on the CRM sales opportunities sample
	$(call dataset_app,crm_sales_opportunities,--data-dir $(DATASETS)/crm_sales_opportunities)

demo-olist: $(RUNTIME)  ## the app on the Olist marketing funnel
	$(call dataset_app,olist,--data-dir $(DATASETS)/olist)

demo-northwind: $(RUNTIME) northwind-db  ## the app on Northwind, read from its SQL dump in PostgreSQL
	$(call dataset_app,northwind,)

demo-twitter: $(RUNTIME)  ## the app on Twitter US Airline Sentiment, 14,640 tweets (Social CRM, Geography)
	$(call dataset_app,twitter_airline_sentiment,--data-dir $(DATASETS)/twitter_airline_sentiment)
