"""Drawing ahead (iccwc.views.explorers.ahead): once a browser shows an explorer, a forked copy of the
kernel draws the charts of the selections one change away; a change to one of them shows that drawing,
byte for byte what the kernel would draw, with no chart drawn in the kernel."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import ipywidgets as w
import pytest

import iccwc
from iccwc.views.explorers import ahead
from iccwc.views.explorers import base as eb
from iccwc.views.explorers import coverage as ce
from iccwc.views.explorers import toolkit as te
from iccwc.views.explorers.recognition import recognition_explorer

needs_fork = pytest.mark.skipif(not ahead.enabled(), reason="drawing ahead: Linux only, and ICCWC_DRAW_AHEAD not 0")


def _gone(pid: int, within: float = 10.0) -> bool:
    """The process ``pid`` has ended within ``within`` s (a zombie nobody has reaped yet counts as ended)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        try:                                     # (our own child: reap it if it has ended)
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


def _wait(a: ahead.Ahead, n: int, timeout: float = 120.0) -> list[tuple]:
    got, end = [], time.monotonic() + timeout
    while len(got) < n and time.monotonic() < end:
        got += a.take()
        time.sleep(0.05)
    return got


# ------------------------------------------------------------------------------ no process

def test_the_nearby_selections_go_from_the_control_just_changed_to_each_control_in_turn():
    class Two(eb.Explorer):
        def __init__(self):
            self.controls = {"region": w.Dropdown(options=[("all", ""), ("A", "A"), ("B", "B")], value="A"),
                             "years": w.IntRangeSlider(value=(2011, 2013), min=2010, max=2013),
                             "flag": w.Checkbox(value=False),
                             "hidden": w.Dropdown(options=["x", "y"], value="x", layout=w.Layout(display="none"))}
    ex = Two()
    here = {"region": "A", "years": (2011, 2013), "flag": False, "hidden": "x"}
    assert ex.values() == here
    moved = [(k, v) for s in ex.nearby() for k, v in s.items() if v != here[k]]
    # the nearest value of each control in turn, then the next ones (the list's next options, wrapping
    # round; a range's handles one step, then two...; the hidden list left as it is)
    assert moved == [("region", "B"), ("years", (2012, 2013)), ("flag", True), ("region", ""),
                     ("years", (2011, 2012)), ("years", (2010, 2013)), ("years", (2013, 2013)),
                     ("years", (2011, 2011))]
    first = [(k, v) for s in ex.nearby("years")[:4] for k, v in s.items() if v != here[k]]
    assert first == [("years", (2012, 2013)), ("years", (2011, 2012)), ("years", (2010, 2013)),
                     ("years", (2013, 2013))]


def test_a_value_offered_is_shown_for_its_key_and_kept():
    d = eb.Drawn(size=2)
    d.offer("k", "drawn ahead")
    assert d.get("k", lambda: pytest.fail("drawn again")) == "drawn ahead"
    d.offer("k", "another")                        # kept already: the offer is not taken
    assert d.get("k", lambda: pytest.fail("drawn again")) == "drawn ahead"
    assert d.get("new", lambda: "made") == "made" and set(d.keys()) == {"k", "new"}


def test_explorers_on_the_same_data_share_their_drawings_and_others_draw_their_own(rec, monkeypatch):
    """A second explorer on the same data shows the charts the first drew (re-running a cell draws
    nothing again); one on other data, or a selection no explorer showed, is drawn."""
    from iccwc.views.charts import recognition as rc
    drawn = []
    real = rc.recognition_timeline
    monkeypatch.setattr(rc, "recognition_timeline", lambda *a, **k: drawn.append(1) or real(*a, **k))
    first = recognition_explorer(rec)
    first.controls["category"].value = first.controls["category"].options[1][1]
    before = len(drawn)
    again = recognition_explorer(rec)
    assert len(drawn) == before                                   # its opening chart: the first's
    again.controls["category"].value = first.controls["category"].value
    assert len(drawn) == before and again.chart.value == first.chart.value
    other = recognition_explorer(rec.iloc[1:-1])                 # other data (this test's own): drawn
    assert len(drawn) == before + 1 and other.data_key() != first.data_key()
    other.controls["toolkit_only"].value = True                   # a selection none showed yet: drawn
    assert len(drawn) == before + 2
    other.controls["toolkit_only"].value = False                  # shown by this explorer before: kept
    assert len(drawn) == before + 2


def test_nothing_is_forked_until_a_browser_shows_the_explorer(rec, monkeypatch):
    started = []
    monkeypatch.setattr(eb.Explorer, "draw_ahead", lambda self: started.append(self))
    ex = recognition_explorer(rec)
    ex.controls["category"].value = ex.controls["category"].options[1][1]
    assert ex.ahead is None and not started
    ex.map.set_trait("south", -10.0)              # what the map's page reports once it draws the map
    ex.map.set_trait("north", 10.0)
    assert started == [ex]                        # once


# ------------------------------------------------------------------------------ with the forked copy

@pytest.fixture(scope="module")
def coverage_data():
    tk = iccwc.load_toolkit(status_date="latest")
    from iccwc.data.activities import activities_as_of
    return activities_as_of(iccwc.load_activities(), tk), tk


@pytest.mark.slow
@needs_fork
def test_a_change_shows_the_drawing_made_ahead_the_same_as_the_kernel_draws(coverage_data, monkeypatch):
    act, tk = coverage_data
    ex = ce.coverage_explorer(act, tk)
    states = ex.nearby()[:3]
    held = {(name, key) for name in ("_drawn_summary", "_drawn_view", "_drawn_chart") for key in getattr(ex, name).keys()}
    want = {(name, key): make for values in states for name, key, make in ex.drawings(values)
            if (name, key) not in held}                  # (what the explorer had drawn is not drawn again)
    a = ex.draw_ahead()
    try:
        got = _wait(a, len(want))
    finally:
        a.stop()
    assert _gone(a.pid)
    by_key = {(name, key): value for name, key, value in got}
    for (name, key), make in want.items():
        assert by_key[(name, key)] == make(), name
    for name, key, value in got:
        getattr(ex, name).offer(key, value)
    fresh = ce.coverage_explorer(act, tk)
    first = states[0]
    changed = next(k for k, v in first.items() if v != ex.values()[k])
    fresh.controls[changed].value = first[changed]
    monkeypatch.setattr(ce.cc, "activities_chart", lambda *a, **k: pytest.fail("drawn in the kernel"))
    monkeypatch.setattr(ce, "summary_html", lambda *a, **k: pytest.fail("drawn in the kernel"))
    ex.controls[changed].value = first[changed]
    assert ex.chart.value == fresh.chart.value and ex.summary.value == fresh.summary.value
    assert (tuple(ex.map.center), ex.map.zoom) == (tuple(fresh.map.center), fresh.map.zoom)


@pytest.mark.slow
@needs_fork
def test_after_a_change_the_copy_draws_the_selections_near_the_new_one_first():
    ex = te.toolkit_explorer(iccwc.load_toolkit())
    held = {(name, key) for name in ("_drawn_funnel", "_drawn_regions") for key in getattr(ex, name).keys()}
    a = ex.draw_ahead()
    try:
        ex.controls["continent"].value = "Africa"          # sends the selections near Africa's
        africa = ex.nearby("continent")
        assert all(s["continent"] != "Africa" for s in africa[:4])
        want = {(name, key) for s in africa[:4] for name, key, _ in ex.drawings(s)} - held
        got = set()
        end = time.monotonic() + 120
        while not want <= got and time.monotonic() < end:
            got |= {(name, key) for name, key, _ in a.take()}
            time.sleep(0.05)
        assert want <= got
        assert ahead._current is a
        b = ex.draw_ahead()                               # alive: the same process
        assert b is a
    finally:
        ahead.stop()
    assert _gone(a.pid) and ahead._current is None


@pytest.mark.slow
@needs_fork
def test_the_copy_ends_with_the_kernel():
    """A kernel that ends without stopping it (killed): the copy does not outlive it."""
    code = textwrap.dedent("""
        import os, sys, time
        from iccwc.views.explorers import ahead

        class Slow:
            def drawings(self, values):
                return [("_drawn", values["n"], lambda: time.sleep(0.2) or "x")]

        a = ahead.start(Slow(), [{"n": i} for i in range(1000)])
        while not a.received:
            time.sleep(0.05)
        print(a.pid, flush=True)
        os._exit(0)                                       # no atexit handler: as a killed kernel
    """)
    src = str(Path(iccwc.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert _gone(int(out.stdout.split()[0]))
