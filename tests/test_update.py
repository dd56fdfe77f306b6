"""`python -m iccwc update`: a new status document in, one command, green notebook tests and new reports.

On a copy of the repository's data and notebooks in tmp_path, the FICTIONAL later document
(tests/fixtures/snapshot-2016) goes in, ``update`` runs, nbval passes on the saved notebooks (in a
subprocess, as ``make test`` runs it), and the rendered text states the new numbers, names the
countries that changed, and states no number the analysis does not compute. A second test runs
notebooks 00, 01 and 02 on a data folder without the SC66 snapshot. Both start kernels (slow).
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import iccwc
from helpers import add_snapshot_2016, copy_data
from iccwc import paths
from iccwc.analysis import overview
from iccwc.commands import cli
from iccwc.commands.update import UpdateFailed, execute_and_save
from test_story import computed_numbers, numbers_in, only_fictional

OURS = ["00-overview.ipynb", "01-toolkit-uptake.ipynb", "02-recognition-over-time.ipynb"]


def copy_notebooks(dest: Path, names=None) -> Path:
    dest.mkdir(parents=True)
    for p in sorted(paths.NOTEBOOKS.glob("*.ipynb")):
        if names is None or p.name in names:
            shutil.copy(p, dest / p.name)
    return dest


def markdown_outputs(nb) -> list[str]:
    return [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "text/markdown" in o.get("data", {})]


def errors_in(nb) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def page_text(page: str) -> str:
    """An HTML page as a reader sees it: scripts and styles out, tags out, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"</?(strong|em|code|a|b|i|span)\b[^>]*>", "", page, flags=re.I)      # inline: no space
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def check_numbers(nb, name: str, allowed: dict[str, set[int]]) -> None:
    for text in markdown_outputs(nb):
        stray = [n for n in numbers_in(text) if n not in allowed[name[:2]]]
        assert not stray, f"{name}: numbers {stray} are not computed from the data:\n{text}"


@pytest.mark.slow
def test_update_with_a_later_document_gives_green_notebook_tests_and_new_reports(tmp_path):
    data = copy_data(tmp_path / "data")
    notebooks = copy_notebooks(tmp_path / "notebooks")
    out = tmp_path / "reports"
    add_snapshot_2016(data)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("ICCWC_DATA_DIR", None)
    proc = subprocess.run([sys.executable, "-m", "iccwc", "--data-dir", str(data), "update", "--notebooks",
                           str(notebooks), "--out", str(out)], capture_output=True, text=True, env=env,
                          cwd=paths.ROOT, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert iccwc.data_status(data)["toolkit_status_dates"] == ["2015-11-09", "2016-06-01"]
    started = re.findall(r"started +(\S+\.ipynb)", proc.stdout)          # one kernel per notebook, once
    assert sorted(started) == sorted(p.name for p in notebooks.glob("*.ipynb")), proc.stdout[-3000:]

    # The saved notebooks: new outputs, no error, no widget state, and nbval passes on them.
    allowed = computed_numbers(data)
    for name in OURS:
        nb = nbformat.read(notebooks / name, as_version=4)
        assert not errors_in(nb), name
        assert "widgets" not in nb.metadata, name
        check_numbers(nb, name, allowed)
    nbval = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir",
         str(tmp_path), "--nbval", "--nbval-sanitize-with", str(paths.ROOT / "tests" / "nbval-sanitize.cfg"),
         *[str(notebooks / n) for n in OURS]],
        capture_output=True, text=True, env={**env, "ICCWC_DATA_DIR": str(data)}, cwd=tmp_path, timeout=900)
    assert nbval.returncode == 0, nbval.stdout[-4000:]

    # The rendered text states the new numbers and names the countries that changed.
    html01 = (out / "01-toolkit-uptake.html").read_text(encoding="utf-8")
    page = page_text(html01)
    # the headline numbers (story.headline_toolkit), then the SC66 document's own (under How this was made)
    assert ("<dt>Countries that asked for the Toolkit</dt><dd>19</dd></div><div><dt>Completed all 8 steps</dt>"
            "<dd>7</dd></div><div><dt>Under way</dt><dd>12</dd>") in html01
    assert "As of 1 June 2016, the date of the Toolkit status table shown." in page
    assert ("The SC66 document said that 17 requests had been received, that implementation had been completed in 6 "
            "countries and that it was at different stages in 11; its table as of 9 November 2015 agrees.") in page
    assert ("Between 9 November 2015 and 1 June 2016, the requests went from 17 to 19, the countries complete from 6 "
            "to 7 and those under way from 11 to 12.") in page
    for line in ("2 new requests: Uganda (step 1) and Zambia (step 2)",
                 "1 country completed all 8 steps: Congo (from step 6)",
                 "4 countries advanced: Angola (step 2 to 4), Bahamas (step 1 to 2), Bosnia and Herzegovina "
                 "(step 4 to 5) and Mexico (step 6 to 7)"):
        assert line in page, line
    assert "The data hold one Toolkit snapshot" not in page and "17 rows" not in page
    html00 = (out / "00-overview.html").read_text(encoding="utf-8")
    assert "<dt>Countries that asked for the Toolkit</dt><dd>19</dd>" in html00
    assert "Toolkit as of 1 June 2016;" in page_text(html00)

    # The index: each notebook's 'What this answers' paragraph, whole, and no timings.
    index = page_text((out / "index.html").read_text(encoding="utf-8"))
    assert ("Which countries asked for the ICCWC Wildlife and Forest Crime Analytic Toolkit, and how far each has "
            "come through its 8 implementation steps.") in index
    assert "executed in" not in index and not re.search(r"\d+\.\d s\b", index)
    assert "2015-11-09, 2016-06-01" in index


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["only a fictional snapshot", "several snapshots"])
def test_notebooks_run_without_the_sc66_snapshot_and_with_several(tmp_path, kind):
    data = copy_data(tmp_path / "data")
    if kind == "several snapshots":
        add_snapshot_2016(data)
        from iccwc.data.build import rebuild
        rebuild(data, log=lambda msg: None)
    else:
        only_fictional(data)
    assert overview.has_sc66_snapshot(data) == (kind == "several snapshots")
    notebooks = copy_notebooks(tmp_path / "notebooks", OURS)
    execute_and_save([notebooks / n for n in OURS], data, log=lambda msg: None)
    allowed = computed_numbers(data)
    for name in OURS:
        nb = nbformat.read(notebooks / name, as_version=4)
        assert not errors_in(nb), name
        check_numbers(nb, name, allowed)
    prose = "\n".join(markdown_outputs(nbformat.read(notebooks / "01-toolkit-uptake.ipynb", as_version=4)))
    assert "As of 1 June 2016, **19** countries had asked" in prose
    if kind == "several snapshots":
        assert "The SC66 document said that **17** requests" in prose
    else:
        assert "SC66" not in prose
        first = "\n".join(markdown_outputs(nbformat.read(notebooks / "00-overview.ipynb", as_version=4)))
        assert "The data do not hold the Toolkit snapshot of the SC66 document" in first


@pytest.mark.slow
def test_a_failing_notebook_saves_no_notebook(tmp_path):
    good, bad = tmp_path / "a-good.ipynb", tmp_path / "b-bad.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1 + 1)")]), good)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("raise ValueError('no data')")]), bad)
    before = {p: p.read_bytes() for p in (good, bad)}
    with pytest.raises(UpdateFailed, match=r"b-bad.ipynb: .*ValueError: no data"):
        execute_and_save([good, bad], log=lambda msg: None)
    assert {p: p.read_bytes() for p in (good, bad)} == before


def test_update_executes_each_notebook_once_and_saves_and_renders_that_execution(tmp_path, data_copy, monkeypatch):
    """No kernel: the executor is replaced by one that counts its calls and writes an output naming
    the call. Each notebook is executed once; its saved copy and its page show that one execution,
    run as it is saved (no injected parameters, the data folder in $ICCWC_DATA_DIR, no timestamps);
    and a run afterwards has nothing to do."""
    import asyncio
    import inspect
    from helpers import pool_of, write_notebook
    from iccwc.commands import execute, pipeline
    from iccwc.commands.update import update
    calls, how = [], []

    async def counted(nb, *, cwd, gate, timeout, name="notebook", log=print, setup=None, env=None,
                      record_timing=True):
        if inspect.isawaitable(nb):              # (as the real one: the notebook may come once read)
            nb = await nb
        await gate.wait()
        calls.append(name)
        how.append(((env or {}).get("ICCWC_DATA_DIR"), record_timing,
                    any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)))
        for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
            cell.execution_count = i + 1
            cell.outputs = [nbformat.v4.new_output(      # (a rich output: the page shows no printed text)
                "display_data", data={"text/markdown": f"execution {len(calls)} of {name}"})]
        await asyncio.sleep(0)
        return None
    monkeypatch.setattr(execute, "KernelPool", pool_of(counted))
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("00-a", "01-b"):
        write_notebook(nbs / f"{name}.ipynb", name, "print('hello')", reads=["toolkit_status.csv"])
    out = tmp_path / "reports"
    result = update(data_copy, notebooks_dir=nbs, out_dir=out, log=lambda *a: None)

    assert sorted(calls) == ["00-a.ipynb", "01-b.ipynb"], calls         # each executed once, not twice
    assert how == [(str(data_copy.resolve()), False, False)] * 2         # as saved: no timestamps, no injection
    assert sorted(p.name for p in result.saved) == sorted(calls)
    for name in calls:
        n = calls.index(name) + 1
        saved = (nbs / name).read_text(encoding="utf-8")
        assert f"execution {n} of {name}" in saved and "widgets" not in nbformat.reads(saved, as_version=4).metadata
        assert f"execution {n} of {name}" in (out / name.replace(".ipynb", ".html")).read_text(encoding="utf-8")
    again = pipeline.run(data_copy, notebooks_dir=nbs, out_dir=out, log=lambda *a: None)
    assert not again.did_work and len(calls) == 2, again.reason


def test_a_failing_notebook_in_update_writes_nothing(tmp_path, data_copy, monkeypatch):
    """No kernel: the second notebook's execution raises. No notebook is saved, data/processed and the
    reports folder are as they were."""
    import inspect
    from helpers import pool_of, write_notebook
    from iccwc.commands import execute
    from iccwc.commands.update import update
    from iccwc.data.generations import hash_folder

    async def failing(nb, *, gate, name="notebook", **kw):
        if inspect.isawaitable(nb):
            await nb
        await gate.wait()
        if name.startswith("01"):
            raise RuntimeError("FICTIONAL: the cell failed")
        return None
    monkeypatch.setattr(execute, "KernelPool", pool_of(failing))
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("00-a", "01-b"):
        write_notebook(nbs / f"{name}.ipynb", name, "print('hello')")
    (data_copy / "curated" / "recognitions.csv").write_text(
        "".join((data_copy / "curated" / "recognitions.csv").read_text(encoding="utf-8").splitlines(True)[:-1]),
        encoding="utf-8")                                      # new data: the rebuild would change a file
    before = {p.name: p.read_bytes() for p in nbs.iterdir()}, hash_folder(data_copy / "processed")
    with pytest.raises(UpdateFailed, match=r"01-b.ipynb: RuntimeError: FICTIONAL: the cell failed"):
        update(data_copy, notebooks_dir=nbs, out_dir=tmp_path / "reports", log=lambda *a: None)
    assert ({p.name: p.read_bytes() for p in nbs.iterdir()}, hash_folder(data_copy / "processed")) == before
    assert not [p for p in (tmp_path / "reports").iterdir() if p.name.endswith(".html")]


@pytest.mark.parametrize("argv, found", [
    (["update", "--jobs", "0"], "--jobs"),
    (["update", "--notebooks", "{tmp}/nowhere"], "--notebooks"),
    (["--data-dir", "{tmp}/nowhere", "update"], "--data-dir"),
    (["update", "--region", "Asia"], "unrecognized arguments"),
])
def test_update_arguments_are_checked_before_any_work(tmp_path, capsys, argv, found):
    code = None
    try:
        code = cli.main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    except SystemExit as exc:                 # argparse's own errors exit through the project's code
        code = exc.code
    assert code == cli.EXIT_USAGE
    assert found in capsys.readouterr().err
