"""`python -m iccwc run`: new data in data/raw -> processed data -> executed notebooks -> HTML reports.

Steps, each timed and reported as it goes:

0. **Lock and recover**: hold the data folder's lock (a second run waits, or stops with
   ``--wait 0``), then complete a switch an interrupted run began, or delete its leftovers
   (:mod:`iccwc.data.generations`).
1. **Check**: fingerprint the inputs (raw and curated files, the package's code, the
   notebooks, the parameters, the rendering tools), every file hashed in a stream. If nothing
   changed since the last successful run and its outputs are intact, stop: there is nothing to do.
2. **Validate and rebuild** the processed files *aside*, in ``data/.iccwc-state/gen-<id>/``
   (:func:`iccwc.data.build.build_files`; on bad input a :class:`~iccwc.errors.DataError` stops
   the run before anything is written). Skipped when the data inputs and the processed files are
   as the last run left them.
3. **Execute** every ``notebooks/*.ipynb`` (:mod:`iccwc.commands.execute`: nbclient's and
   jupyter_client's public API) on a few kernels reused from one notebook to the next, each
   notebook from a fresh session (:mod:`iccwc.commands.kernelside`), the longest first; the
   kernels start, and import what the notebooks import, during step 2; with
   the parameters injected papermill-style (a cell tagged ``injected-parameters`` after the
   cell tagged ``parameters``) and the widget state kept for the HTML; the kernels read the
   processed files built aside. When one notebook fails, the others are cancelled and every
   kernel is shut down.
4. **Render** each to HTML (:mod:`iccwc.site.render`) in ``<reports>/.staging-<id>/``, with
   ``index.html`` and the new ``.fingerprint``; then switch the whole generation (processed files
   and reports) in with one journaled switch (:func:`iccwc.data.generations.switch`).

   Pages are the reader's view (no code; ``--with-code`` for the author's) with downloads beside
   them (:mod:`iccwc.site.reader`); their scripts are in ``<reports>/_static/``, copied there
   before the check from the ``.vendor/`` cache (:mod:`iccwc.site.static_assets`; the only
   files written outside the switch: pinned, checked, and the same for every generation).

Until the switch, ``data/processed`` and the pages in ``reports/`` are not touched: a failing notebook, bad
data, Ctrl-C or a kill leave the previous generation whole. docs/pipeline.md has more.

The last run's fingerprint is kept in ``<reports>/.fingerprint`` (git-ignored with reports/).
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from iccwc import paths
# render and reader (nbformat, nbconvert) and execute (nbclient) are imported where they are used, so that a
# run with nothing to do starts in a fraction of a second (importing nbformat alone takes about 0.8 s).
from iccwc.site import static_assets
from iccwc.commands.versions import versions

STATE_FILE = ".fingerprint"
STATE_VERSION = 2
#: Each notebook's executed copy (its outputs and widget state), kept so that a page whose notebook need
#: not run again can be rendered again: ``<data>/.iccwc-state/executed/<reports folder's hash>/<notebook>.json``
#: (switched in with the generation; the reports folder itself holds only the pages).
EXECUTED_DIR = "executed"


def executed_dir(data_root: Path, out_dir: Path) -> Path:
    """Where the executed copies of the notebooks rendered into ``out_dir`` are kept."""
    from iccwc.data.generations import state_dir
    return state_dir(data_root) / EXECUTED_DIR / _sha(str(Path(out_dir).resolve()).encode())[:16]
#: Kernels executing notebooks at once, each reused from one notebook to the next: one per core
#: (at least 2, at most 4). More kernels than cores pay more starts and imports for no more CPU
#: (docs/benchmark.md, "Kernels reused").
DEFAULT_JOBS = max(2, min(4, os.cpu_count() or 1))
TOOLS = ("nbclient", "nbconvert", "nbformat", "ipywidgets", "ipyleaflet", "jupyter-leaflet", "ipykernel")


class NotebookFailed(RuntimeError):
    """A notebook raised while executing (the message names the notebook and the cell)."""


@dataclass
class RunResult:
    did_work: bool
    reason: str
    out_dir: Path
    outputs: dict[str, str] = field(default_factory=dict)      # file name -> sha256
    seconds: dict[str, float] = field(default_factory=dict)    # step or notebook -> seconds
    executed: list[str] = field(default_factory=list)          # the notebooks this run executed
    rendered: list[str] = field(default_factory=list)          # ... rendered again from their executed copy
    kept: list[str] = field(default_factory=list)              # ... whose pages were kept as they were
    changed: list[str] = field(default_factory=list)           # the processed files the rebuild changed
    #: With ``save`` (``iccwc update``): each executed notebook as it is to be saved (name -> bytes); the
    #: run's .fingerprint records these bytes' sha256, so that a run after they are saved has nothing to do.
    notebooks: dict[str, bytes] = field(default_factory=dict)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hash_dir(folder: Path) -> dict[str, str]:
    """sha256 of each (non-hidden) file of ``folder``, read in a stream."""
    from iccwc.data.generations import hash_folder
    return hash_folder(folder)


def _file_sha(p: Path, max_bytes: int | None = None) -> str:
    """sha256 of a regular file, read in a stream (a link, a device or a file over ``max_bytes`` is a DataError)."""
    from iccwc.data.provenance import sha256_of
    return sha256_of(p, max_bytes)


def find_notebooks(folder: Path | None = None) -> list[Path]:
    folder = Path(folder) if folder else paths.NOTEBOOKS
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def _slug(text: str) -> str:
    return "-".join(filter(None, "".join(c if c.isalnum() else "-" for c in text.lower()).split("-")))


def data_folder_name(data_dir=None) -> str | None:
    """The name that says which data folder a run reads: None for the repository's own ``data/``; else
    the folder's name, or its parent's when the folder is called ``data`` (``/tmp/try/data`` -> ``try``).
    ``data_dir`` None means ``$ICCWC_DATA_DIR`` when it is set.

    >>> data_folder_name() is None or "ICCWC_DATA_DIR" in __import__("os").environ
    True
    >>> data_folder_name("/tmp/try/data"), data_folder_name("/srv/SC67 copy")
    ('try', 'sc67-copy')
    """
    d = paths.data_dir(data_dir)
    if d == (paths.ROOT / "data").resolve():
        return None
    name = d.parent.name if d.name.lower() == "data" and d.parent.name else d.name
    return _slug(name) or "other"


def default_out_dir(region: str | None, data_dir=None) -> Path:
    """reports/ for a full run on the repository's data; reports/region-<name>/ for one region;
    reports/data-<folder>/ (and .../region-<name>/) for another data folder (:func:`data_folder_name`),
    so that no run replaces another's pages."""
    out = paths.REPORTS
    other = data_folder_name(data_dir)
    if other:
        out = out / f"data-{other}"
    return out / f"region-{_slug(region)}" if region else out


def _package_sha(package: Path | None = None) -> str:
    """A hash of the iccwc package's source code (every ``*.py`` under ``package``, default the
    installed package, by path and sha256)."""
    h = hashlib.sha256()
    package = Path(package) if package else Path(__file__).resolve().parents[1]
    for p in sorted(package.rglob("*.py")):
        h.update(p.relative_to(package).as_posix().encode() + b"\0" + _file_sha(p).encode() + b"\0")
    return h.hexdigest()


def fingerprint_parts(data_dir, notebooks: list[Path], parameters: dict) -> dict:
    """What a run depends on, piece by piece (so a rerun can say what changed). Each file is hashed once."""
    from iccwc.data.inputs import Inputs
    from iccwc.data.textio import MAX_BYTES
    inputs = Inputs.find(data_dir)
    root = inputs.layout["data"]

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root.parent))
        except ValueError:
            return str(p)
    return {
        "package": _package_sha(),
        "input_files": {rel(p): _file_sha(p, MAX_BYTES) for p in inputs.files()},
        "notebooks": {p.name: _file_sha(p) for p in notebooks},
        "parameters": parameters,
        "tools": versions(TOOLS),
    }


def _combined(parts: dict) -> str:
    return _sha(json.dumps(parts, sort_keys=True).encode())


def _read_state(out_dir: Path) -> dict | None:
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        return state if state.get("version") == STATE_VERSION else None
    except (OSError, ValueError):
        return None


def _what_changed(old: dict | None, parts: dict, out_dir: Path, processed: Path, processed_now: dict,
                  out_now: dict) -> list[str]:
    """Reasons to run; empty when the last run's outputs are current. ``processed_now``, ``out_now``:
    the hashes of ``processed`` and ``out_dir`` (each folder is hashed once per run)."""
    if old is None:
        return [f"no previous run recorded in {out_dir / STATE_FILE}"]
    why = []
    before = old["parts"]
    files_old, files_new = before.get("input_files", {}), parts["input_files"]
    for name in sorted(set(files_old) | set(files_new)):
        if name not in files_old:
            why.append(f"new input: {name}")
        elif name not in files_new:
            why.append(f"input removed: {name}")
        elif files_old[name] != files_new[name]:
            why.append(f"input changed: {name}")
    if not why and before.get("package") != parts["package"]:
        why.append("the iccwc package's code changed")
    nb_old, nb_new = before.get("notebooks", {}), parts["notebooks"]
    for name in sorted(set(nb_old) | set(nb_new)):
        if nb_old.get(name) != nb_new.get(name):
            why.append(f"notebook {'added' if name not in nb_old else 'removed' if name not in nb_new else 'changed'}: "
                       f"{name}")
    if before.get("parameters") != parts["parameters"]:
        why.append(f"parameters changed: {before.get('parameters')} -> {parts['parameters']}")
    if before.get("tools") != parts["tools"]:
        why.append("tool versions changed")
    if "render" in parts and before.get("render") != parts["render"]:
        why.append(f"render options changed: {before.get('render')} -> {parts['render']}")
    if old.get("processed") != processed_now:
        why.append(f"{processed} differs from what the last run wrote")
    now = out_now
    for name, sha in old.get("outputs", {}).items():
        p = out_dir / name
        if name not in now:
            why.append(f"output missing: {p}")
        elif now[name] != sha:
            why.append(f"output modified: {p}")
    return why


# --------------------------------------------------------------------------- parameters

def inject_parameters(nb, parameters: dict, name: str = "notebook"):
    """Papermill-style: a cell tagged ``injected-parameters`` right after the ``parameters`` cell.

    Returns the names the notebook's parameters cell does not define (they are still injected).
    """
    import nbformat
    if not parameters:
        return []
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    at = next((i for i, c in enumerate(nb.cells)
               if c.cell_type == "code" and "parameters" in c.get("metadata", {}).get("tags", [])), None)
    if at is None:
        raise NotebookFailed(f"{name} has no code cell tagged 'parameters', so it cannot take "
                             f"{', '.join(parameters)} (add the tag in JupyterLab: Property Inspector)")
    source = "# Parameters injected by `python -m iccwc run`\n" + "\n".join(
        f"{k} = {v!r}" for k, v in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(at + 1, cell)
    declared = nb.cells[at].source
    return [k for k in parameters if not any(line.split("=")[0].strip() == k for line in declared.splitlines())]


# --------------------------------------------------------------------------- execution

def _failure_message(path: Path, exc: BaseException) -> str:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    rel = path.name
    if isinstance(exc, CellExecutionError):
        tail = "\n".join(str(exc).strip().splitlines()[-6:])
        return f"{rel}: a cell raised {exc.ename}: {exc.evalue}\n{tail}"
    if isinstance(exc, CellTimeoutError):
        return f"{rel}: a cell timed out ({exc})"
    stderr = getattr(exc, "kernel_stderr", "")
    said = f"\nThe kernel's last words (stderr):\n{stderr}" if stderr else ""
    if isinstance(exc, DeadKernelError):
        return f"{rel}: the kernel died ({exc}){said}"
    return f"{rel}: {type(exc).__name__}: {exc}{said}"


# --------------------------------------------------------------------------- the run

def _one_line_at_a_time(log):
    """Progress comes from several threads (kernels, renders): keep each line whole."""
    lock = threading.Lock()

    def locked(*args, **kwargs):
        with lock:
            log(*args, **kwargs)
    return locked


def run(data_dir=None, *, region: str | None = None, status_date: str | None = None,
        notebooks_dir: Path | None = None, out_dir: Path | None = None, force: bool = False,
        jobs: int | None = None, timeout: int = 600, wait: float | None = None, with_code: bool = False,
        log=print, save: bool = False) -> RunResult:
    """Validate, rebuild, execute and render; see the module docs. Raises DataError, NotebookFailed
    or :class:`iccwc.data.generations.Busy` (another run holds the data folder and ``wait`` ran out).

    ``save`` is for ``iccwc update``, which saves the notebooks this run executes and renders the pages
    from that same execution: every notebook is executed (as with ``force``) as it is saved: with its
    own default parameters (the data folder reaches the kernels in ``$ICCWC_DATA_DIR``, not as an
    injected ``data_dir``: the same data) and without execution timestamps; ``RunResult.notebooks``
    holds the bytes to save (no widget state: that stays in the pages and the executed copies)."""
    from iccwc.data import generations
    if save and (region is not None or status_date is not None):
        raise ValueError("run(save=True) executes the notebooks with their saved defaults: no region or "
                         "status_date")
    force = force or save
    t_start = time.perf_counter()
    log = _one_line_at_a_time(log)
    notebooks = find_notebooks(notebooks_dir)
    out_dir = Path(out_dir) if out_dir else default_out_dir(region, data_dir)
    lay = paths.layout(data_dir)
    processed = lay["processed"]
    parameters = {}
    if data_dir is not None:
        parameters["data_dir"] = str(lay["data"])
    if status_date is not None:
        parameters["status_date"] = status_date
    if region is not None:
        parameters["region"] = region

    log(f"iccwc run: {len(notebooks)} notebook(s) in {notebooks_dir or paths.NOTEBOOKS}, data in {lay['data']}, "
        f"reports to {out_dir}" + (f", parameters {parameters}" if parameters else ""))
    # One run per data folder (and per reports folder) at a time; the lock is released however this ends.
    with generations.hold(lay["data"], wait=wait, log=log):
        out_dir.mkdir(parents=True, exist_ok=True)
        with generations.hold_folder(out_dir, wait=wait, log=log):
            generations.recover(lay["data"], [out_dir], log=log)
            assets = _static_assets(out_dir, log) if notebooks else static_assets.Assets(False, "no notebooks")
            return _checked_run(data_dir, lay, notebooks, notebooks_dir, out_dir, processed, parameters, force,
                                jobs, timeout, log, t_start, RenderOptions(with_code, assets), save=save)


@dataclass
class RenderOptions:
    """How pages are rendered: the reader's view or with code; scripts from _static/ or the CDN."""
    with_code: bool = False
    assets: static_assets.Assets = field(default_factory=lambda: static_assets.Assets(False, "not prepared"))

    def record(self) -> dict:
        return {"with_code": self.with_code, "scripts": "_static" if self.assets.local else "cdn"}


def _static_assets(out_dir: Path, log) -> static_assets.Assets:
    """The pages' scripts in ``out_dir/_static/`` (from the .vendor/ cache, or npm pack, checked); when
    that is impossible, say so and fall back to the CDN (the pages then need internet)."""
    assets, packages = static_assets.prepare()
    if assets.local:
        try:
            written = static_assets.install(out_dir, packages)
        except static_assets.VendorError as exc:
            assets = static_assets.Assets(False, str(exc))
    if not assets.local:
        msg = (f"WARNING: the pages' scripts could not be vendored ({assets.reason}); the pages will load them "
               f"from {static_assets.CDN} and need internet to show maps and widgets. Install npm (or run "
               "`make vendor` where the npm registry is reachable) and run again with --force.")
        log(msg)
        print(msg, file=sys.stderr)
        return assets
    if written:
        log(f"      {len(written)} script/font file(s) copied to {out_dir / static_assets.STATIC} "
            f"({static_assets.static_bytes(out_dir) / 1024 / 1024:.1f} MB in all)")
    return assets


def _checked_run(data_dir, lay, notebooks, notebooks_dir, out_dir, processed, parameters, force, jobs, timeout,
                 log, t_start, options: RenderOptions | None = None, save: bool = False) -> RunResult:
    options = options or RenderOptions()
    log("[1/4] Checking what changed ...")
    parts = fingerprint_parts(data_dir, notebooks, parameters)
    parts["render"] = options.record()
    old = _read_state(out_dir)
    processed_now, out_now = _hash_dir(processed), _hash_dir(out_dir)
    why = _what_changed(old, parts, out_dir, processed, processed_now, out_now)
    if not why and not force:
        secs = time.perf_counter() - t_start
        log(f"      nothing changed since the last run ({old.get('finished', '?')}): inputs, package, notebooks "
            f"and parameters are the same and its {len(old['outputs'])} output(s) in {out_dir} are intact.")
        log(f"Nothing to do ({secs:.2f} s). Use --force to run anyway.")
        return RunResult(False, "nothing changed", out_dir, old["outputs"], {"check": secs},
                         kept=[p.name for p in notebooks])
    for reason in (why or ["iccwc update: every notebook is executed and saved" if save else "--force"])[:12]:
        log(f"      {reason}")
    if len(why) > 12:
        log(f"      ... and {len(why) - 12} more")
    if not notebooks:
        log("      (no notebooks found: only the data are rebuilt)")
    seconds = {"check": time.perf_counter() - t_start}
    with rare_full_collections():
        return run_coroutine(_run_async(data_dir, lay, notebooks, notebooks_dir or paths.NOTEBOOKS, out_dir,
                                         processed, parameters, parts, old, why, force, jobs or DEFAULT_JOBS, timeout,
                                         log, seconds, t_start, options, processed_now, out_now, save=save))


#: While a run works, Python's full collections (of its oldest generation) wait for this many collections
#: of the generation below, instead of 10 (:func:`rare_full_collections`).
FULL_COLLECTION_AFTER = 1000


@contextlib.contextmanager
def rare_full_collections():
    """Python's full garbage collections made rare while a run works; the thresholds restored after.

    The run's process decodes every message its kernels send (several MB of JSON: the charts' specs and
    data, the widgets' states) into objects it keeps until the pages are written, and the rebuild's and
    the renderer's objects join them. With Python's default thresholds a full collection then walks all
    of them again every ten collections of the younger generation: 0.6-0.7 of the process's 3.2 CPU-s,
    measured on 2 cores (docs/benchmark.md, "Fifth round"). The younger generations are still collected
    as usual, so short-lived reference cycles are freed as before; the process's peak memory was the same
    (369 MB either way). Process-wide, as Python's collector is."""
    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], FULL_COLLECTION_AFTER))
    try:
        yield
    finally:
        gc.set_threshold(*before)


def run_coroutine(coro):
    """asyncio.run, or in a worker thread when a loop already runs here (Jupyter, playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


# --------------------------------------------------------------------------- what each notebook depends on

def notebook_reads(nb, name: str) -> list[str] | None:
    """The processed files a notebook declares it reads (``metadata.iccwc.reads``, file names in
    data/processed such as ``"toolkit_status.csv"``), sorted; None when it declares nothing: it then
    depends on every processed file. A declaration that is not a list of file names is refused."""
    meta = nb.get("metadata", {}).get("iccwc")
    if meta is None or (isinstance(meta, dict) and "reads" not in meta):
        return None
    reads = meta.get("reads") if isinstance(meta, dict) else meta
    if not (isinstance(reads, list) and all(isinstance(r, str) and r and not r.startswith(".")
                                            and "/" not in r and "\\" not in r for r in reads)):
        raise NotebookFailed(f"{name}: metadata.iccwc.reads: expected a list of file names of data/processed "
                             f"(such as [\"toolkit_status.csv\", \"datapackage.json\"]), found {reads!r}")
    return sorted(set(reads))


def _guard(name: str, reads: list[str], known, folders) -> str:
    """The kernel-side read guard for one notebook (:func:`iccwc.commands.kernelside.guard`), as code: sent
    before its first cell, when it declares its reads. Opening a file of the processed folder that the
    declaration does not list fails the cell that does it, with a message naming the notebook and the
    file (an undeclared read would leave the page stale after a change)."""
    return (f'__import__("iccwc.commands.kernelside", fromlist=["_"]).guard('
            f'{name!r}, {sorted(reads)!r}, {sorted(known)!r}, {[str(f) for f in folders]!r})\n')


def _rows_for(rows: dict, reads: list[str] | None) -> dict:
    """The row counts a page states: of the datasets its notebook reads (all when it declares nothing)."""
    if reads is None:
        return rows
    from iccwc.data.schemas import DATASETS
    return {k: v for k, v in rows.items() if k in DATASETS and DATASETS[k].filename in reads}


def _execution_key(parts: dict, name: str, reads: list[str] | None, processed_after: dict, site) -> str:
    """What a notebook's outputs depend on: its own file, the package's code, the parameters, the
    tools and libraries, and the processed files it reads (all of them when it declares nothing)."""
    files = processed_after if reads is None else {r: processed_after.get(r) for r in reads}
    return _combined({"notebook": parts["notebooks"].get(name), "package": parts["package"],
                      "parameters": parts["parameters"], "tools": parts["tools"], "versions": site.versions,
                      "reads": files})


def _page_key(execution_key: str, site, reads: list[str] | None) -> str:
    """What a page shows besides its notebook's outputs: the data's sources, dates and row counts,
    the page order, the render options (the time it was generated is not compared)."""
    st = site.status
    return _combined({"execution": execution_key, "as_of": site.as_of, "source_line": site.source_line(reads),
                      "sources": st.get("sources", []), "dates": st.get("toolkit_status_dates", []),
                      "rows": _rows_for(st.get("rows", {}), reads), "order": site.order,
                      "parameters": site.parameters, "render": site.options.record(), "profiles": site.profiles})


def _read_executed(folder: Path, name: str, sha: str | None):
    """The executed copy of notebook ``name`` the last run kept in ``folder``, if it is there unmodified:
    (nb, widget state); else None."""
    import nbformat
    try:
        data = (folder / (name + ".json")).read_bytes()
    except OSError:
        return None
    if sha is None or _sha(data) != sha:
        return None
    saved = json.loads(data)
    return nbformat.from_dict(saved["notebook"]), saved.get("widget_state")


async def _run_async(data_dir, lay, notebooks, nb_dir, out_dir, processed, parameters, parts, old, why, force,
                     jobs, timeout, log, seconds, t_start, options: RenderOptions | None = None,
                     processed_now: dict | None = None, out_now: dict | None = None, save: bool = False) -> RunResult:
    """Build the new generation aside (processed files, reports, .fingerprint), then switch it in.

    Only the notebooks whose inputs changed (:func:`_execution_key`) are executed; a page whose
    notebook need not run again but whose surroundings changed (:func:`_page_key`: the sources, the
    page order ...) is rendered again from the executed copy the last run kept; the other pages are
    kept as they are (byte for byte), and listed in the new generation's ``.fingerprint``.
    ``save``: see :func:`run` (every notebook is executed then: ``force`` is set).

    The kernels are started first, with jupyter_client alone: they boot while nbformat, nbclient and
    the renderer are imported (:func:`_import_for_run`) and the notebooks read, then import what the
    notebooks import while the data are rebuilt."""
    from iccwc.data import generations

    root = lay["data"]
    processed_now = _hash_dir(processed) if processed_now is None else processed_now
    out_now = _hash_dir(out_dir) if out_now is None else out_now
    generation = generations.new_id()
    gen_dir = generations.state_dir(root) / (generations.GEN_PREFIX + generation)   # the data built aside
    staged_processed = gen_dir / "processed"
    staging = out_dir / (generations.OUT_STAGING_PREFIX + generation)                # the reports built aside
    copies, staged_copies = executed_dir(root, out_dir), gen_dir / EXECUTED_DIR      # the executed notebooks
    data_unchanged = (old is not None and not force
                      and old["parts"].get("input_files") == parts["input_files"]
                      and old["parts"].get("package") == parts["package"]
                      and old.get("processed") == processed_now)
    # The kernels read the processed files being built (not yet in data/processed): each gets this
    # before its notebook's first cell (sent silently: it is not part of the notebook).
    redirect = "" if data_unchanged else (
        "from iccwc.data.generations import redirect_processed as _iccwc_redirect\n"
        f"_iccwc_redirect({str(root)!r}, {str(staged_processed)!r})\ndel _iccwc_redirect\n")
    known = set(processed_now) | {p.name for p in paths.layout(data_dir)["processed"].glob("*") if p.is_file()}

    loaded, reads, nbs = [], {}, {}
    options = options or RenderOptions()

    # Which notebooks must run whatever the data: new, edited, forced, or the code or settings changed.
    pages_old = (old or {}).get("pages", {}) if old is not None else {}
    before = (old or {}).get("parts", {})
    common = [k for k in ("package", "parameters", "tools") if before.get(k) != parts[k]]
    certain = {}
    for p in notebooks:
        if force:
            certain[p.name] = "iccwc update: executed once, saved and rendered" if save else "--force"
        elif p.name not in pages_old:
            certain[p.name] = "not run before"
        elif before.get("notebooks", {}).get(p.name) != parts["notebooks"][p.name]:
            certain[p.name] = "the notebook changed"
        elif common:
            certain[p.name] = ", ".join(common) + " changed"

    gate = asyncio.Event()
    # What the kernels import ahead, once the notebooks are read (they boot meanwhile).
    imports = asyncio.get_running_loop().create_future()

    def setup_for(name: str) -> str | None:
        code = redirect + (_guard(name, reads[name], known | set(reads[name]), [processed, staged_processed])
                           if reads[name] is not None else "")
        return code or None

    # With ``save``, the notebooks run as they are saved: default parameters, the data folder in the
    # environment, no timestamps (update's own execution did the same).
    env = {**os.environ, "ICCWC_DATA_DIR": str(root)} if save else None
    from iccwc.commands.execute import KernelPool
    from iccwc.commands import forked
    pool = KernelPool(cwd=nb_dir, timeout=timeout, gate=gate, prepare=imports, env=env, record_timing=not save,
                      log=log, forked=forked.usable())
    remembered = generations.remembered_seconds(root)
    costs = {p.name: _expected_seconds(pages_old.get(p.name), remembered.get(p.name)) for p in notebooks}
    tasks: dict[str, asyncio.Future] = {}

    def start(p: Path):
        tasks[p.name] = pool.submit(p.name, nbs[p], setup=setup_for(p.name), cost=costs[p.name])
        pool.grow(min(jobs, len(tasks)))

    # Kernels start now and boot (and import) while the data are validated and rebuilt; cells run after.
    pool.grow(min(jobs, len(certain)))
    renders, warm, rebuilt = [], None, None
    try:
        t0 = time.perf_counter()
        staging.mkdir()
        (staging / generations.JOURNAL_MARK).write_text(
            str(generations.state_dir(root) / generations.JOURNAL_NAME), encoding="utf-8")
        await pool.until_launched(pool.size)
        changed: list[str] = []
        if data_unchanged:
            log("[2/4] Data inputs unchanged since the last run: rebuild skipped")
        else:
            log(f"[2/4] Validating {root}/raw and rebuilding {processed} (aside, in {gen_dir}) ...")
            rebuilt = asyncio.ensure_future(asyncio.to_thread(_stage_rebuild, data_dir, processed_now,
                                                              staged_processed))
        # The kernels' imports, from the notebooks' JSON (no nbformat yet): the kernels import them as soon as
        # they have booted, while the data are rebuilt and, here, nbformat, nbclient and the renderer are
        # imported (aside: the event loop answers the kernels meanwhile), the notebooks read and their
        # parameters injected, the HTML exporter built.
        imports.set_result(_imports_ahead(notebooks))
        render = await asyncio.to_thread(_import_for_run)
        import nbformat
        warm = asyncio.ensure_future(asyncio.to_thread(render.exporter, options.with_code))
        for p in notebooks:
            nb = nbformat.read(p, as_version=4)
            reads[p.name] = notebook_reads(nb, p.name)
            missing = inject_parameters(nb, {} if save else parameters, p.name)
            if missing:
                log(f"      note: {p.name} declares no {', '.join(missing)} in its parameters cell")
            loaded.append((p, nb))
            nbs[p] = nb
            if p.name in certain:
                start(p)
        if rebuilt is None:
            processed_after = dict(processed_now)
        else:
            changed, staged_hashes = await rebuilt
            processed_after = {**processed_now, **{n: staged_hashes[n] for n in changed}}
            log(f"      {len(changed)} file(s) to update, {time.perf_counter() - t0:.1f} s")
        seconds["rebuild"] = time.perf_counter() - t0
        gate.set()
        for name, r in reads.items():
            unknown = [f for f in r or [] if f not in processed_after]
            if unknown:
                raise NotebookFailed(f"{name}: metadata.iccwc.reads names {', '.join(unknown)}, not a file of "
                                     f"{processed} (it has: {', '.join(sorted(processed_after))})")
        # What every page says about its data (sources, dates), from the data the kernels read.
        site = await asyncio.to_thread(_site_context, data_dir if data_unchanged else gen_dir, loaded, options,
                                       parameters)
        keys = {}
        for p, _ in loaded:
            ek = _execution_key(parts, p.name, reads[p.name], processed_after, site)
            keys[p.name] = (ek, _page_key(ek, site, reads[p.name]))

        # The others: executed again if what they read changed; rendered again from their executed
        # copy if only their page's surroundings changed; else kept.
        rerender, kept = {}, []
        for p, _ in loaded:
            if p.name in certain:
                continue
            po = pages_old[p.name]
            files_intact = all(out_now.get(f) == (old.get("outputs") or {}).get(f) and f in out_now
                               for f in po.get("files", []))
            if po.get("execution_key") != keys[p.name][0]:
                certain[p.name] = "what it reads changed"
            elif po.get("page_key") == keys[p.name][1] and files_intact:
                kept.append(p.name)
            else:
                copy = _read_executed(copies, p.name, po.get("executed"))
                if copy is None:
                    certain[p.name] = "its page must be rendered again and its executed copy is missing"
                else:
                    rerender[p.name] = copy
            if p.name in certain:
                start(p)
        pool.close()
        n_exec = len(tasks)
        log(f"[3/4] Executing {n_exec} of {len(notebooks)} notebook(s) on {pool.size} kernel(s), each reused from "
            "one notebook to the next; [4/4] rendering each to HTML as it finishes ...")
        for name in sorted(certain):
            log(f"      to execute: {name} ({certain[name]})")
        for name in sorted(rerender):
            log(f"      to render again from its executed copy: {name} (only its page's surroundings changed)")
        for name in kept:
            log(f"      kept: {name} (nothing it depends on changed)")
        entries, outputs, executed_copies = [], {}, {}
        for name, (nb, state) in sorted(rerender.items()):
            secs = pages_old[name].get("entry", {}).get("seconds", 0.0)
            renders.append(asyncio.ensure_future(asyncio.to_thread(
                _render_one, nb_dir / name, nb, state, staging, secs, log, site, reads[name], None)))
        by_task = {t: name for name, t in tasks.items()}
        pending = set(tasks.values())
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                name = by_task[task]
                path = nb_dir / name
                try:
                    secs, state = task.result()
                except Exception as exc:  # noqa: BLE001 - reported with the notebook's name
                    raise NotebookFailed(_failure_message(path, exc)) from exc
                seconds[name] = secs
                log(f"      finished {name} in {secs:.1f} s")
                renders.append(asyncio.ensure_future(asyncio.to_thread(
                    _render_one, path, nbs[path], state, staging, secs, log, site, reads[name], staged_copies)))
        await warm
        for r in renders:
            entry = await r
            entries.append(entry)
        for name in kept:
            entries.append(render.Entry(**{**pages_old[name]["entry"],
                                           "downloads": tuple(pages_old[name]["entry"].get("downloads", ()))}))
        entries.sort(key=lambda e: e.notebook)
        saved = {}
        if save:                  # what update saves; the fingerprint records these bytes, not the files read
            for p, nb in loaded:
                saved[p.name] = nbformat.writes(nb).encode("utf-8") + b"\n"
                parts["notebooks"][p.name] = _sha(saved[p.name])
            for p, _ in loaded:
                ek = _execution_key(parts, p.name, reads[p.name], processed_after, site)
                keys[p.name] = (ek, _page_key(ek, site, reads[p.name]))
        t0 = time.perf_counter()
        index = await asyncio.to_thread(_index, data_dir if data_unchanged else gen_dir, entries, parameters,
                                        shown_dir=root, status=site.status if site.status.get("stages") else None)
        generations.write_durably(staging / "index.html", index.encode("utf-8"))
        outputs = _hash_dir(staging)
        old_outputs = (old or {}).get("outputs", {})
        for name in kept:                                   # kept pages: part of this generation as they are
            outputs.update({f: old_outputs[f] for f in pages_old[name]["files"]})
        executed_copies = _hash_dir(staged_copies)
        pages = {}
        for e in entries:
            files = [e.file, *e.downloads]
            copy = (e.notebook + ".json")
            pages[e.notebook] = {"execution_key": keys[e.notebook][0], "page_key": keys[e.notebook][1],
                                 "files": files, "entry": _entry_record(e),
                                 "executed": executed_copies.get(copy, pages_old.get(e.notebook, {}).get("executed")),
                                 "cost": pool.cpu_seconds.get(e.notebook, pages_old.get(e.notebook, {}).get("cost"))}

        # The new generation is complete aside: its record of processed, its .fingerprint, then the switch.
        processed_gen = generations.processed_generation(root)
        moves = [(staged_processed / n, processed / n) for n in changed]
        if changed or processed_gen is None:
            processed_gen = generation
            record = gen_dir / generations.PROCESSED_RECORD
            gen_dir.mkdir(parents=True, exist_ok=True)       # (not there when the rebuild was skipped)
            generations.write_durably(record, generations.processed_record(generation, processed_after))
            moves.append((record, generations.state_dir(root) / generations.PROCESSED_RECORD))
        moves += [(staging / n, out_dir / n) for n in outputs if (staging / n).exists()]
        moves += [(staged_copies / n, copies / n) for n in executed_copies]
        seconds["render_index"] = time.perf_counter() - t0
        seconds["total"] = time.perf_counter() - t_start
        state = {"version": STATE_VERSION, "fingerprint": _combined(parts), "parts": parts, "outputs": outputs,
                 "processed": processed_after, "generation": generation, "processed_generation": processed_gen,
                 "pages": pages, "seconds": seconds,
                 "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        generations.write_durably(staging / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))
        moves.append((staging / STATE_FILE, out_dir / STATE_FILE))          # last
        stale = [out_dir / n for n in old_outputs if n not in outputs]
        stale += [copies / (n + ".json") for n in pages_old if n not in pages]
        processed.mkdir(parents=True, exist_ok=True)
        generations.switch(root, generation, moves, stale, [gen_dir, staging])
        generations.remember_seconds(root, {**remembered, **{n: pool.cpu_seconds.get(n, seconds[n])
                                                             for n in tasks if n in seconds}})
        await pool.wait_closed()          # the kernels shut down meanwhile (since their last notebook)
        for e in entries:
            log(f"      {out_dir / e.file}  ({(out_dir / e.file).stat().st_size / 1024:.0f} KB)"
                + ("  (kept)" if e.notebook in kept else ""))
        log(f"      {out_dir / 'index.html'}")
        if changed:
            log(f"      {processed}: {len(changed)} file(s) updated ({', '.join(changed)})")
        log(f"Done in {seconds['total']:.1f} s (generation {generation}): {n_exec} notebook(s) executed, "
            f"{len(rerender)} rendered again, {len(kept)} kept.")
        return RunResult(True, "; ".join(why) or "forced", out_dir, outputs, seconds, executed=sorted(tasks),
                         rendered=sorted(rerender), kept=kept, changed=list(changed), notebooks=saved)
    except BaseException:
        gate.set()
        if not imports.done():
            imports.set_result(None)
        await pool.aclose()
        await asyncio.gather(*renders, *(f for f in (warm, rebuilt) if f is not None), return_exceptions=True)
        if not (generations.state_dir(root) / generations.JOURNAL_NAME).exists():
            shutil.rmtree(gen_dir, ignore_errors=True)
            shutil.rmtree(staging, ignore_errors=True)
            log(f"      {processed} and {out_dir} left as they were (the new files were built aside, and are "
                "removed)")
        else:                            # the switch began (Ctrl-C, an error): complete it now if possible
            try:
                generations.recover(root, [out_dir], log=log)
                log(f"      the switch to generation {generation} was interrupted, and has been completed")
            except Exception:  # noqa: BLE001 - the journal stays: the next start completes it
                log(f"      the switch to generation {generation} was interrupted; the next run completes it")
        raise


def _expected_seconds(page: dict | None, remembered: float | None = None) -> float:
    """What a notebook cost to execute last time, to start the costliest first: its page's record in this
    reports folder (its kernel's CPU seconds, :attr:`iccwc.commands.execute.KernelPool.cpu_seconds`; else,
    from an older record, its wall seconds), else what the data folder remembers of any run or update
    (another ``--out``: :func:`iccwc.data.generations.remembered_seconds`); one never executed goes first.

    CPU seconds, because the wall seconds grow with what else ran meanwhile (the other kernel, the pages
    being rendered): ordered by them, a run started a 3-second notebook last after a run where it had
    waited, and took 10-13 s where the order by cost takes 9-10 (docs/benchmark.md, fourth round)."""
    secs = (page or {}).get("cost")
    if not isinstance(secs, (int, float)):
        secs = ((page or {}).get("entry") or {}).get("seconds")
    if not isinstance(secs, (int, float)):
        secs = remembered
    return float(secs) if isinstance(secs, (int, float)) else float("inf")


def _imports_ahead(notebooks: list[Path]) -> str | None:
    """What the kernels import before their first notebook: the notebooks' import lines, read from their
    JSON (:func:`iccwc.commands.execute.import_lines`); a notebook that is no JSON is left out (reading it
    fails with its own message later)."""
    from iccwc.commands.execute import import_lines, prepare_code
    readable = []
    for p in notebooks:
        try:
            readable.append(json.loads(p.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
    try:
        lines = import_lines(readable)
    except (KeyError, TypeError):        # not a notebook's shape: nothing imported ahead
        return None
    return prepare_code(lines) if lines else None


def _import_for_run():
    """nbformat, nbclient and the renderer, imported for a run that has work to do (about a second on
    a small machine, most of it jsonschema's, which nbformat imports); returns the renderer's module."""
    from importlib import import_module
    import_module("nbformat")
    import_module("nbclient")
    return import_module("iccwc.site.render")


def _entry_record(e) -> dict:
    from dataclasses import asdict
    rec = asdict(e)
    rec["downloads"] = list(rec.get("downloads", ()))
    return rec


def _stage_rebuild(data_dir, current: dict, staged: Path) -> tuple[list[str], dict]:
    """Validate and build every processed file into ``staged`` (fsync'd); return the names that differ
    from ``current`` (the hashes of data/processed: those the switch moves in) and every built file's hash."""
    from iccwc.data.build import build_files
    from iccwc.data import generations
    files = build_files(data_dir)
    staged.mkdir(parents=True)
    changed, hashes = [], {}
    for name, data in files.items():
        generations.write_durably(staged / name, data)
        hashes[name] = _sha(data)
        if current.get(name) != hashes[name]:
            changed.append(name)
    generations.pause_point("staged")
    return changed, hashes


@dataclass
class SiteContext:
    """What every page of a run shares: the data's sources and dates, the software, the page order."""
    options: RenderOptions
    status: dict
    versions: dict
    generated: str
    order: list[tuple[str, str]]          # (notebook stem, title), in index order
    parameters: dict = field(default_factory=dict)
    profiles: dict | None = None          # {href, countries: {name: ISO3}} when the site has a profiles page

    @property
    def as_of(self) -> str:
        dates = self.status.get("toolkit_status_dates") or []
        return dates[-1] if dates else ""

    def data_dates(self, reads: list[str] | None = None) -> str:
        """What dates the data of a page cover, dataset by dataset (``reads``: the processed files the notebook
        reads; None: every dataset), from ``data_status()["date_ranges"]``: "adoption dates 2011-07 to 2019-10;
        Toolkit status dates 2015-11-09". Empty when the status has no ranges."""
        ranges = self.status.get("date_ranges") or {}
        wanted = None if reads is None else {Path(r).stem for r in reads}
        parts = []
        for name, r in ranges.items():
            if wanted is not None and name not in wanted:
                continue
            span = r["first"] if r["first"] == r["last"] else f"{r['first']} to {r['last']}"
            parts.append(f"{r['what']} {span}")
        return "; ".join(parts)

    def source_line(self, reads: list[str] | None = None) -> str:
        titles = "; ".join(f"{s.get('issuer', '')} ({s.get('issued', '')})" for s in self.status.get("sources", [])[:3])
        more = len(self.status.get("sources", [])) - 3
        dates = self.data_dates(reads)
        return (titles + (f" and {more} more" if more > 0 else "")
                + (f"; data: {dates}" if dates else "") + "; details under How this was made")


def _site_context(data_dir, loaded, options: RenderOptions, parameters: dict | None = None) -> SiteContext:
    from iccwc.site import render
    from iccwc.commands.versions import PACKAGES
    from iccwc.data.load import data_status
    try:
        status = data_status(data_dir)
    except Exception:  # noqa: BLE001 - the pages still render, saying the data's status is unknown
        status = {"sources": [], "toolkit_status_dates": [], "rows": {}}
    order = [(p.stem, render.notebook_title(nb, p.stem)) for p, nb in loaded]
    return SiteContext(options, status, versions(list(dict.fromkeys(PACKAGES + list(TOOLS)))),
                       datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), order, dict(parameters or {}),
                       render.profile_links(data_dir, order))


def _render_one(path: Path, nb, widget_state, staging: Path, secs: float, log, site: SiteContext | None = None,
                reads: list[str] | None = None, keep_copy: Path | None = None):
    """Render one executed notebook into ``staging``; with ``keep_copy`` (a folder), also save its
    executed copy (with the widget state) there, from which a later run can render the page again."""
    t0 = time.perf_counter()
    from iccwc.site import reader, render
    from iccwc.data.generations import pause_point, write_durably
    if keep_copy:
        keep_copy.mkdir(parents=True, exist_ok=True)
        write_durably(keep_copy / (path.name + ".json"),
                      json.dumps({"notebook": nb, "widget_state": widget_state}).encode("utf-8"))
    title = render.notebook_title(nb, path.stem)
    site = site or _site_context(None, [(path, nb)], RenderOptions())
    st = site.status
    if widget_state is None:
        widget_state = nb.get("metadata", {}).get("widgets", {}).get(render.WIDGET_STATE)
    stems = [s for s, _ in site.order]
    page = reader.prepare(nb, path.stem, as_of=site.as_of, source_line=site.source_line(reads),
                          with_code=site.options.with_code, sources=st.get("sources", []), pages=set(stems),
                          view_kinds=reader.view_kinds(widget_state, render.displayed_models(nb)))
    i = stems.index(path.stem) if path.stem in stems else -1
    prev = render.Link(f"{stems[i - 1]}.html", site.order[i - 1][1]) if i > 0 else None
    nxt = render.Link(f"{stems[i + 1]}.html", site.order[i + 1][1]) if 0 <= i < len(stems) - 1 else None
    target_name = path.stem + ".html"
    made = reader.made(st.get("sources", []), site.data_dates(reads), site.versions, site.generated,
                       site.parameters, nb)
    body = render.notebook_html(page.nb, title, widget_state, with_code=site.options.with_code,
                                assets=site.options.assets, page={"nav": render.nav(prev, nxt), "made": made},
                                profiles=site.profiles if site.profiles and site.profiles["href"] != target_name else None)
    target = staging / (path.stem + ".html")
    for d in page.downloads:
        write_durably(staging / d.name, d.data)
    write_durably(target, body.encode("utf-8"))
    log(f"      rendered {target.name} ({len(body.encode()) / 1024:.0f} KB, {len(page.downloads)} download(s)) "
        f"in {time.perf_counter() - t0:.1f} s")
    pause_point("rendered")
    return render.Entry(target.name, path.name, title, render.notebook_summary(nb), secs, site.data_dates(reads) or site.as_of,
                        tuple(d.name for d in page.downloads))


def _index(data_dir, entries, parameters, shown_dir: Path, status: dict | None = None) -> str:
    """The index page, on the processed files under ``data_dir`` (the generation built aside when
    the data were rebuilt), naming ``shown_dir`` (the data folder it is switched into) as the data.
    ``status``: their :func:`iccwc.data.load.data_status` when already computed (the site's)."""
    from iccwc.site import render
    from iccwc.data.load import data_status
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    status = dict(status) if status is not None else data_status(data_dir)
    status["data_dir"] = str(shown_dir)
    return render.index_html(entries, generated=generated, status=status, parameters=parameters)


# --------------------------------------------------------------------------- command line

def add_arguments(sp) -> None:
    sp.add_argument("--region", default=None,
                    help="render the notebooks for one region (passed to each notebook's parameters cell); "
                         "reports go to reports/region-<name>/")
    sp.add_argument("--status-date", default=None, help="Toolkit status date to show (default: the latest)")
    sp.add_argument("--force", action="store_true", help="run even if nothing changed")
    sp.add_argument("--jobs", type=int, default=None, help=f"notebooks executed at once (default {DEFAULT_JOBS})")
    sp.add_argument("--out", default=None, help="where to write the HTML (default: reports/; reports/data-<folder>/ "
                                                "for another data folder, reports/region-<name>/ for --region)")
    sp.add_argument("--notebooks", default=None, help="folder of notebooks (default: notebooks/)")
    sp.add_argument("--with-code", action="store_true",
                    help="render the author's view: the pages show every code cell (default: the reader's view, "
                         "no code)")
    sp.add_argument("--wait", type=float, default=None, metavar="SECONDS",
                    help="when another run is using the data folder: wait at most this long for it (0: stop at "
                         "once; default: wait until it finishes)")


def main(args) -> int:
    from iccwc.data.generations import Busy
    from iccwc.errors import EXIT_FILESYSTEM, EXIT_NOTEBOOK, EXIT_USAGE
    wait = getattr(args, "wait", None)
    if wait is not None and not 0 <= wait < float("inf"):
        print(f"\nERROR: iccwc run: bad argument\n  - --wait: expected a number of seconds, 0 or more, found "
              f"{wait}\n\nNothing was done (exit code {EXIT_USAGE}).", file=sys.stderr)
        return EXIT_USAGE
    try:
        run(args.data_dir, region=args.region, status_date=args.status_date, force=args.force, jobs=args.jobs,
            out_dir=Path(args.out) if args.out else None, wait=wait, with_code=getattr(args, "with_code", False),
            notebooks_dir=Path(args.notebooks) if args.notebooks else None)
    except Busy as exc:
        print(f"\nERROR: {exc}\n\nNothing was done (exit code {EXIT_FILESYSTEM}).", file=sys.stderr)
        return EXIT_FILESYSTEM
    except NotebookFailed as exc:
        print(f"\nERROR: a notebook failed, so no reports were written.\n  {exc}\n\n"
              "data/processed and reports/ are as they were before this run.", file=sys.stderr)
        return EXIT_NOTEBOOK
    return 0
