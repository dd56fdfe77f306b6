"""The analyst's API documents itself: every public function and class of ``import iccwc``
has a docstring with an example, and every example runs (against the committed data).

The examples assume ``import iccwc`` (given to them here as a global, as it is for an analyst
who got to the function through ``iccwc.<name>``). No kernel, no browser: part of the fast tier.
"""
from __future__ import annotations

import doctest
import importlib
import inspect

import pytest

import iccwc

#: The modules ``import iccwc`` exposes (see iccwc._LAZY) and the package itself.
MODULES = ["iccwc", "iccwc.data.load", "iccwc.data.status_dates", "iccwc.analysis.toolkit_uptake",
           "iccwc.analysis.recognition", "iccwc.analysis.coverage", "iccwc.analysis.snapshots",
           "iccwc.analysis.overview", "iccwc.analysis.profiles"]

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public(module) -> dict[str, object]:
    """Public functions and classes defined in ``module`` (not imported into it, not aliases)."""
    return {name: obj for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module.__name__ and obj.__name__ == name}


def test_the_lazy_names_are_these_modules():
    """Every name ``import iccwc`` offers comes from one of the modules checked here."""
    for name, (module, _attr) in iccwc._LAZY.items():
        assert module in MODULES, f"iccwc.{name} comes from {module}, which this test does not check"


@pytest.mark.parametrize("name", MODULES)
def test_public_names_have_a_docstring_with_an_example(name):
    module = importlib.import_module(name)
    missing = [f"{name}.{attr}" for attr, obj in _public(module).items()
               if ">>>" not in (inspect.getdoc(obj) or "")]
    assert not missing, f"no docstring with a '>>>' example: {missing}"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"iccwc": iccwc}, optionflags=FLAGS, report=True)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (see the output)"
    assert result.attempted >= len(_public(module)), (
        f"{name}: {result.attempted} examples for {len(_public(module))} public functions and classes")
