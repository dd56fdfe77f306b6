"""Text from data is shown as text in the rendered HTML, in a real browser (issue: bad input).

A FICTIONAL activities file (tests/fixtures/activities, clearly marked as a test fixture) holds a
description ``<img src=x onerror=alert(1)>``. After a rebuild and a render of the regional-coverage
notebook, Chromium must show that string as text: no <img src="x"> element, no alert dialog, and
every HTML widget value and popup in the saved widget state carries it escaped.
"""
from __future__ import annotations

import json
import re
import shutil

import pytest

from helpers import copy_data
from iccwc import paths
from iccwc.commands.pipeline import run

from browserkit import block_network, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PAYLOAD = "<img src=x onerror=alert(1)>"
NOTEBOOK = "03-regional-coverage.ipynb"
FIXTURE = paths.ROOT / "tests" / "fixtures" / "activities"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    if not (paths.NOTEBOOKS / NOTEBOOK).exists():
        pytest.skip(f"{NOTEBOOK} is not in notebooks/")
    root = tmp_path_factory.mktemp("escaping")
    data = root / "data"
    copy_data(data)
    (data / "raw" / "activities").mkdir(parents=True, exist_ok=True)
    for f in FIXTURE.glob("FICTIONAL-*"):
        shutil.copy(f, data / "raw" / "activities" / f.name)
    assert PAYLOAD in (FIXTURE / "FICTIONAL-test-activities.csv").read_text()
    nb_dir = root / "notebooks"
    nb_dir.mkdir()
    shutil.copy(paths.NOTEBOOKS / NOTEBOOK, nb_dir / NOTEBOOK)
    run(data, notebooks_dir=nb_dir, out_dir=root / "reports", log=lambda *_: None)
    return root / "reports" / NOTEBOOK.replace(".ipynb", ".html")


def test_saved_state_holds_the_payload_only_escaped(rendered):
    page_html = rendered.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', page_html, re.S)
    state = json.loads(m.group(1))["state"]
    values = [json.dumps(s["state"]) for s in state.values()]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in v for v in values), "the fixture's text is not shown at all"
    assert not any(PAYLOAD in v for v in values), "a widget holds the payload unescaped"


def test_browser_shows_the_payload_as_text(rendered, page):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    refused = block_network(page)
    page.goto(rendered.as_uri())
    page.wait_for_selector(".leaflet-container", timeout=30_000)
    page.wait_for_timeout(1000)
    # Open the maps' popups one by one until the one with the fixture's activity (Kenya) shows.
    shown_as_text = False
    # Each marker gets its click event directly: at world zoom markers overlap, and a click at a
    # point lands on whichever marker is on top there (Kenya's was never reached that way).
    for marker in page.locator(".leaflet-interactive").all():
        try:
            marker.dispatch_event("click")
        except Exception:      # gone from the page meanwhile: try the next one
            continue
        texts = page.locator(".leaflet-popup-content").all_inner_texts()
        if any(PAYLOAD in t for t in texts):
            shown_as_text = True
            break
        # Close it: an open popup covers the markers under it, and a forced click lands on the popup.
        page.evaluate("() => document.querySelectorAll('.leaflet-popup-close-button').forEach(b => b.click())")
    screenshot(page, "escaping-03")
    assert shown_as_text, "no popup showed the fixture's text"
    assert dialogs == [], f"an alert ran: {dialogs}"
    assert page.evaluate("() => document.querySelectorAll('img[src=x]').length") == 0
    assert refused == []
