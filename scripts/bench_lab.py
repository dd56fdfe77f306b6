"""Benchmark of the explorers' latency in JupyterLab, as a reader sees it (make bench-lab). Not a test:
it prints a table of figures.

``scripts/bench.py`` times the explorers' Python callbacks only. This script measures what a reader
sees: JupyterLab (the command line of ``make lab``, :func:`iccwc.commands.servers.lab_command`, on
127.0.0.1 with a token) serves a temporary copy of the notebooks, with ``ICCWC_DATA_DIR`` on a
temporary copy of ``data/`` (the repository's notebooks/, data/ and reports/ are never touched) and
``PYTHONPATH`` on this checkout's ``src/``. Headless Chromium (playwright) opens each notebook that
builds an explorer (``*_explorer(``: 01, 02, 03), runs it (Run > Run All Cells), and changes each
control the reader can see in the explorer's controls box the way a reader does: picks the next
option of a dropdown (``select_option``), presses an arrow key on a range slider's lower handle
(each press is one change, sent when the key is pressed: the sliders have ``continuous_update=False``),
clicks a checkbox. ``--changes`` changes per control (default 12), cycling through the options from
the one shown; the control is then set back (not counted), so each control is varied from the
notebook's own state.

Measured in the page, per change, from the input event (``input``/``change``/``keydown``/``click``
on the control, its ``timeStamp``) with a ``MutationObserver`` on the explorer's output (the
controls box itself and the note, hidden in JupyterLab, left out):

* **first change**: the first DOM mutation of what the explorer shows;
* **settled**: the last one, once the kernel is idle again (its status, from the page's
  ``window.jupyterapp``: ``--LabApp.expose_app_in_browser``), no Leaflet zoom animation is running,
  and nothing has changed for ``--quiet`` ms (default 150);
* **settled, values not chosen before**: the same, for the changes to a value of the control not
  chosen before in that kernel (the explorers keep what they drew for a selection, so going back
  to one is quicker than drawing it the first time); ``(n)``: how many such changes;
* **kernel idle**: when the kernel last went idle (the callback, and the map's report of its new
  bounds); **received**: the widget messages (``comm_msg``) the page received for the change, in KB.

A change that shows nothing new (a filter that leaves the same rows) is counted apart. Before the
first change, the script waits until the notebook's page and kernel have been quiet for a second.
The machine's load average is printed with the figures: other work on a small machine slows them.

Target (issue 16, item 5): under 300 ms from the input to the settled view, for every change
(``met``: the largest settled time is under 300 ms).

Usage: python scripts/bench_lab.py [--changes N] [--rounds N] [--quiet MS] [--only 01,03] [--verbose] [--write]
  --rounds N  run each notebook N times, in a new kernel each time, and pool the figures.
  --write  also put the table in docs/benchmark.md, between <!-- bench-lab:begin --> and
           <!-- bench-lab:end --> (section "Latency in JupyterLab (a browser)").
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))      # the browser tests' helpers, reused as they are

from browserkit import CHROMIUM, CHROMIUM_ARGS, _missing, free_port, wait_http   # noqa: E402
from test_live import PANEL, Server, api                                         # noqa: E402

from iccwc.commands.pipeline import find_notebooks                               # noqa: E402
from iccwc.commands.servers import lab_command                                   # noqa: E402
from bench import _replace_between, machine          # noqa: E402  (scripts/bench.py: the same machine line)

TARGET_MS = 300
BEGIN, END = "<!-- bench-lab:begin -->", "<!-- bench-lab:end -->"
SECTION = "## Latency in JupyterLab (a browser)"

# ------------------------------------------------------------------------------------------ in the page

#: Installed on the explorer's output area: records the input event, the mutations of what the
#: explorer shows, the kernel's status changes and the widget messages received (window.__lat).
INSTALL_JS = """(out) => {
  const controls = [...out.querySelectorAll('.iccwc-kernel-only')].find(
      e => e.querySelector('.widget-dropdown, .widget-slider, .widget-checkbox'));
  const note = out.querySelector('.iccwc-static-only');
  const L = window.__lat = {armed: false, t0: null, muts: [], status: [], kb: 0, msgs: 0, lastMsg: null};
  L.reset = () => { L.armed = true; L.t0 = null; L.muts = []; L.status = []; L.kb = 0; L.msgs = 0; L.lastMsg = null; };
  const inside = (n) => n && ((controls && controls.contains(n)) || (note && note.contains(n)));
  new MutationObserver((records) => {
    if (L.t0 === null) return;
    const now = performance.now();
    if (records.some(r => !inside(r.target.nodeType === 1 ? r.target : r.target.parentElement))) L.muts.push(now);
  }).observe(out, {subtree: true, childList: true, attributes: true, characterData: true});
  for (const type of ['input', 'change', 'keydown', 'click']) {
    document.addEventListener(type, (e) => {
      if (L.armed && L.t0 === null && controls && controls.contains(e.target)) { L.t0 = e.timeStamp; L.armed = false; }
    }, true);
  }
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  kernel.statusChanged.connect((_, s) => { if (L.t0 !== null) L.status.push([performance.now(), s]); });
  kernel.iopubMessage.connect((_, msg) => {
    if (L.t0 === null || msg.header.msg_type !== 'comm_msg') return;
    L.msgs += 1; L.lastMsg = performance.now();
    L.kb += JSON.stringify(msg.content).length / 1024;
    for (const b of (msg.buffers || [])) L.kb += (b.byteLength || 0) / 1024;
  });
  return !!controls;
}"""

#: True once the change has settled: the kernel went busy and is idle again, no zoom animation runs,
#: and nothing changed (DOM, widget messages) for `quiet` ms.
SETTLED_JS = """([out, quiet]) => {
  const L = window.__lat;
  if (L.t0 === null) return false;
  const now = performance.now();
  const busy = L.status.findIndex(([, s]) => s === 'busy');
  if (busy < 0 || L.status[L.status.length - 1][1] !== 'idle') return now - L.t0 > 20000;  // (no request: give up)
  if (out.querySelector('.leaflet-zoom-anim')) return false;
  const last = Math.max(L.t0, L.muts.length ? L.muts[L.muts.length - 1] : 0, L.lastMsg || 0,
                        L.status[L.status.length - 1][0]);
  return now - last >= quiet;
}"""

#: Resolves once nothing in the notebook has changed for `ms` and its kernel is idle (or after `max` ms).
QUIET_PAGE_JS = """([sel, ms, max]) => new Promise((resolve) => {
  const root = document.querySelector(sel);
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const t0 = performance.now();
  let last = t0;
  const obs = new MutationObserver(() => { last = performance.now(); });
  obs.observe(root, {subtree: true, childList: true, attributes: true, characterData: true});
  const seen = () => { last = performance.now(); };
  kernel.anyMessage.connect(seen);
  const tick = setInterval(() => {
    const now = performance.now();
    if ((now - last > ms && kernel.status === 'idle') || now - t0 > max) {
      clearInterval(tick); obs.disconnect(); kernel.anyMessage.disconnect(seen); resolve(now - t0);
    }
  }, 50);
})"""

RESULT_JS = """() => {
  const L = window.__lat;
  const idle = L.status.filter(([, s]) => s === 'idle');
  return {first: L.muts.length ? L.muts[0] - L.t0 : null,
          settled: L.muts.length ? L.muts[L.muts.length - 1] - L.t0 : null,
          kernel: idle.length ? idle[idle.length - 1][0] - L.t0 : null,
          kb: L.kb, msgs: L.msgs, mutations: L.muts.length};
}"""

#: The controls the reader can see, in the explorer's controls box: [kind, label, index among its kind].
CONTROLS_JS = """(out) => {
  const box = [...out.querySelectorAll('.iccwc-kernel-only')].find(
      e => e.querySelector('.widget-dropdown, .widget-slider, .widget-checkbox'));
  const found = [];
  for (const [kind, sel] of [['dropdown', '.widget-dropdown'], ['slider', '.widget-slider'],
                             ['checkbox', '.widget-checkbox']]) {
    box.querySelectorAll(sel).forEach((e, i) => {
      if (e.offsetParent === null) return;                        // hidden (display: none)
      const label = [...e.querySelectorAll('label, .widget-label, .widget-label-basic')]
          .map(x => x.textContent.replace(/\u200b/g, '').trim()).find(t => t) || kind;
      found.push([kind, label, i]);
    });
  }
  return found;
}"""


# ------------------------------------------------------------------------------------------ the server

def lab_server(tmp: Path) -> Server:
    """JupyterLab as `make lab` starts it (lab_command), on a copy of the notebooks and data in ``tmp``."""
    work, settings = tmp / "notebooks", tmp / "settings"
    shutil.copytree(ROOT / "notebooks", work, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    data = tmp / "data"
    for sub in ("raw", "curated", "processed", "reference"):
        if (ROOT / "data" / sub).exists():
            shutil.copytree(ROOT / "data" / sub, data / sub)
    # No virtual scrolling (every cell stays in the page) and no news/update pop-ups (as tests/browser/test_live.py).
    for rel, value in {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
                       "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                           {"fetchNews": "false", "checkForUpdates": False}}.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(value))
    token, port = secrets.token_hex(16), free_port()
    cmd = lab_command(port=port, token=token, root=work) + [
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True"]
    env = {**os.environ, "ICCWC_DATA_DIR": str(data),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])])}
    srv = Server(cmd, f"http://127.0.0.1:{port}", tmp, env=env)
    try:
        wait_http(f"{srv.url}/api/status?token={token}", srv.proc, timeout=90)
    except Exception:
        srv.stop()
        raise
    srv.token, srv.work = token, work
    return srv


def explorer_notebooks(only: list[str] | None) -> list[str]:
    """The notebooks whose code builds an explorer (``*_explorer(``)."""
    import nbformat
    names = []
    for p in find_notebooks():
        nb = nbformat.read(p, as_version=4)
        if any(re.search(r"\b\w+_explorer\(", c.source) for c in nb.cells if c.cell_type == "code"):
            if not only or p.name[:2] in only or p.name in only:
                names.append(p.name)
    return names


def run_notebook(lab: Server, page, name: str) -> None:
    """Open ``name`` in JupyterLab and run every cell (as tests/browser/test_live.py's test_lab_run_all)."""
    page.goto(f"{lab.url}/lab/tree/{name}?reset&token={lab.token}")
    t_end = time.monotonic() + 90
    while not any(s["path"].endswith(name) and s.get("kernel") for s in api(lab, "/api/sessions")):
        if time.monotonic() > t_end:
            raise RuntimeError(f"no kernel session for {name}")
        page.wait_for_timeout(300)
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                           " return !!(w && w.sessionContext && w.sessionContext.session"
                           " && w.sessionContext.session.kernel); }", timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click(timeout=30_000)
    page.click(".lm-Menu-item[data-command='runmenu:run-all']", timeout=30_000)
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('%s .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
        return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
    }""" % PANEL, timeout=240_000)
    page.wait_for_selector(f"{PANEL} .iccwc-kernel-only", timeout=60_000)
    # A reader looks before changing anything: start once the page and the kernel are quiet
    # (the maps' first layout and bounds report, the charts drawn), at most 30 s.
    page.evaluate(QUIET_PAGE_JS, [PANEL, 1000, 30_000])


def explorer_output(page):
    """The output area that holds the explorer (the one with the kernel-only controls box)."""
    return page.locator(f"{PANEL} .jp-OutputArea-output:has(.iccwc-kernel-only)").first


# ------------------------------------------------------------------------------------------ one change

def measure(page, out, act, quiet: int) -> dict:
    """Do ``act()`` (one change a reader makes) and wait until the explorer's view has settled."""
    page.evaluate("() => window.__lat.reset()")
    act()
    handle = out.element_handle()
    page.wait_for_function(SETTLED_JS, arg=[handle, quiet], polling=25, timeout=60_000)
    res = page.evaluate(RESULT_JS)
    page.wait_for_timeout(100)
    return res


def start_value(out, kind: str, index: int):
    """The control's value before the changes, as :func:`control_changes` names values."""
    if kind == "dropdown":
        return out.locator(".iccwc-kernel-only .widget-dropdown select").nth(index).input_value()
    return 0           # a slider's handle moves from where it is (0 steps), a checkbox from its state (0 clicks)


def control_changes(page, out, kind: str, index: int, changes: int):
    """Yield (action, what it sets the control to, is_restore): ``changes`` changes of one control, then
    those that set it back."""
    if kind == "dropdown":
        sel = out.locator(".iccwc-kernel-only .widget-dropdown select").nth(index)
        start = sel.input_value()
        values = sel.locator("option").evaluate_all("os => os.map(o => o.value)")
        i0 = values.index(start)
        for k in range(1, changes + 1):
            v = values[(i0 + k) % len(values)]
            yield (lambda v=v: sel.select_option(v)), v, False
        if values[(i0 + changes) % len(values)] != start:
            yield (lambda: sel.select_option(start)), start, True
    elif kind == "slider":
        handle = out.locator(".iccwc-kernel-only .widget-slider").nth(index).locator(".noUi-handle").first
        handle.focus()
        # the lower handle, up and back down: each key press moves it one step (one change)
        pos = 0
        for k in range(changes):
            key, pos = ("ArrowRight", pos + 1) if k < changes // 2 else ("ArrowLeft", pos - 1)
            yield (lambda key=key: handle.press(key)), pos, False
        for _ in range(pos):
            pos -= 1
            yield (lambda: handle.press("ArrowLeft")), pos, True
    elif kind == "checkbox":
        box = out.locator(".iccwc-kernel-only .widget-checkbox input").nth(index)
        for k in range(changes):
            yield (lambda: box.click()), (k + 1) % 2, False
        if changes % 2:
            yield (lambda: box.click()), 0, True


def bench_explorer(page, name: str, changes: int, quiet: int, log, verbose: bool = False) -> list[dict]:
    out = explorer_output(page)
    out.scroll_into_view_if_needed()
    if not page.evaluate(INSTALL_JS, out.element_handle()):
        raise RuntimeError(f"{name}: no controls box in the explorer's output")
    rows = []
    for kind, label, index in page.evaluate(CONTROLS_JS, out.element_handle()):
        got = []
        seen = {start_value(out, kind, index)}         # what the notebook drew first
        for act, value, restore in control_changes(page, out, kind, index, changes):
            res = measure(page, out, act, quiet)
            res["new"] = value not in seen                # a value not chosen before in this run
            seen.add(value)
            if not restore:
                got.append(res)
                if verbose:
                    log(f"    {label} -> {value!r}: " + ", ".join(
                        f"{k} {v:.0f}" if isinstance(v, float) else f"{k} {v}" for k, v in res.items()))
        shown = [r for r in got if r["first"] is not None]
        row = {"explorer": name, "control": f"{label} ({kind})", "changes": len(got), "unchanged": len(got) - len(shown),
               "first": [r["first"] for r in shown], "settled": [r["settled"] for r in shown],
               "settled_new": [r["settled"] for r in shown if r["new"]],
               "kernel": [r["kernel"] for r in got if r["kernel"] is not None], "kb": [r["kb"] for r in got]}
        rows.append(row)
        log(f"  {name}, {row['control']}: " + summary(row))
    return rows


# ------------------------------------------------------------------------------------------ the table

def merge(rows: list[dict]) -> list[dict]:
    """The rows of several rounds, one per explorer and control, their figures pooled."""
    out: dict[tuple, dict] = {}
    for r in rows:
        have = out.setdefault((r["explorer"], r["control"]), {**r, **{k: [] for k, v in r.items() if isinstance(v, list)},
                                                             "changes": 0, "unchanged": 0})
        for k, v in r.items():
            if isinstance(v, list) or k in ("changes", "unchanged"):
                have[k] += v
    return list(out.values())


def ms(xs: list[float]) -> str:
    return f"{statistics.median(xs):.0f} / {max(xs):.0f} ms" if xs else "-"


def summary(row: dict) -> str:
    return (f"first change {ms(row['first'])}, settled {ms(row['settled'])} (values not chosen before: "
            f"{ms(row['settled_new'])}), kernel idle "
            f"{statistics.median(row['kernel']):.0f} ms, {statistics.median(row['kb']):.0f} KB received"
            + (f"; {row['unchanged']} change(s) showed nothing new" if row["unchanged"] else ""))


def table(rows: list[dict]) -> str:
    out = ["| explorer | control | changes | first change: median / max | settled: median / max | "
           "settled, values not chosen before: median / max | kernel idle: median | received: median | target | "
           "met: first change | met: settled |",
           "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        def met(xs):
            return "yes" if xs and max(xs) < TARGET_MS else "**no**"
        kernel = f"{statistics.median(r['kernel']):.0f} ms" if r["kernel"] else "-"
        out.append(f"| {r['explorer']} | {r['control']} | {r['changes']}"
                   + (f" ({r['unchanged']} showed nothing new)" if r["unchanged"] else "")
                   + f" | {ms(r['first'])} | {ms(r['settled'])} | {ms(r['settled_new'])} ({len(r['settled_new'])})"
                   f" | {kernel} | {statistics.median(r['kb']):.0f} KB | under {TARGET_MS} ms, every change"
                   f" | {met(r['first'])} | {met(r['settled'])} |")
    return "\n".join(out)


def load() -> str:
    """The machine's load average (1 minute): other work slows every figure here."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "n/a"


INTRO = """`python scripts/bench_lab.py` (`make bench-lab`; `make bench-lab WRITE=1` also writes the table
below) measures what a reader of JupyterLab sees when changing an explorer's control, where
`make bench` times the Python callback alone. JupyterLab (the command line of `make lab`) serves
temporary copies of the notebooks and data; headless Chromium runs each notebook that builds an
explorer and changes each visible control of its controls box as a reader does (the next option of a
dropdown, an arrow key on a range slider's lower handle, a click on a checkbox), 12 times, from the
notebook's own state. A `MutationObserver` on the explorer's output times, from the input event,
the first change of what it shows (*first change*) and the last one, once the kernel is idle, no map
animation runs and nothing has changed for 150 ms (*settled*), also for the changes to a value not
chosen before in that kernel alone (the explorers keep what they drew for a selection: going back to
one is quicker than drawing it the first time). *Kernel idle*: when the kernel last went idle after
the change; *received*: the widget messages the page got for one change. The target is the largest
settled time, under 300 ms. The machine's load average comes with the figures: other work on the
2 cores slows them, by half or more."""


def write(text: str) -> None:
    """Put ``text`` between the bench-lab markers of docs/benchmark.md (the section is added at the end
    the first time); nothing outside the markers changes once they exist."""
    f = ROOT / "docs" / "benchmark.md"
    doc = f.read_text(encoding="utf-8")
    if BEGIN not in doc or END not in doc:
        doc = doc.rstrip("\n") + f"\n\n{SECTION}\n\n{INTRO}\n\n{BEGIN}\n{END}\n"
    f.write_text(_replace_between(doc, text, BEGIN, END), encoding="utf-8")
    print(f"written: {f.relative_to(ROOT)}")


# ------------------------------------------------------------------------------------------ main

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--changes", type=int, default=12, help="changes per control (default 12)")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run each notebook this many times, in a new kernel each (figures pooled; default 1)")
    ap.add_argument("--quiet", type=int, default=150, help="ms with no change that end a change (default 150)")
    ap.add_argument("--only", default="", help="notebooks to measure, by number or name (e.g. 01,03)")
    ap.add_argument("--write", action="store_true", help="put the table in docs/benchmark.md (its bench-lab markers)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (server log, screenshots)")
    ap.add_argument("--verbose", action="store_true", help="print the figures of every change")
    args = ap.parse_args()
    reason = _missing()
    if reason:
        sys.exit(f"bench_lab: {reason}")
    names = explorer_notebooks([s.strip() for s in args.only.split(",") if s.strip()] or None)
    if not names:
        sys.exit("bench_lab: no notebook builds an explorer")
    from playwright.sync_api import sync_playwright
    tmp = Path(tempfile.mkdtemp(prefix="iccwc-bench-lab-"))
    load_before = load()
    print(f"Benchmarking the explorers of {', '.join(names)} in JupyterLab on {machine()}; "
          f"{args.changes} changes per control, quiet window {args.quiet} ms; load average {load_before} ...",
          flush=True)
    rows: list[dict] = []
    lab = lab_server(tmp)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            ctx = browser.new_context(viewport={"width": 1280, "height": 900})
            page = ctx.new_page()
            page.set_default_timeout(60_000)
            for round_ in range(1, args.rounds + 1):
                for name in names:
                    t0 = time.monotonic()
                    run_notebook(lab, page, name)
                    print(f"  round {round_}, {name}: ran in JupyterLab in {time.monotonic() - t0:.0f} s", flush=True)
                    rows += bench_explorer(page, name[:-6], args.changes, args.quiet, lambda s: print(s, flush=True),
                                           args.verbose)
                    page.screenshot(path=str(tmp / f"{name[:-6]}-{round_}.png"))
                    for s in api(lab, "/api/sessions"):                 # two cores: one kernel at a time
                        api(lab, f"/api/sessions/{s['id']}", method="DELETE")
            browser.close()
    finally:
        lab.stop()
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    text = table(merge(rows))
    stamp = f"{date.today().isoformat()}, {machine()}, load average {load_before} before and {load()} after"
    print(f"\nMeasured {stamp}:\n\n{text}")
    if args.write:
        write(f"Measured {stamp} (`python scripts/bench_lab.py --rounds {args.rounds}`: {args.changes} changes per "
              f"control, {args.rounds} round(s), quiet window {args.quiet} ms):\n\n{text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
