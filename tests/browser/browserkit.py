"""Helpers for the browser tests (imported by conftest.py and the tests): Chromium, the CDN
stand-in, screenshots, servers, and "change a widget and see the page change"."""
from __future__ import annotations

import contextlib
import importlib.util
import mimetypes
import os
import re
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from iccwc import paths

CHROMIUM = Path(os.environ.get("ICCWC_CHROMIUM", "/usr/lib/chromium/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = paths.ROOT / "tests" / "artifacts"
REQUIRED = os.environ.get("ICCWC_REQUIRE_BROWSER") == "1"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright (python) is not installed (pip install -e '.[test]')"
    return None


def skip_or_fail(reason: str):
    """Skip with the reason printed, or fail when ICCWC_REQUIRE_BROWSER=1 (CI)."""
    if REQUIRED:
        pytest.fail(f"ICCWC_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


_CDN = re.compile(r"^https://cdn\.jsdelivr\.net/npm/((?:@[^/@]+/)?[^/@]+)@([^/]+)/(.+)$")


def _nums(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


def satisfies(have: str, wanted: str) -> bool:
    """npm semver, the forms the HTML uses: exact 'X.Y.Z', '^X.Y[.Z]', '~X.Y[.Z]', '*'."""
    if wanted in ("*", "latest"):
        return True
    if wanted[0] not in "^~":
        return have == wanted
    want = _nums(wanted[1:])
    h = _nums(have)
    floor = want + (0,) * (3 - len(want))
    if h < floor:
        return False
    if wanted[0] == "~" or want[0] == 0:
        return h[:2] == floor[:2]
    return h[0] == floor[0]


def serve_cdn(page, vendored: dict[str, Path]) -> list[str]:
    """Route CDN URLs to the vendored copies; refuse every other outside request. Returns the refused URLs."""
    from iccwc.site.render import CDN_PACKAGES
    refused: list[str] = []
    served: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "http://127.0.0.1", "http://localhost")):
            return route.continue_()
        m = _CDN.match(url.split("?")[0])
        if m and m.group(1) in vendored:
            name, wanted, rest = m.groups()
            have = CDN_PACKAGES[name]
            if not satisfies(have, urllib.parse.unquote(wanted)):
                refused.append(f"{url} (vendored {name}@{have} does not satisfy it)")
                return route.abort()
            f = vendored[name] / rest
            if f.is_file():
                served.append(url)
                ctype = mimetypes.guess_type(f.name)[0] or "application/octet-stream"
                return route.fulfill(status=200, body=f.read_bytes(), headers={
                    "content-type": ctype, "access-control-allow-origin": "*"})
        refused.append(url)
        return route.abort()

    page.route("**/*", handle)
    page.cdn_served = served
    return refused


def block_network(page) -> list[str]:
    """Offline: every request that is not a local file (or the page's own data/blob URLs, or a local
    server on 127.0.0.1) is aborted and recorded. Returns the list of aborted URLs."""
    aborted: list[str] = []

    def handle(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "http://127.0.0.1", "http://localhost")):
            return route.continue_()
        aborted.append(url)
        return route.abort()
    page.route("**/*", handle)
    return aborted


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(out), full_page=True)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until ``url`` answers (any HTTP status) or the process exits."""
    t_end = time.monotonic() + timeout
    while time.monotonic() < t_end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


# What the page shows: the HTML widgets' content and the map's shapes and colours, hashed in the page.
SIGNATURE_JS = """() => {
  const parts = [...document.querySelectorAll('.widget-html-content, .leaflet-container path')].map(e =>
      e.tagName.toLowerCase() === 'path' ? (e.getAttribute('d') || '').length + (e.getAttribute('fill') || '')
                                         : e.innerHTML);
  let h = 0; const s = parts.join('|');
  for (let i = 0; i < s.length; i++) { h = (h * 31 + s.charCodeAt(i)) | 0; }
  return parts.length + ':' + h;
}"""


def change_a_dropdown(page, scope: str = "") -> tuple[str, str]:
    """Pick another option in the first dropdown that has one; wait until what is shown changes.

    Returns (label chosen, description of the change). Fails if nothing shown changes.
    """
    before = page.evaluate(SIGNATURE_JS)
    selects = page.locator(f"{scope} .widget-dropdown select")
    for i in range(selects.count()):
        sel = selects.nth(i)
        options = sel.locator("option")
        current = sel.input_value()
        values = [options.nth(k).get_attribute("value") for k in range(options.count())]
        others = [v for v in values if v != current]
        if not others:
            continue
        sel.scroll_into_view_if_needed()
        sel.select_option(others[-1])
        page.wait_for_function(f"() => ({SIGNATURE_JS})() !== {before!r}", timeout=30_000)
        return others[-1], f"{before} -> {page.evaluate(SIGNATURE_JS)}"
    raise AssertionError("no dropdown with a second option to change")


#: A reader opening the figure tab that holds an element (a figure shows one of its views at a time).
REVEAL = """el => { const p = el.closest('.iccwc-panel');
  if (p && p.hidden) p.closest('.iccwc-figure').querySelector('.iccwc-tabs button[data-view="' + p.dataset.view + '"]').click(); }"""


def open_tabs_with(page, selector: str) -> int:
    """Open, figure by figure, the tab whose view holds ``selector`` (as a reader clicking it would).
    Returns how many tabs were opened. A figure with two such views ends on the last one."""
    tabs = page.evaluate("""sel => [...document.querySelectorAll('.iccwc-panel')]
        .filter(p => p.hidden && p.querySelector(sel))
        .map(p => '#' + p.closest('.iccwc-figure').id + ' .iccwc-tabs button[data-view="' + p.dataset.view + '"]')""",
                         selector)
    for tab in tabs:
        page.locator(tab).click()
    return len(tabs)


@contextlib.contextmanager
def opened(browser, url: str, width: int, height: int = 900):
    """A page opened at ``url`` in a fresh context of ``width`` x ``height``, the network blocked; the page
    carries ``blocked`` (aborted URLs) and ``errors`` (uncaught script errors). The context closes after."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    try:
        pg = ctx.new_page()
        pg.set_default_timeout(30_000)
        pg.errors = []
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.blocked = block_network(pg)
        pg.goto(url)
        pg.wait_for_load_state("load")
        yield pg
    finally:
        ctx.close()


@contextlib.contextmanager
def settled(pages, ms: int, selector: str | None = None):
    """A page of ``opened`` once ``selector`` (if given) is in it and ``ms`` more milliseconds have passed."""
    with pages as pg:
        if selector:
            pg.wait_for_selector(selector, state="attached")
        pg.wait_for_timeout(ms)
        yield pg
