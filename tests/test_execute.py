"""The kernels of a run (iccwc.commands.execute.KernelPool, iccwc.commands.kernelside): each kernel is
reused from one notebook to the next, and each notebook still starts from a fresh session, with the
outputs a fresh kernel gives it."""
from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from iccwc import paths
from iccwc.commands.execute import KernelPool, execute_notebook, import_lines, prepare_code
from iccwc.commands.pipeline import run_coroutine     # (asyncio.run, also where a loop runs: the browser tests')

# The first notebook changes everything a kernel keeps that it can change; the second looks.
POLLUTES = [
    "import os, sys, warnings, functools\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport ipywidgets\n"
    "from iccwc.data import geo",
    "x = 41\nplt.figure()\nmatplotlib.rcParams['lines.linewidth'] = 7.5\nos.environ['ICCWC_FICTIONAL'] = '1'\n"
    "sys.path.append('/FICTIONAL')\nos.chdir('/')\nwarnings.warn('FICTIONAL: shown once per location')\n"
    "kept = ipywidgets.IntSlider(value=3)\nworld = geo.world()\n"
    "import gc, weakref\nclass Cycle: pass\nloop = Cycle()\nloop.me = loop\nsys.iccwc_probe = weakref.ref(loop)\n"
    "gc.freeze()",
]
LOOKS = [
    "import os, sys, warnings\nimport matplotlib\nimport matplotlib.pyplot as plt\nimport ipywidgets\nimport gc\n"
    "from iccwc.data import geo",
    "with warnings.catch_warnings():\n    warnings.simplefilter('ignore')    # Widget.widgets: deprecated\n"
    "    widgets = len(ipywidgets.Widget.widgets)\n"
    "('x' in dir(), plt.get_fignums(), matplotlib.rcParams['lines.linewidth'] == 7.5, "
    "'ICCWC_FICTIONAL' in os.environ, '/FICTIONAL' in sys.path, os.getcwd() == START, "
    "widgets, geo._load.cache_info().currsize, getattr(sys, 'iccwc_probe', lambda: None)())",
    "warnings.warn('FICTIONAL: shown once per location')",
    "'pandas' in sys.modules",
]


def book(cells: list[str], first: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in ([first] if first else []) + cells]
    return nb


def outputs(nb) -> list:
    """What a notebook shows: its cells' execution counts and outputs, without the warning's file path
    and line number (the same in both kernels, but they name the cell)."""
    return [(c.execution_count, json.loads(re.sub(r'"[^"]*\.py:\d+: ', '"', json.dumps(c.outputs))))
            for c in nb.cells if c.cell_type == "code"]


async def in_a_pool(books: dict[str, nbformat.NotebookNode], prepare: str | None = None, *,
                    kernels: int = 1, forked: bool = False, log=lambda *a: None):
    """The books executed in order on ``kernels`` kernel(s) of one pool (``forked``: see KernelPool);
    (name -> its result or exception, the pool)."""
    pool = KernelPool(cwd=paths.NOTEBOOKS, timeout=120, prepare=prepare, log=log, forked=forked)
    futures = {name: pool.submit(name, nb, cost=-i) for i, (name, nb) in enumerate(books.items())}
    pool.grow(kernels)
    pool.close()
    try:
        results = await asyncio.gather(*futures.values(), return_exceptions=True)
        await pool.wait_closed()
    finally:
        await pool.aclose()
    return dict(zip(futures, results)), pool


@pytest.mark.slow
def test_a_reused_kernel_gives_each_notebook_a_fresh_session_with_a_fresh_kernels_outputs():
    start = f"START = {str(paths.NOTEBOOKS)!r}"
    pollutes, looks = book(POLLUTES), book(LOOKS, first=start)
    prepare = prepare_code(import_lines([pollutes, looks]) + ["import pandas"])
    results, pool = run_coroutine(in_a_pool({"pollutes": pollutes, "looks": looks}, prepare))
    assert not [r for r in results.values() if isinstance(r, BaseException)], results
    assert pool.launched == 1 and pool.executed == [["pollutes", "looks"]]      # one kernel, both notebooks

    alone = book(LOOKS, first=start)
    run_coroutine(execute_notebook(alone, cwd=paths.NOTEBOOKS, gate=_set(), timeout=120, log=lambda *a: None))
    assert outputs(looks)[:-1] == outputs(alone)[:-1]             # (the last cell asks whether it was prepared)
    shown = looks.cells[2].outputs[0]["data"]["text/plain"]
    # nothing of the first notebook is left: its name, figure, settings, folder, widget, cache, and the
    # reference cycle it left frozen (unfrozen and collected before the next notebook)
    assert shown == "(False, [], False, False, False, True, 0, 0, None)", shown
    assert [c.execution_count for c in looks.cells] == [1, 2, 3, 4, 5]
    assert "FICTIONAL: shown once per location" in looks.cells[3].outputs[0]["text"]   # shown again
    # prepared: what the notebooks import was imported before their first cell
    assert [nb.cells[4].outputs[0]["data"]["text/plain"] for nb in (looks, alone)] == ["True", "False"]


@pytest.mark.slow
def test_a_notebook_that_fails_leaves_the_next_one_a_new_kernel():
    broken, fine = book(["x = 1", "raise ValueError('FICTIONAL: this cell fails')"]), book(["'x' in dir()"])
    results, pool = run_coroutine(in_a_pool({"broken": broken, "fine": fine}))
    assert isinstance(results["broken"], Exception) and "FICTIONAL: this cell fails" in str(results["broken"])
    assert fine.cells[0].outputs[0]["data"]["text/plain"] == "False"
    assert pool.launched == 2 and pool.executed == [["fine"]]


@pytest.mark.slow
def test_the_longest_notebook_runs_first():
    order = {name: book([f"{name!r}"]) for name in ("short", "long", "unknown")}
    pool_costs = {"short": 1.0, "long": 9.0, "unknown": float("inf")}

    async def go():
        pool = KernelPool(cwd=paths.NOTEBOOKS, timeout=60, log=lambda *a: None)
        futures = [pool.submit(n, nb, cost=pool_costs[n]) for n, nb in order.items()]
        pool.grow(1)
        pool.close()
        await asyncio.gather(*futures)
        await pool.wait_closed()
        return pool
    pool = run_coroutine(go())
    assert pool.executed == [["unknown", "long", "short"]]
    # Each notebook's cost, its kernel's CPU seconds (what orders the next run), is measured.
    assert set(pool.cpu_seconds) == set(order)
    assert all(isinstance(v, float) and 0 <= v < 30 for v in pool.cpu_seconds.values()), pool.cpu_seconds


@pytest.mark.slow
def test_a_notebook_s_cost_is_its_kernel_s_cpu_time_not_its_wall_time():
    """A notebook that waits costs little; one that computes costs its CPU seconds."""
    books = {"waits": book(["import time; time.sleep(1.0)"]),
             "computes": book(["import time\nt = time.process_time()\nwhile time.process_time() - t < 1.0: pass"])}
    _, pool = run_coroutine(in_a_pool(books))
    assert pool.cpu_seconds["waits"] < 0.3, pool.cpu_seconds
    assert 0.9 <= pool.cpu_seconds["computes"] < 2.0, pool.cpu_seconds


def test_no_notebook_changes_a_librarys_global_settings():
    """A reused kernel keeps the libraries' global settings from one notebook to the next (only
    matplotlib's rcParams and the warnings filters are put back): so no notebook may change them."""
    setters = re.compile(r"\b(set_option|reset_option|rcParams\s*\[|rc\(|rcdefaults|style\.use|themes?\.enable|"
                         r"renderers\.enable|data_transformers\.enable|filterwarnings|simplefilter|Widget\.close_all)")
    found = [(p.name, m.group(0)) for p in sorted(paths.NOTEBOOKS.glob("*.ipynb"))
             for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"
             for m in setters.finditer(c.source)]
    assert not found, found


def test_no_schema_a_run_validates_needs_the_skipped_iri_checker():
    """The run's processes skip rfc3987_syntax (iccwc.commands.kernelside.SKIPPED_MODULE), which
    jsonschema uses only for the "iri" and "iri-reference" formats: no schema they validate has them."""
    import altair
    import nbformat as nbf
    schemas = [Path(altair.__file__).parent / "vegalite" / "v5" / "schema" / "vega-lite-schema.json",
               *sorted((Path(nbf.__file__).parent / "v4").glob("nbformat.v4*.schema.json"))]
    assert len(schemas) > 1 and all(p.exists() for p in schemas), schemas
    formats = {m for p in schemas for m in re.findall(r'"format":\s*"([^"]+)"', p.read_text(encoding="utf-8"))}
    assert "uri" in formats and not {"iri", "iri-reference"} & formats, formats


@pytest.mark.slow
def test_the_run_process_and_its_kernels_skip_the_iri_grammar():
    """jsonschema imported after the skip: no rfc3987_syntax (its grammar costs about a second), and it
    still validates with formats (the Vega-Lite schema's "uri" checks stay)."""
    code = ("from iccwc.commands.kernelside import skip_unused_format_checker as s; assert s()\n"
            "import sys, jsonschema, altair as alt\n"
            "assert sys.modules['rfc3987_syntax'] is None\n"
            "assert 'iri' not in jsonschema.FormatChecker.checkers and 'uri' in jsonschema.FormatChecker.checkers\n"
            "alt.Chart(alt.Data(url='data.csv')).mark_point().to_dict()\nprint('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def _set() -> asyncio.Event:
    gate = asyncio.Event()
    gate.set()
    return gate


class _Channel(list):
    """A channel that gives the messages queued in it, then raises Empty (as a channel that timed out)."""

    async def get_msg(self, timeout=None):
        from queue import Empty
        if not self:
            raise Empty
        return self.pop(0)


class _FakeClient:
    """A kernel client whose shell and IOPub channels give what a test queued (execute._until_ready)."""

    def __init__(self, iopub_per_request):
        self.asked, self.started, self.stopped = [], False, False
        self.iopub_per_request = iopub_per_request     # request number -> [(msg_type, state)] it publishes
        self.shell_channel, self.iopub_channel = _Channel(), _Channel()

    def kernel_info(self):
        msg_id = f"info-{len(self.asked)}"
        published = self.iopub_per_request.get(len(self.asked), [])
        self.asked.append(msg_id)
        self.shell_channel.append({"msg_type": "kernel_info_reply", "parent_header": {"msg_id": msg_id},
                                         "content": {"language_info": {"name": "python"}}})
        self.iopub_channel += [{"msg_type": t, "parent_header": {"msg_id": msg_id}, "content": {"execution_state": s}}
                       for t, s in published]
        return msg_id

    def start_channels(self):
        self.started = True

    def stop_channels(self):
        self.stopped = True


class _FakeManager:
    def __init__(self, kc=None, alive=True):
        self.kc, self.alive = kc, alive

    def client(self):
        return self.kc

    async def is_alive(self):
        return self.alive


def test_a_kernel_is_ready_once_iopub_brings_the_idle_status_of_the_answered_request():
    """execute._until_ready: the first request's IOPub messages never come (IOPub not connected yet),
    so it asks again; the second's come, busy then idle: ready, with that request's reply."""
    from iccwc.commands.execute import _until_ready
    kc = _FakeClient({1: [("status", "busy"), ("status", "idle")]})
    reply = run_coroutine(_until_ready(kc, _FakeManager(kc), timeout=30))
    assert kc.asked == ["info-0", "info-1"]
    assert reply["msg_type"] == "kernel_info_reply" and reply["content"]["language_info"]["name"] == "python"
    assert kc.iopub_channel == []                           # nothing left unread of that request
    dead = _FakeClient({})
    with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
        run_coroutine(_until_ready(dead, _FakeManager(dead, alive=False), timeout=30))


def test_a_client_whose_kernel_never_gets_ready_has_its_channels_closed(monkeypatch):
    from iccwc.commands import execute
    kc = _FakeClient({})

    async def never(kc, km, timeout):
        raise RuntimeError("Kernel died before replying to kernel_info")
    monkeypatch.setattr(execute, "_until_ready", never)
    with pytest.raises(RuntimeError, match="Kernel died"):
        run_coroutine(execute._connect(_FakeManager(kc), 30))
    assert kc.started and kc.stopped
