# iccwc-notebooks: the project's verbs. `make help` lists them.
#
# `make` installs into the project's own virtual environment, .venv/ (created on first use with
# `python3 -m venv`, or `uv venv` when uv is on PATH), so it works where the only Python is the
# system's (Debian 12, Ubuntu 24.04: PEP 668 forbids pip installs there). To use an environment
# you manage yourself (conda, see environment.yml), pass its interpreter: `make test PYTHON=python`.
VENV    ?= .venv
BOOT    ?= python3
ifeq ($(OS),Windows_NT)
VENV_PY := $(VENV)/Scripts/python.exe
else
VENV_PY := $(VENV)/bin/python
endif
PYTHON  ?= $(VENV_PY)
UV      := $(shell command -v uv 2>/dev/null)
# Install stamps: make reinstalls only when pyproject.toml changes. With your own PYTHON they
# live in .make/ (git-ignored) instead of inside the venv.
ifeq ($(PYTHON),$(VENV_PY))
STAMP   := $(VENV)/.installed
else
STAMP   := .make/installed-$(subst /,_,$(PYTHON))
endif

.DEFAULT_GOAL := help
.PHONY: help install install-test run update rebuild test test-fast lint status lab app vendor bench clean-venv

help:  ## list the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# ---------------------------------------------------------------- environment
# The venv is made only when PYTHON is the venv's own interpreter (the default).
$(VENV_PY):
	@if [ "$(PYTHON)" = "$(VENV_PY)" ]; then \
	  echo "make: creating the project's virtual environment in $(VENV)/ (with $(if $(UV),uv,$(BOOT) -m venv))"; \
	  if [ -n "$(UV)" ]; then $(UV) venv -q --seed $(VENV); \
	  else $(BOOT) -m venv $(VENV) || { \
	    echo "make: '$(BOOT) -m venv' failed. On Debian/Ubuntu: sudo apt-get install python3-venv (or: pip install uv)."; exit 1; }; fi; \
	fi

$(STAMP)-base: pyproject.toml | $(VENV_PY)
	@echo "make: installing the package and the notebook stack into $(if $(filter $(VENV_PY),$(PYTHON)),$(VENV)/,$(PYTHON)'s environment)"
	@$(PYTHON) -m pip install --disable-pip-version-check -q -e .
	@mkdir -p $(dir $@) && touch $@

$(STAMP)-test: pyproject.toml | $(VENV_PY)
	@echo "make: installing the package with its test tools (pytest, pytest-xdist, nbval, playwright, import-linter)"
	@$(PYTHON) -m pip install --disable-pip-version-check -q -e ".[test]"
	@mkdir -p $(dir $@) && touch $@ $(STAMP)-base

install: $(STAMP)-base  ## install the package and the notebook stack into .venv/ (editable)

install-test: $(STAMP)-test  ## install with the test tools (pytest, nbval, playwright, import-linter)

# ---------------------------------------------------------------- data and notebooks
run: install  ## validate + rebuild data, execute the notebooks, render HTML to reports/ (REGION=Asia for one region)
	$(PYTHON) -m iccwc run $(if $(REGION),--region "$(REGION)")

update: install  ## after new data: rebuild, execute and save the notebooks with their outputs, render reports/ (then make test passes)
	$(PYTHON) -m iccwc update

rebuild: install  ## rebuild data/processed from data/raw only (validated; nothing written on error)
	$(PYTHON) -m iccwc rebuild

status: install  ## which data version is in data/processed
	$(PYTHON) -m iccwc status

lab: install  ## open JupyterLab on 127.0.0.1 with token authentication
	$(PYTHON) -m iccwc lab

app: install  ## serve the notebooks as live apps with Voila on 127.0.0.1 (token)
	$(PYTHON) -m iccwc app

# ---------------------------------------------------------------- tests
test-fast: install-test  ## unit tests only: no kernel, no browser, on 2 workers (about 20-30 s: 725 tests took 19-20 s on 2 idle cores)
	$(PYTHON) -m pytest -m "not slow and not browser" -n 2 --dist worksteal tests

test: install-test  ## every test: unit, notebooks (nbval), kernels, browser
	$(PYTHON) -m pytest

lint: install-test  ## the layering contracts (import-linter)
	$(PYTHON) -c "from importlinter.cli import lint_imports_command; lint_imports_command()"

vendor: install  ## fetch (npm pack, sha256-checked) the scripts the shared pages need into .vendor/; make run copies them to reports/_static/
	$(PYTHON) scripts/vendor_js.py

bench: install-test  ## benchmark: full run and update vs the bound (the run's own work), no-op rerun, one-file change, memory (WRITE=1: into docs/benchmark.md and README)
	$(PYTHON) scripts/bench.py $(if $(WRITE),--write)

.PHONY: bench-bound
bench-bound: install-test  ## benchmark: a run's work (cells, widget states, rebuild, pages) in one process with no kernel: the least time any run could take (WRITE=1: into docs/benchmark.md)
	$(PYTHON) scripts/bench_bound.py $(if $(WRITE),--write)

.PHONY: bench-lab
bench-lab: install-test  ## benchmark: explorer latency in JupyterLab, in Chromium, input to settled view (WRITE=1: into docs/benchmark.md)
	$(PYTHON) scripts/bench_lab.py $(if $(WRITE),--write)

clean-venv:  ## remove .venv/ (the next make recreates it)
	rm -rf $(VENV)
