.PHONY: install db-up redis-up run stop test lint compose-check migrate
PYTEST_ARGS ?=

install:
	scripts/install.sh

db-up: install
	scripts/db-up.sh

redis-up: install
	scripts/redis-up.sh

migrate: db-up
	.venv/bin/python manage.py migrate --database maintenance --noinput

run: db-up redis-up
	scripts/run.sh

stop:
	scripts/stop.sh

test: db-up redis-up
	scripts/test.sh $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports

compose-check: install
	$$(.venv/bin/python -c "import compose,os;print(os.path.join(os.path.dirname(compose.__file__),'docker-compose'))") \
	  -f docker-compose.yml config --quiet && echo "docker-compose.yml is valid"
