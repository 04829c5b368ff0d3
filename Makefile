# Set-up and everyday commands. `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CIBWATCH := $(VENV)/bin/cibwatch
DEMO := demo-workspace

.PHONY: demo test lint format bench install clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[spark,web]' --group dev
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) -m cibwatch.demo $(DEMO)

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy src/cibwatch

format: install
	$(VENV)/bin/ruff format src tests bench
	$(VENV)/bin/ruff check --fix src tests bench

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache
