# The README's commands. Each builds its own virtual environment from pyproject.toml (pinned by constraints.txt),
# so a dependency missing there fails here exactly as it would for a user.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test lab bench lint clean-venv

# install the project (no test extras) and run the main job on the bundled demo corpus
demo: $(VENV)/.installed
	$(BIN)/wijkanalyse run --corpus corpora/demo

# install the project with its test extras and run every test (unit tests, notebooks with nbval, browser checks)
test: $(VENV)/.installed-test
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m pytest -p no:cacheprovider tests notebooks --nbval-lax --durations=15

# start JupyterLab with the project's kernel
lab: $(VENV)/.installed-test
	$(BIN)/jupyter lab --notebook-dir=notebooks

# benchmarks (not part of the tests); results go to benchmarks/results/
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run_all.py

# the same checks run inside `make test` (tests/test_architecture.py); this target only runs them alone
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (wijkanalyse)" >/dev/null
	touch $@

$(VENV)/.installed-test: $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install --quiet -c constraints.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (wijkanalyse)" >/dev/null
	touch $(VENV)/.installed
	touch $@

clean-venv:
	rm -rf $(VENV)
