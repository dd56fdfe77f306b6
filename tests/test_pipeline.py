"""`python -m iccwc run`: validate, rebuild, execute, render; no work when nothing changed;
previous outputs kept on bad input or a failing notebook; parameters injected papermill-style.

These tests use tiny notebooks written in tmp (kernels start fast) and a copy of data/;
the real notebooks go through the same pipeline in tests/browser/test_rendered_html.py.
"""
from __future__ import annotations

import inspect
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from iccwc import paths
from iccwc.errors import DataError
from iccwc.commands.pipeline import NotebookFailed, default_out_dir, inject_parameters, run
from helpers import add_snapshot_2016, write_notebook

EVIL = "<img src=x onerror=alert(1)>"


def notebook(path, title, body="show('rows', len(iccwc.load_toolkit(data_dir)))", params=True):
    return write_notebook(path, title, body, params)


@pytest.fixture
def project(tmp_path, data_copy):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    notebook(nbs / "00-first.ipynb", f"First {EVIL}")
    notebook(nbs / "01-second.ipynb", "Second", "show('REGION=' + str(region))")
    return {"data": data_copy, "notebooks": nbs, "out": tmp_path / "reports"}


def go(project, log=None, **kw):
    lines = []
    res = run(project["data"], notebooks_dir=project["notebooks"], out_dir=project["out"],
              log=log or lines.append, **kw)
    res.log = lines
    return res


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_run_then_noop_then_changes(project):
    processed = project["data"] / "processed"
    before = snapshot(processed)
    first = go(project)
    out = project["out"]
    assert first.did_work
    assert sorted(p.name for p in out.iterdir()) == [".fingerprint", "00-first.html", "01-second.html",
                                                    "_static", "index.html"]
    assert (out / "_static" / "embed-amd.js").is_file()                # the pages' scripts, beside them
    assert snapshot(processed) == before, "nothing new in raw: processed data unchanged"
    html = (out / "00-first.html").read_text(encoding="utf-8")
    assert "rows 17" in html                                          # the notebook really ran on the data
    assert "application/vnd.jupyter.widget-state+json" not in html or "widgets" in html
    index = (out / "index.html").read_text(encoding="utf-8")
    assert EVIL not in index and "First &lt;img src=x onerror=alert(1)&gt;" in index
    assert 'href="00-first.html"' in index and 'href="01-second.html"' in index
    assert "2015-11-09" in index
    progress = "\n".join(first.log)
    for step in ("[1/4]", "[2/4]", "[3/4]", "finished 00-first.ipynb in", "rendered 01-second.html", "Done in"):
        assert step in progress
    # Each notebook's seconds, remembered by the data folder for the next run into any reports folder.
    import json
    remembered = json.loads((project["data"] / ".iccwc-state" / "notebook-seconds.json").read_text(encoding="utf-8"))
    assert set(remembered) == {"00-first.ipynb", "01-second.ipynb"} and all(v > 0 for v in remembered.values())

    # Nothing changed: no work, and it says so; no file touched.
    outputs = snapshot(out)
    again = go(project)
    assert not again.did_work, again.reason
    assert any("Nothing to do" in line for line in again.log)
    assert snapshot(out) == outputs

    # A changed notebook: runs again (the data rebuild is skipped), says why.
    notebook(project["notebooks"] / "01-second.ipynb", "Second, edited", "show('edited')")
    record = project["data"] / ".iccwc-state" / "processed.json"
    record.unlink()                                  # (lost: written again even though the rebuild is skipped)
    third = go(project)
    assert third.did_work and "notebook changed: 01-second.ipynb" in third.reason
    assert any("rebuild skipped" in line for line in third.log)
    assert record.exists()
    assert "edited" in (out / "01-second.html").read_text(encoding="utf-8")

    # A deleted report is noticed.
    (out / "00-first.html").unlink()
    assert go(project).did_work and (out / "00-first.html").exists()

    # A new status document in raw: validated, rebuilt, the notebooks see the new date.
    add_snapshot_2016(project["data"])
    fourth = go(project)
    assert "new input: data/raw/documents/fictional-toolkit-status-2016-06.txt" in fourth.reason
    assert b"2016-06-01" in (processed / "toolkit_status.csv").read_bytes()
    assert "rows 36" in (out / "00-first.html").read_text(encoding="utf-8")      # 17 + 19 rows
    assert "2015-11-09, 2016-06-01" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_bad_input_keeps_previous_outputs(project):
    go(project)
    processed, out = snapshot(project["data"] / "processed"), snapshot(project["out"])
    bad = add_snapshot_2016(project["data"])
    bad.write_text(bad.read_text(encoding="utf-8").replace("Kenya\t✓\t✓\t✓", "Kenya\t✓\t\t✓"), encoding="utf-8")
    with pytest.raises(DataError, match="fictional-toolkit-status-2016-06.txt") as err:
        go(project)
    assert "sha256" in str(err.value)          # edited after its provenance record was written
    assert snapshot(project["data"] / "processed") == processed
    assert snapshot(project["out"]) == out


@pytest.mark.slow
def test_failing_notebook_restores_processed_and_keeps_reports(project):
    go(project)
    processed, out = snapshot(project["data"] / "processed"), snapshot(project["out"])
    add_snapshot_2016(project["data"])                         # new data, so the rebuild writes ...
    notebook(project["notebooks"] / "01-second.ipynb", "Second", "raise ValueError('boom in the notebook')")
    # ... and the other notebook is still running when it fails: it is cancelled, its kernel shut down
    notebook(project["notebooks"] / "00-first.ipynb", "First", "import time\ntime.sleep(30)")
    lines = []
    with pytest.raises(NotebookFailed, match=r"01-second.ipynb: a cell raised ValueError: boom in the notebook"):
        go(project, log=lines.append)
    assert snapshot(project["data"] / "processed") == processed      # ... was built aside, never written
    assert snapshot(project["out"]) == out
    assert not list(project["out"].glob(".staging-*"))
    assert not list((project["data"] / ".iccwc-state").glob("gen-*"))     # the staged data removed too
    assert any("left as they were" in line for line in lines)
    assert not any("finished 00-first.ipynb" in line for line in lines)
    assert kernels() == []


def kernels(parent: int | None = None) -> list[str]:
    """The kernel processes still running that ``parent`` (default: this process) started, at any depth:
    ipykernel's, and those forked from a run's template process (iccwc.commands.forked), and that
    template itself."""
    me, children, kinds = parent or os.getpid(), {}, {}
    for proc in Path("/proc").iterdir():
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if fields[0] == "Z":
                continue
            cmdline = (proc / "cmdline").read_bytes()
            children.setdefault(int(fields[1]), []).append(int(proc.name))
            kinds[int(proc.name)] = b"ipykernel" in cmdline or b"iccwc.commands.forked" in cmdline
        except (OSError, ValueError, IndexError):
            continue
    found, todo = [], list(children.get(me, []))
    while todo:
        pid = todo.pop()
        if kinds.get(pid):
            found.append(str(pid))
        todo += children.get(pid, [])
    return sorted(found)


@pytest.mark.slow
def test_region_parameter_is_injected(project):
    res = go(project, region="Asia")
    html = (project["out"] / "01-second.html").read_text(encoding="utf-8")
    assert "REGION=Asia" in html
    # The reader's view states the parameters in "How this was made"; the author's view shows the
    # papermill-style injected cell.
    assert "limited to region: Asia" in html and "celltag_injected-parameters" not in html
    assert res.outputs and default_out_dir("Asia") == paths.REPORTS / "region-asia"
    assert default_out_dir(None) == paths.REPORTS


def test_inject_parameters_papermill_style():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T"),
                nbformat.v4.new_code_cell("region = None", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(region)")]
    missing = inject_parameters(nb, {"region": "Africa & Europe", "status_date": "2015-11-09"})
    assert nb.cells[2].metadata["tags"] == ["injected-parameters"]
    assert "region = 'Africa & Europe'" in nb.cells[2].source
    assert missing == ["status_date"]
    inject_parameters(nb, {"region": "Asia"})                     # replaces, never stacks
    assert sum("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
    nb.cells.pop(1)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    with pytest.raises(NotebookFailed, match="no code cell tagged 'parameters'"):
        inject_parameters(nb, {"region": "Asia"})


@pytest.mark.slow
def test_cli_bad_input_exit_code_and_message(project):
    (project["data"] / "raw" / "documents" / "cites-sc66-iccwc-information-2016-01.txt").write_text(
        "not the document", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "iccwc", "--data-dir", str(project["data"]), "run",
                           "--notebooks", str(project["notebooks"]), "--out", str(project["out"])],
                          capture_output=True, text=True, timeout=300, cwd=paths.ROOT)
    assert proc.returncode == 2, proc.stderr
    assert "ERROR" in proc.stderr and "cites-sc66-iccwc-information-2016-01.txt" in proc.stderr
    assert "[1/4] Checking" in proc.stdout
    assert not project["out"].exists() or not list(project["out"].glob("*.html"))


def test_real_notebooks_have_parameters_cell():
    """Every notebook takes the pipeline's parameters (COMMON rules: tagged cell with data_dir etc.)."""
    nbs = sorted(paths.NOTEBOOKS.glob("*.ipynb"))
    if not nbs:
        pytest.skip("no notebooks in notebooks/ yet")
    for p in nbs:
        nb = nbformat.read(p, as_version=4)
        cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(cells) == 1, f"{p.name}: one cell tagged 'parameters'"
        assert inject_parameters(nb, {"data_dir": None, "status_date": "latest", "region": None}) == [] or \
            "data_dir" in cells[0].source, f"{p.name}: parameters cell lacks data_dir"




def _kernel_dies_while_starting(monkeypatch, times: int):
    """The first ``times`` kernels started fail before their first reply, as a kernel that dies does."""
    from iccwc.commands import execute
    connect = execute._connect
    calls = []

    async def flaky(km, timeout):
        calls.append(1)
        if len(calls) <= times:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return await connect(km, timeout)
    monkeypatch.setattr(execute, "_connect", flaky)
    return calls


@pytest.mark.slow
def test_a_kernel_that_dies_while_starting_is_replaced(project, monkeypatch):
    calls = _kernel_dies_while_starting(monkeypatch, times=1)
    res = go(project)
    assert res.did_work and len(calls) == 3                      # 2 notebooks + 1 replacement kernel
    assert sum("stopped while starting (Kernel died before replying to kernel_info); starting another" in line
               for line in res.log) == 1
    assert {"00-first.html", "01-second.html", "index.html"} <= set(res.outputs)


@pytest.mark.slow
def test_a_kernel_that_keeps_dying_fails_the_run_with_the_notebooks_name(project, monkeypatch):
    go(project)
    reports = snapshot(project["out"])
    _kernel_dies_while_starting(monkeypatch, times=99)
    with pytest.raises(NotebookFailed, match=r"0[01]-\w+\.ipynb: RuntimeError: Kernel died before replying"):
        go(project, force=True)
    assert snapshot(project["out"]) == reports

# The probe runs in a subprocess; it counts its kernels with this module's kernels() (its source, pasted in).
PROBE = """
from __future__ import annotations
import asyncio, os, sys, time
from pathlib import Path
import nbformat
from iccwc.commands.execute import execute_notebook
""" + inspect.getsource(kernels) + """
from jupyter_client.manager import AsyncKernelManager
shutdown = AsyncKernelManager.shutdown_kernel
mode = []
shutting_down = None

async def patched_shutdown(self, *args, **kwargs):
    if mode == ["shutdown"]:
        # the shutdown itself is cancelled just as it begins (it once left the kernel running)
        mode.clear()
        asyncio.current_task().cancel()
        await asyncio.sleep(0)
    elif mode == ["during-shutdown"]:
        # the run cancels the notebook's task while its kernel shuts down
        mode.clear()
        shutting_down.set()
        await asyncio.sleep(0.2)
    return await shutdown(self, *args, **kwargs)
AsyncKernelManager.shutdown_kernel = patched_shutdown

path = Path(sys.argv[1])
async def once(when):
    global shutting_down
    shutting_down = asyncio.Event()
    nb = nbformat.read(path, as_version=4)
    gate = asyncio.Event()
    gate.set()
    task = asyncio.ensure_future(execute_notebook(nb, cwd=path.parent, gate=gate, timeout=60, log=lambda *a: None))
    if when in ("shutdown", "during-shutdown"):
        mode.append(when)
        if when == "during-shutdown":
            await shutting_down.wait()
            task.cancel()
    else:
        await asyncio.sleep(float(when))
        task.cancel()
    await asyncio.gather(task, return_exceptions=True)
for delay in sys.argv[2:]:
    asyncio.run(once(delay))
    deadline = time.monotonic() + 10
    while kernels() and time.monotonic() < deadline:
        time.sleep(0.1)
    print(f"cancelled at {delay}: kernels left {kernels()}", flush=True)
"""


@pytest.mark.slow
def test_a_cancelled_notebook_leaves_no_kernel_and_no_exit_hook(tmp_path):
    """When one notebook fails the run cancels the others. Wherever that lands (kernel starting,
    cells running, kernel shutting down: after 0.02-2 s; while the kernel shuts down; and when the
    shutdown itself is cancelled just as it begins, which once left the kernel running), no kernel
    is left running and nothing is printed at exit (a stale nbclient exit hook once printed
    "Exception ignored in atexit callback ... assert self.km is not None" under our error message)."""
    path = notebook(tmp_path / "slow.ipynb", "Slow", "import time\ntime.sleep(0.3)", params=False)
    delays = ["0.02", "0.4", "0.8", "1.2", "1.6", "2.0", "shutdown", "during-shutdown"]
    proc = subprocess.run([sys.executable, "-c", PROBE, str(path), *delays], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("kernels left []") == len(delays), proc.stdout
    assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_a_notebook_s_expected_seconds_come_from_its_page_else_from_the_data_folder(tmp_path):
    """The longest notebook starts first also in a new reports folder (a first update, a benchmark): the
    data folder remembers each notebook's last seconds; a page's own record comes first; an unreadable
    record orders nothing."""
    from iccwc.commands import pipeline
    from iccwc.data import generations
    assert generations.remembered_seconds(tmp_path) == {}
    generations.remember_seconds(tmp_path, {"04-x.ipynb": 5.25, "00-y.ipynb": 1.0})
    remembered = generations.remembered_seconds(tmp_path)
    assert remembered == {"04-x.ipynb": 5.25, "00-y.ipynb": 1.0}
    assert pipeline._expected_seconds(None, remembered.get("04-x.ipynb")) == 5.25
    assert pipeline._expected_seconds({"entry": {"seconds": 2.0}}, 5.25) == 2.0
    # The kernel's CPU seconds come before the wall seconds (which grow with what else ran meanwhile).
    assert pipeline._expected_seconds({"cost": 1.5, "entry": {"seconds": 4.0}}, 5.25) == 1.5
    assert pipeline._expected_seconds({"cost": None, "entry": {"seconds": 4.0}}, 5.25) == 4.0
    assert pipeline._expected_seconds(None, None) == float("inf")            # never run: goes first
    (tmp_path / ".iccwc-state" / "notebook-seconds.json").write_text("{not json", encoding="utf-8")
    assert generations.remembered_seconds(tmp_path) == {}


def test_a_run_makes_full_collections_rare_while_it_works_and_puts_the_thresholds_back():
    """pipeline.rare_full_collections (what run() and update run in): the oldest generation waits for
    FULL_COLLECTION_AFTER collections of the one below; the younger thresholds stay; all are put back,
    also when the run fails."""
    import gc
    from iccwc.commands import pipeline
    saved = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)                    # Python's defaults (conftest sets its own)
        with pipeline.rare_full_collections():
            assert gc.get_threshold() == (700, 10, pipeline.FULL_COLLECTION_AFTER)
        assert gc.get_threshold() == (700, 10, 10)
        with pytest.raises(RuntimeError, match="FICTIONAL"):
            with pipeline.rare_full_collections():
                raise RuntimeError("FICTIONAL: the run failed")
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(700, 10, 5000)                  # a higher threshold is kept as it is
        with pipeline.rare_full_collections():
            assert gc.get_threshold() == (700, 10, 5000)
    finally:
        gc.set_threshold(*saved)
