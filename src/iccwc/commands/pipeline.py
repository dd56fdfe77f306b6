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
   jupyter_client's public API), several at a time, each kernel starting during step 2, with
   the parameters injected papermill-style (a cell tagged ``injected-parameters`` after the
   cell tagged ``parameters``) and the widget state kept for the HTML; the kernels read the
   processed files built aside. When one notebook fails, the others are cancelled and every
   kernel is shut down.
4. **Render** each to HTML (:mod:`iccwc.commands.render`) in ``<reports>/.staging-<id>/``, with
   ``index.html`` and the new ``.fingerprint``; then switch the whole generation (processed files
   and reports) in with one journaled switch (:func:`iccwc.data.generations.switch`).

   Pages are the reader's view (no code; ``--with-code`` for the author's) with downloads beside
   them (:mod:`iccwc.commands.reader`); their scripts are in ``<reports>/_static/``, copied there
   before the check from the ``.vendor/`` cache (:mod:`iccwc.commands.static_assets`; the only
   files written outside the switch: pinned, checked, and the same for every generation).

Until the switch, ``data/processed`` and the pages in ``reports/`` are not touched: a failing notebook, bad
data, Ctrl-C or a kill leave the previous generation whole. docs/pipeline.md has more.

The last run's fingerprint is kept in ``<reports>/.fingerprint`` (git-ignored with reports/).
"""
from __future__ import annotations

import asyncio
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
from iccwc.commands import reader, render, static_assets
from iccwc.commands.execute import execute_notebook
from iccwc.commands.versions import versions

STATE_FILE = ".fingerprint"
STATE_VERSION = 1
#: Notebooks executing at once. Kernels spend much of their start waiting, so on 2 cores
#: running more than 2 at a time still shortens the run (see scripts/bench.py).
DEFAULT_JOBS = max(2, min(4, 2 * (os.cpu_count() or 1)))
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


def fingerprint_parts(data_dir, notebooks: list[Path], parameters: dict) -> dict:
    """What a run depends on, piece by piece (so a rerun can say what changed)."""
    from iccwc.data.inputs import Inputs, fingerprint
    from iccwc.data.textio import MAX_BYTES
    inputs = Inputs.find(data_dir)
    root = inputs.layout["data"]

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root.parent))
        except ValueError:
            return str(p)
    return {
        "inputs_and_package": fingerprint(inputs),
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


def _what_changed(old: dict | None, parts: dict, out_dir: Path, processed: Path) -> list[str]:
    """Reasons to run; empty when the last run's outputs are current."""
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
    if not why and before.get("inputs_and_package") != parts["inputs_and_package"]:
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
    if old.get("processed") != _hash_dir(processed):
        why.append(f"{processed} differs from what the last run wrote")
    now = _hash_dir(out_dir)
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


async def _execute_one(path: Path, nb, gate: asyncio.Event, sem: asyncio.Semaphore, timeout: int,
                       log, cwd: Path, setup: str | None = None):
    """Start the kernel at once (it boots while the data are rebuilt), run the cells once ``gate`` is set.

    Returns (seconds, widget state or None): the state is kept apart from ``nb`` (see render.notebook_html).
    """
    async with sem:
        t0 = time.perf_counter()
        log(f"      started  {path.name}")
        state = await execute_notebook(nb, cwd=cwd, gate=gate, timeout=timeout, name=path.name, log=log,
                                       setup=setup)
        return time.perf_counter() - t0, state


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
        log=print) -> RunResult:
    """Validate, rebuild, execute and render; see the module docs. Raises DataError, NotebookFailed
    or :class:`iccwc.data.generations.Busy` (another run holds the data folder and ``wait`` ran out)."""
    from iccwc.data import generations
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
                                jobs, timeout, log, t_start, RenderOptions(with_code, assets))


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
    if not assets.local:
        msg = (f"WARNING: the pages' scripts could not be vendored ({assets.reason}); the pages will load them "
               f"from {static_assets.CDN} and need internet to show maps and widgets. Install npm (or run "
               "`make vendor` where the npm registry is reachable) and run again with --force.")
        log(msg)
        print(msg, file=sys.stderr)
        return assets
    written = static_assets.install(out_dir, packages)
    if written:
        log(f"      {len(written)} script/font file(s) copied to {out_dir / static_assets.STATIC} "
            f"({static_assets.static_bytes(out_dir) / 1024 / 1024:.1f} MB in all)")
    return assets


def _checked_run(data_dir, lay, notebooks, notebooks_dir, out_dir, processed, parameters, force, jobs, timeout,
                 log, t_start, options: RenderOptions | None = None) -> RunResult:
    options = options or RenderOptions()
    log("[1/4] Checking what changed ...")
    parts = fingerprint_parts(data_dir, notebooks, parameters)
    parts["render"] = options.record()
    old = _read_state(out_dir)
    why = _what_changed(old, parts, out_dir, processed)
    if not why and not force:
        secs = time.perf_counter() - t_start
        log(f"      nothing changed since the last run ({old.get('finished', '?')}): inputs, package, notebooks "
            f"and parameters are the same and its {len(old['outputs'])} output(s) in {out_dir} are intact.")
        log(f"Nothing to do ({secs:.2f} s). Use --force to run anyway.")
        return RunResult(False, "nothing changed", out_dir, old["outputs"], {"check": secs})
    for reason in (why or ["--force"])[:12]:
        log(f"      {reason}")
    if len(why) > 12:
        log(f"      ... and {len(why) - 12} more")
    if not notebooks:
        log("      (no notebooks found: only the data are rebuilt)")
    seconds = {"check": time.perf_counter() - t_start}
    return run_coroutine(_run_async(data_dir, lay, notebooks, notebooks_dir or paths.NOTEBOOKS, out_dir, processed,
                                     parameters, parts, old, why, force, jobs or DEFAULT_JOBS, timeout, log,
                                     seconds, t_start, options))


def run_coroutine(coro):
    """asyncio.run, or in a worker thread when a loop already runs here (Jupyter, playwright)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _run_async(data_dir, lay, notebooks, nb_dir, out_dir, processed, parameters, parts, old, why, force,
                     jobs, timeout, log, seconds, t_start, options: RenderOptions | None = None) -> RunResult:
    """Build the new generation aside (processed files, reports, .fingerprint), then switch it in."""
    import nbformat
    from iccwc.data import generations

    root = lay["data"]
    generation = generations.new_id()
    gen_dir = generations.state_dir(root) / (generations.GEN_PREFIX + generation)   # the data built aside
    staged_processed = gen_dir / "processed"
    staging = out_dir / (generations.OUT_STAGING_PREFIX + generation)                # the reports built aside
    data_unchanged = (old is not None and not force
                      and old["parts"].get("input_files") == parts["input_files"]
                      and old["parts"].get("inputs_and_package") == parts["inputs_and_package"]
                      and old.get("processed") == _hash_dir(processed))
    # The kernels read the processed files being built (not yet in data/processed): each gets this
    # before its notebook's first cell (sent silently: it is not part of the notebook).
    setup = None if data_unchanged else (
        "from iccwc.data.generations import redirect_processed as _iccwc_redirect\n"
        f"_iccwc_redirect({str(root)!r}, {str(staged_processed)!r})\ndel _iccwc_redirect")

    # Kernels start now and boot while the data are validated and rebuilt; cells run after.
    gate = asyncio.Event()
    sem = asyncio.Semaphore(jobs)
    loaded = []
    for p in notebooks:
        nb = nbformat.read(p, as_version=4)
        missing = inject_parameters(nb, parameters, p.name)
        if missing:
            log(f"      note: {p.name} declares no {', '.join(missing)} in its parameters cell")
        loaded.append((p, nb))
    options = options or RenderOptions()
    warm = asyncio.ensure_future(asyncio.to_thread(render.exporter, options.with_code))   # builds the HTML exporter meanwhile
    tasks = {p.name: asyncio.ensure_future(_execute_one(p, nb, gate, sem, timeout, log, nb_dir, setup))
             for p, nb in loaded}

    try:
        t0 = time.perf_counter()
        staging.mkdir()
        (staging / generations.JOURNAL_MARK).write_text(
            str(generations.state_dir(root) / generations.JOURNAL_NAME), encoding="utf-8")
        changed: list[str] = []
        if data_unchanged:
            log("[2/4] Data inputs unchanged since the last run: rebuild skipped")
        else:
            log(f"[2/4] Validating {root}/raw and rebuilding {processed} (aside, in {gen_dir}) ...")
            changed = await asyncio.to_thread(_stage_rebuild, data_dir, processed, staged_processed)
            log(f"      {len(changed)} file(s) to update, {time.perf_counter() - t0:.1f} s")
        seconds["rebuild"] = time.perf_counter() - t0
        gate.set()
        # What every page says about its data (sources, dates), from the data the kernels read.
        site = await asyncio.to_thread(_site_context, data_dir if data_unchanged else gen_dir, loaded, options,
                                       parameters)

        log(f"[3/4] Executing {len(notebooks)} notebook(s), up to {jobs} at a time; "
            "[4/4] rendering each to HTML as it finishes ...")
        entries, outputs = [], {}
        renders = []
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
                nb = dict(loaded)[path]
                renders.append(asyncio.ensure_future(asyncio.to_thread(_render_one, path, nb, state, staging, secs, log,
                                                                       site)))
        await warm
        for r in renders:
            entry = await r
            entries.append(entry)
        entries.sort(key=lambda e: e.notebook)
        t0 = time.perf_counter()
        index = await asyncio.to_thread(_index, data_dir if data_unchanged else gen_dir, entries, parameters,
                                        shown_dir=root)
        generations.write_durably(staging / "index.html", index.encode("utf-8"))
        outputs = _hash_dir(staging)

        # The new generation is complete aside: its record of processed, its .fingerprint, then the switch.
        processed_after = {**_hash_dir(processed), **{n: h for n, h in _hash_dir(staged_processed).items()
                                                      if n in changed}}
        processed_gen = generations.processed_generation(root)
        moves = [(staged_processed / n, processed / n) for n in changed]
        if changed or processed_gen is None:
            processed_gen = generation
            record = gen_dir / generations.PROCESSED_RECORD
            gen_dir.mkdir(parents=True, exist_ok=True)       # (not there when the rebuild was skipped)
            generations.write_durably(record, generations.processed_record(generation, processed_after))
            moves.append((record, generations.state_dir(root) / generations.PROCESSED_RECORD))
        moves += [(staging / n, out_dir / n) for n in outputs]
        seconds["render_index"] = time.perf_counter() - t0
        seconds["total"] = time.perf_counter() - t_start
        state = {"version": STATE_VERSION, "fingerprint": _combined(parts), "parts": parts, "outputs": outputs,
                 "processed": processed_after, "generation": generation, "processed_generation": processed_gen,
                 "seconds": seconds, "finished": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        generations.write_durably(staging / STATE_FILE, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))
        moves.append((staging / STATE_FILE, out_dir / STATE_FILE))          # last
        stale = [out_dir / n for n in (old or {}).get("outputs", {}) if n not in outputs]
        processed.mkdir(parents=True, exist_ok=True)
        generations.switch(root, generation, moves, stale, [gen_dir, staging])
        for e in entries:
            log(f"      {out_dir / e.file}  ({(out_dir / e.file).stat().st_size / 1024:.0f} KB)")
        log(f"      {out_dir / 'index.html'}")
        if changed:
            log(f"      {processed}: {len(changed)} file(s) updated ({', '.join(changed)})")
        log(f"Done in {seconds['total']:.1f} s (generation {generation}).")
        return RunResult(True, "; ".join(why) or "forced", out_dir, outputs, seconds)
    except BaseException:
        gate.set()
        for t in tasks.values():
            t.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)
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


def _stage_rebuild(data_dir, processed: Path, staged: Path) -> list[str]:
    """Validate and build every processed file into ``staged`` (fsync'd); return the names that differ
    from ``processed`` (those the switch moves in)."""
    from iccwc.data.build import build_files
    from iccwc.data import generations
    files = build_files(data_dir)
    staged.mkdir(parents=True)
    current = _hash_dir(processed)
    changed = []
    for name, data in files.items():
        generations.write_durably(staged / name, data)
        if current.get(name) != _sha(data):
            changed.append(name)
    generations.pause_point("staged")
    return changed


@dataclass
class SiteContext:
    """What every page of a run shares: the data's sources and dates, the software, the page order."""
    options: RenderOptions
    status: dict
    versions: dict
    generated: str
    order: list[tuple[str, str]]          # (notebook stem, title), in index order
    parameters: dict = field(default_factory=dict)

    @property
    def as_of(self) -> str:
        dates = self.status.get("toolkit_status_dates") or []
        return dates[-1] if dates else ""

    def source_line(self) -> str:
        titles = "; ".join(f"{s.get('issuer', '')} ({s.get('issued', '')})" for s in self.status.get("sources", [])[:3])
        more = len(self.status.get("sources", [])) - 3
        return (titles + (f" and {more} more" if more > 0 else "")
                + (f"; data as of {self.as_of}" if self.as_of else "") + "; details under How this was made")


def _site_context(data_dir, loaded, options: RenderOptions, parameters: dict | None = None) -> SiteContext:
    from iccwc.commands.versions import PACKAGES
    from iccwc.data.load import data_status
    try:
        status = data_status(data_dir)
    except Exception:  # noqa: BLE001 - the pages still render, saying the data's status is unknown
        status = {"sources": [], "toolkit_status_dates": [], "rows": {}}
    return SiteContext(options, status, versions(list(dict.fromkeys(PACKAGES + list(TOOLS)))),
                       datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                       [(p.stem, render.notebook_title(nb, p.stem)) for p, nb in loaded], dict(parameters or {}))


def _render_one(path: Path, nb, widget_state, staging: Path, secs: float, log, site: SiteContext | None = None):
    t0 = time.perf_counter()
    title = render.notebook_title(nb, path.stem)
    site = site or _site_context(None, [(path, nb)], RenderOptions())
    st = site.status
    page = reader.prepare(nb, path.stem, as_of=site.as_of, source_line=site.source_line(),
                          with_code=site.options.with_code, sources=st.get("sources", []))
    page.nb.cells.append(reader.made_cell(st.get("sources", []), st.get("toolkit_status_dates", []),
                                          st.get("rows", {}), site.versions, site.generated,
                                          "python -m iccwc run" + (" --with-code" if site.options.with_code else ""),
                                          site.parameters))
    if widget_state is None:
        widget_state = nb.get("metadata", {}).get("widgets", {}).get(render.WIDGET_STATE)
    body = render.notebook_html(page.nb, title, widget_state, with_code=site.options.with_code,
                                assets=site.options.assets)
    stems = [s for s, _ in site.order]
    i = stems.index(path.stem) if path.stem in stems else -1
    prev = render.Link(f"{stems[i - 1]}.html", site.order[i - 1][1]) if i > 0 else None
    nxt = render.Link(f"{stems[i + 1]}.html", site.order[i + 1][1]) if 0 <= i < len(stems) - 1 else None
    body = render.finish_page(body, prev=prev, nxt=nxt, pages=set(stems),
                              view_kinds=reader.view_kinds(widget_state, render.displayed_models(nb)),
                              files={d.name for d in page.downloads} | {d.name[:-4] + ".png" for d in page.downloads})
    target = staging / (path.stem + ".html")
    from iccwc.data.generations import pause_point, write_durably
    for d in page.downloads:
        write_durably(staging / d.name, d.data)
    write_durably(target, body.encode("utf-8"))
    log(f"      rendered {target.name} ({len(body.encode()) / 1024:.0f} KB, {len(page.downloads)} download(s)) "
        f"in {time.perf_counter() - t0:.1f} s")
    pause_point("rendered")
    return render.Entry(target.name, path.name, title, render.notebook_summary(nb), secs, site.as_of,
                        tuple(d.name for d in page.downloads))


def _index(data_dir, entries, parameters, shown_dir: Path) -> str:
    """The index page, on the processed files under ``data_dir`` (the generation built aside when
    the data were rebuilt), naming ``shown_dir`` (the data folder it is switched into) as the data."""
    from iccwc.data.load import data_status
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    status = data_status(data_dir)
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
