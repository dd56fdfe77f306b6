# iccwc-notebooks: the project's verbs. `make help` lists them.
PYTHON ?= python3
PIP := $(PYTHON) -m pip install --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help install install-test run rebuild test lab app status vendor bench

help:  ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

install:  ## install the package and the notebook stack (pip, editable)
	$(PIP) -e .

install-test:  ## install with the test tools (pytest, nbval, playwright)
	$(PIP) -e ".[test]"

run: install  ## install, validate + rebuild data, execute the notebooks, render HTML to reports/ (REGION=Asia for one region)
	$(PYTHON) -m iccwc run $(if $(REGION),--region "$(REGION)")

rebuild:  ## rebuild data/processed from data/raw only (validated; nothing written on error)
	$(PYTHON) -m iccwc rebuild

status:  ## which data version is in data/processed
	$(PYTHON) -m iccwc status

test: install-test  ## install everything and run all tests (unit, notebooks with nbval, browser)
	$(PYTHON) -m pytest

lab: install  ## open JupyterLab on 127.0.0.1 with token authentication
	$(PYTHON) -m iccwc lab

app: install  ## serve the notebooks as live apps with Voila on 127.0.0.1 (token)
	$(PYTHON) -m iccwc app

vendor:  ## fetch the CDN scripts the rendered HTML loads into .vendor/ (npm pack; for the browser tests)
	$(PYTHON) scripts/vendor_js.py

bench: install-test  ## benchmark: full run vs the kernel floor, no-op rerun, test suite, HTML sizes
	$(PYTHON) scripts/bench.py
