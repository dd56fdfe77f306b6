"""The kernel's side of a run: what :class:`iccwc.commands.execute.KernelPool` has each kernel do.

A run reuses its kernels: each one starts once, imports what the notebooks import while the data
are rebuilt (:func:`prepare`), then executes one notebook after another, each from a fresh session
(:func:`begin`). So a run pays the kernels' start and the stack's imports once per kernel rather
than once per notebook (docs/benchmark.md, "Kernels reused").

What :func:`begin` puts back before each notebook, so that the notebook's outputs are those a
fresh kernel gives (``tests/test_execute.py`` checks it, and nbval checks the saved notebooks,
which ``iccwc update`` executes this way, against fresh kernels):

* the user namespace, the input and output history and the execution counter (IPython's
  ``InteractiveShell.reset(new_session=True)``: the first cell is ``[1]`` again);
* the widgets the previous notebook made, closed (``ipywidgets.Widget.close_all``), and its
  matplotlib figures (``pyplot.close("all")``);
* matplotlib's ``rcParams``, the warnings filters (a warning shown by the previous notebook is
  shown again), the working folder, ``os.environ`` and ``sys.path``, as they were after :func:`prepare`;
* every ``functools`` cache of the ``iccwc`` package emptied, and the drawings explorers share
  (:func:`iccwc.views.explorers.base.forget_shared`): a notebook reads its processed files itself (the
  read guard sees each read: :func:`guard`) and draws its charts, never from what the previous one cached;
* objects frozen since :func:`prepare` (an explorer's ``gc.freeze``,
  :func:`iccwc.views.explorers.base.quiet_collections`) unfrozen, and what the previous notebook left
  in reference cycles collected; what is alive then (the libraries, with what :func:`prepare` found
  frozen: a forked kernel's stack, :mod:`iccwc.commands.forked`) is frozen again, so that the next
  notebook's collections walk only its own objects, as the first notebook's do. Which objects the
  collector skips changes no output; a fresh kernel freezes nothing until an explorer does.

Imported modules stay imported: that is the point. So a notebook must not change a library's
global settings (pandas options, Altair's renderers and themes): the package never does
(``iccwc.views``), and ``tests/test_execute.py`` checks that no notebook does.

This module is imported in the kernel; it imports nothing heavy itself.
"""
from __future__ import annotations

import gc
import os
import sys
import time
import warnings

#: jsonschema imports ``rfc3987_syntax`` when it is installed (jupyter-events asks for it) to check the
#: "iri" and "iri-reference" string formats; its import builds an Earley grammar with lark, about 1.2
#: CPU-s (1.7 s in a kernel). No schema a run validates has those formats (Altair's Vega-Lite schema
#: uses "uri", "uri-reference" and "color-hex"; nbformat's none; tests/test_execute.py checks both), so
#: the run's processes do without it: jsonschema then leaves those two formats unchecked.
SKIPPED_MODULE = "rfc3987_syntax"


def skip_unused_format_checker() -> bool:
    """Before jsonschema is imported: make ``import rfc3987_syntax`` fail (jsonschema then skips the two
    formats it checks). Returns whether it took effect (False once jsonschema is imported)."""
    if "jsonschema" in sys.modules or SKIPPED_MODULE in sys.modules:
        return sys.modules.get(SKIPPED_MODULE, 0) is None
    sys.modules[SKIPPED_MODULE] = None           # the documented way to block an import (importlib)
    return True


_saved: dict = {}
#: How many objects were frozen when the kernel was prepared (a forked kernel's stack, iccwc.commands.forked;
#: :func:`begin` moves it up when it refreezes what a notebook left alive).
_frozen = 0


def prepare(import_lines: list[str]) -> None:
    """Once per kernel, before its first notebook: import what the notebooks import (each line in a
    throwaway namespace: an import that fails is left to the notebook, which reports it), then note
    the settings :func:`begin` restores."""
    skip_unused_format_checker()
    for line in import_lines:
        try:
            exec(line, {})                       # noqa: S102 - the notebooks' own import statements
        except Exception:  # noqa: BLE001 - the notebook's own cell raises it again, with its name
            pass
    global _frozen
    _saved.clear()
    _saved.update(cwd=os.getcwd(), environ=dict(os.environ), path=list(sys.path),
                  filters=list(warnings.filters))
    _frozen = gc.get_freeze_count()
    if "matplotlib" in sys.modules:
        _saved["rcParams"] = sys.modules["matplotlib"].rcParams.copy()


def begin() -> None:
    """Before each notebook: a fresh session (see the module's docstring)."""
    global _guarded, _frozen
    _guarded = None
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.Widget.close_all()
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    from IPython import get_ipython
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    if _saved:
        os.chdir(_saved["cwd"])
        if dict(os.environ) != _saved["environ"]:
            os.environ.clear()
            os.environ.update(_saved["environ"])
        sys.path[:] = _saved["path"]
        warnings.resetwarnings()                 # also forgets which warnings were shown already
        warnings.filters[:] = _saved["filters"]
        if "rcParams" in _saved:
            rc = sys.modules["matplotlib"].rcParams
            if dict(rc) != dict(_saved["rcParams"]):
                rc.update(_saved["rcParams"])
    for name, module in list(sys.modules.items()):
        if (name == "iccwc" or name.startswith("iccwc.")) and module is not None:
            for value in list(vars(module).values()):
                if (callable(getattr(value, "cache_clear", None)) and hasattr(value, "__wrapped__")
                        and getattr(value, "__module__", None) == name):
                    value.cache_clear()
    shared = sys.modules.get("iccwc.views.explorers.base")
    if shared is not None:
        shared.forget_shared()
    if gc.get_freeze_count() > _frozen:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        _frozen = gc.get_freeze_count()


def cpu() -> float:
    """The kernel process's CPU seconds so far (all its threads): a notebook's cost, to order the next
    run's notebooks by (:class:`iccwc.commands.execute.KernelPool` asks for it before and after each)."""
    return time.process_time()


# --------------------------------------------------------------------------- the read guard

class UndeclaredRead(RuntimeError):
    """A notebook opened a processed file its ``metadata.iccwc.reads`` does not list."""


_guarded: tuple | None = None        # (notebook, allowed, known, folders) of the notebook running now
_hooked = False


def guard(name: str, allowed, known, folders) -> None:
    """For the notebook about to run: opening a file of ``folders`` (the processed data) named in
    ``known`` but not in ``allowed`` raises :class:`UndeclaredRead` (so that a change of that file
    runs the notebook again: the run decides from the declared reads). One audit hook per kernel
    (hooks cannot be removed); :func:`begin` lifts the guard for the next notebook."""
    global _guarded, _hooked
    _guarded = (name, frozenset(allowed), frozenset(known), {os.path.realpath(f) for f in folders})
    if not _hooked:
        sys.addaudithook(_hook)
        _hooked = True


def _hook(event, args):
    if event != "open" or _guarded is None or not args or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    name, allowed, known, folders = _guarded
    path = os.fsdecode(args[0])
    base = os.path.basename(path)
    if base in known and base not in allowed and os.path.dirname(os.path.realpath(path)) in folders:
        raise UndeclaredRead(
            f"{name} read {base} from the processed data, but its metadata.iccwc.reads does not list it "
            f"(it lists: {', '.join(sorted(allowed)) or 'nothing'}). Add it there, so that a change to "
            f"{base} runs this notebook again.")
