"""`python -m iccwc run` redoes only what depends on a change (issue 16, item 4).

Each notebook may declare the processed files it reads (``metadata.iccwc.reads``); a change that
alters only some processed files re-executes only the notebooks that read them (and those that
declare nothing); the other pages are kept byte for byte; a page whose surroundings changed (the
page order) is rendered again from its executed copy; a change to the package's code runs them all.
The notebooks are tiny copies written in tmp with the metadata added (the real ones are the lead's).
"""
from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from helpers import write_notebook
from iccwc.commands import pipeline
from iccwc.commands.pipeline import NotebookFailed, notebook_reads, run
from iccwc.data.generations import hash_folder

READS = {"00-toolkit": ["toolkit_status.csv"], "01-recognitions": ["recognitions.csv"], "02-undeclared": None}
BODY = {"00-toolkit": "show('toolkit rows', len(iccwc.load_toolkit(data_dir)))",
        "01-recognitions": "show('recognition rows', len(iccwc.load_recognitions(data_dir)))",
        "02-undeclared": "show('undeclared')"}


def notebook(path, body, reads=None):
    return write_notebook(path, path.stem, body, reads=reads)


@pytest.fixture
def project(tmp_path, data_copy):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name, reads in READS.items():
        notebook(nbs / f"{name}.ipynb", BODY[name], reads)
    return {"data": data_copy, "notebooks": nbs, "out": tmp_path / "reports"}


def go(project, **kw):
    lines = []
    res = run(project["data"], notebooks_dir=project["notebooks"], out_dir=project["out"], log=lines.append, **kw)
    res.log = lines
    return res


def pages(out):
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def drop_last_recognition(data):
    """Remove the last curated recognition: only recognitions.csv (and datapackage.json) change."""
    path = data / "curated" / "recognitions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    return len(lines) - 2                                      # data rows left (one header line)


def one_generation(project):
    """data/processed and every output (kept or new) are what .fingerprint records."""
    state = json.loads((project["out"] / ".fingerprint").read_text(encoding="utf-8"))
    assert hash_folder(project["data"] / "processed") == state["processed"]
    now = hash_folder(project["out"])
    assert {n: now.get(n) for n in state["outputs"]} == state["outputs"]
    assert set(now) == set(state["outputs"])                                  # nothing stale left
    return state


@pytest.mark.slow
def test_only_the_notebooks_that_read_a_changed_file_run_again(project, monkeypatch):
    out = project["out"]
    first = go(project)
    assert first.executed == ["00-toolkit.ipynb", "01-recognitions.ipynb", "02-undeclared.ipynb"]
    before = pages(out)
    state = one_generation(project)
    assert sorted(state["pages"]) == first.executed

    left = drop_last_recognition(project["data"])
    second = go(project)
    assert second.executed == ["01-recognitions.ipynb", "02-undeclared.ipynb"], second.log
    assert second.kept == ["00-toolkit.ipynb"] and second.rendered == []
    assert sum("finished " in line for line in second.log) == 2
    after = pages(out)
    assert after["00-toolkit.html"] == before["00-toolkit.html"]            # kept byte for byte ...
    assert f"recognition rows {left}" in after["01-recognitions.html"].decode()
    assert f"recognition rows {left + 1}" in before["01-recognitions.html"].decode()
    one_generation(project)                                                   # ... and part of the new generation

    # Nothing changed since: nothing to do.
    assert not go(project).did_work

    # A change to the package's code runs every notebook (the hash of src/iccwc is part of each one's key).
    monkeypatch.setattr(pipeline, "_package_sha", lambda package=None: "FICTIONAL: the code changed")
    third = go(project)
    assert third.executed == sorted(f"{n}.ipynb" for n in READS) and third.kept == []
    assert "the iccwc package's code changed" in third.reason
    one_generation(project)


@pytest.mark.slow
def test_a_page_whose_surroundings_changed_is_rendered_from_its_executed_copy(project):
    out = project["out"]
    go(project)
    copies = pipeline.executed_dir(project["data"], out)
    assert sorted(p.name for p in copies.iterdir()) == [f"{n}.ipynb.json" for n in READS]
    before = pages(out)
    # A new notebook: the others' pages gain a link to it (their order changed), but need not run.
    notebook(project["notebooks"] / "03-new.ipynb", "show('new page')", ["toolkit_status.csv"])
    res = go(project)
    assert res.executed == ["03-new.ipynb"]
    assert res.rendered == sorted(f"{n}.ipynb" for n in READS) and res.kept == []
    after = pages(out)
    assert "toolkit rows 17" in after["00-toolkit.html"].decode()          # the outputs kept in the copy
    # 02's next link is the new page; 00's links are as they were (its page shows only its neighbours)
    assert "03-new.html" in after["02-undeclared.html"].decode() and "03-new.html" not in before["02-undeclared.html"].decode()
    one_generation(project)
    # A page modified by hand: rendered again from its copy, the notebook is not executed.
    (out / "01-recognitions.html").write_text("edited", encoding="utf-8")
    res = go(project)
    assert res.executed == [] and res.rendered == ["01-recognitions.ipynb"]
    assert "recognition rows" in (out / "01-recognitions.html").read_text(encoding="utf-8")
    # The notebook removed: its page and its executed copy go with the switch.
    (project["notebooks"] / "03-new.ipynb").unlink()
    go(project)
    assert not (out / "03-new.html").exists() and not (copies / "03-new.ipynb.json").exists()
    one_generation(project)


@pytest.mark.slow
def test_a_notebook_reading_a_file_it_does_not_declare_fails_the_run(project):
    go(project)
    reports = pages(project["out"])
    notebook(project["notebooks"] / "00-toolkit.ipynb", BODY["00-toolkit"] + "\niccwc.load_recognitions(data_dir)",
             ["toolkit_status.csv"])
    with pytest.raises(NotebookFailed, match=r"00-toolkit.ipynb: a cell raised UndeclaredRead: 00-toolkit.ipynb "
                                             r"read recognitions.csv from the processed data, but its "
                                             r"metadata.iccwc.reads does not list it"):
        go(project)
    assert pages(project["out"]) == reports


@pytest.mark.slow
def test_a_declared_file_that_is_not_processed_fails_the_run_by_name(project):
    go(project)
    reports = pages(project["out"])
    notebook(project["notebooks"] / "00-toolkit.ipynb", BODY["00-toolkit"], ["toolkit_status.cvs"])
    with pytest.raises(NotebookFailed, match=r"00-toolkit.ipynb: metadata.iccwc.reads names toolkit_status.cvs, "
                                             r"not a file of .*processed \(it has: activities.csv"):
        go(project)
    assert pages(project["out"]) == reports
    assert not list(project["out"].glob(".staging-*"))


@pytest.mark.parametrize("meta, expected", [
    (None, None), ({}, None), ({"reads": []}, []),
    ({"reads": ["b.csv", "a.csv", "b.csv"]}, ["a.csv", "b.csv"]),
])
def test_notebook_reads(meta, expected):
    nb = nbformat.v4.new_notebook()
    if meta is not None:
        nb.metadata["iccwc"] = meta
    assert notebook_reads(nb, "x.ipynb") == expected


@pytest.mark.parametrize("reads", ["toolkit_status.csv", ["../raw/pins.csv"], [".fingerprint"], [1], [""]])
def test_a_bad_reads_declaration_is_refused_by_name(reads):
    nb = nbformat.v4.new_notebook()
    nb.metadata["iccwc"] = {"reads": reads}
    with pytest.raises(NotebookFailed, match=r"x.ipynb: metadata.iccwc.reads: expected a list of file names"):
        notebook_reads(nb, "x.ipynb")


def test_the_package_hash_covers_every_source_file(tmp_path):
    src = pipeline.Path(pipeline.__file__).resolve().parents[1]
    copy = tmp_path / "iccwc"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__"))
    h = pipeline._package_sha(copy)
    assert h == pipeline._package_sha(copy)
    deep = sorted(copy.rglob("*.py"))[-1]
    deep.write_text(deep.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert pipeline._package_sha(copy) != h


def test_the_real_notebooks_declare_what_they_read():
    """Each notebook of notebooks/ declares its reads (else any data change runs it again), only files
    of data/processed, and not datapackage.json unless it shows the sources (00: it changes with every
    dataset). Whether the declaration is complete is checked when they run (the audit hook)."""
    from iccwc import paths
    processed = {p.name for p in paths.PROCESSED.iterdir() if p.is_file()}
    for p in pipeline.find_notebooks():
        reads = notebook_reads(nbformat.read(p, as_version=4), p.name)
        assert reads, f"{p.name} declares no metadata.iccwc.reads"
        assert set(reads) <= processed, (p.name, set(reads) - processed)
        assert ("datapackage.json" in reads) == p.name.startswith("00-"), p.name
