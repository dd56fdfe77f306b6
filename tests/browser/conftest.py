"""Browser tests: headless Chromium (Debian's package) driven by playwright.

* Chromium missing -> every browser test skips with the reason printed (``-ra``), unless
  ``ICCWC_REQUIRE_BROWSER=1`` (CI), where it fails instead.
* The rendered pages load require.js, the widgets HTML manager and jupyter-leaflet from
  ``reports/_static/`` (copied there by the run from .vendor/, fetched with ``npm pack``); the tests
  block every request that is not a local file (:func:`block_network`) and assert there were none.
  :func:`serve_cdn` answers CDN URLs from .vendor/ for pages rendered with the CDN fallback.
* Screenshots go to tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))        # browserkit, beside this file
from browserkit import CHROMIUM, CHROMIUM_ARGS, _missing, skip_or_fail

from iccwc import paths
from iccwc.commands.pipeline import find_notebooks


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        skip_or_fail(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    ctx.close()


def vendor_module():
    spec = importlib.util.spec_from_file_location("vendor_js", paths.ROOT / "scripts" / "vendor_js.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def vendored() -> dict[str, Path]:
    """package name -> unpacked npm package folder (npm pack on first use)."""
    try:
        return vendor_module().fetch_all()
    except RuntimeError as exc:
        skip_or_fail(f"the CDN scripts could not be vendored: {exc}")




@pytest.fixture(scope="session")
def rendered(tmp_path_factory):
    """The real notebooks through the whole pipeline once (a copy of data/, reports in tmp)."""
    from helpers import copy_data
    from iccwc.commands.pipeline import run
    if not find_notebooks():
        pytest.skip("no notebooks in notebooks/ yet")
    root = tmp_path_factory.mktemp("rendered")
    data = root / "data"
    copy_data(data)
    res = run(data, out_dir=root / "reports", log=lambda *_: None)
    assert res.did_work
    return root / "reports"
