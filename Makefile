# iccwc-notebooks: the project's verbs. `make help` lists them.
PYTHON ?= python3
PIP := $(PYTHON) -m pip install --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help install install-test run rebuild test lab status

help:  ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install:  ## install the package and the notebook stack (pip, editable)
	$(PIP) -e .

install-test:  ## install with the test tools (pytest, nbval, playwright)
	$(PIP) -e ".[test]"

run: install  ## install, rebuild data/processed from data/raw, execute the notebooks, render HTML
	$(PYTHON) -m iccwc rebuild

rebuild:  ## rebuild data/processed from data/raw only (validated; nothing written on error)
	$(PYTHON) -m iccwc rebuild

status:  ## which data version is in data/processed
	$(PYTHON) -m iccwc status

test: install-test  ## install everything and run all tests (unit, notebooks with nbval, browser)
	$(PYTHON) -m pytest

lab: install  ## open JupyterLab on 127.0.0.1 with token authentication
	$(PYTHON) -m jupyterlab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks
