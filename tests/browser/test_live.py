"""The live ways to use the notebooks, in a real browser: Voila (`make app`) and JupyterLab (`make lab`).

Both servers run on 127.0.0.1 with a token, started with the exact command lines of
iccwc.commands.servers (the ones `python -m iccwc app|lab` and the Makefile use). Screenshots:
tests/artifacts/voila-*.png, lab-*.png.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request

import nbformat
import pytest

from iccwc import paths
from iccwc.commands.servers import lab_command, voila_command
from iccwc.commands.pipeline import find_notebooks

from browserkit import change_a_dropdown, free_port, screenshot, wait_http

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NOTEBOOKS = [p.name for p in find_notebooks()]


def uses(nb_name: str, *words: str) -> bool:
    """Does the notebook's code build a map / a dropdown? (decides what the page must show)"""
    nb = nbformat.read(paths.NOTEBOOKS / nb_name, as_version=4)
    return any(w in c.source for c in nb.cells if c.cell_type == "code" for w in words)


def first_with_map_and_dropdown() -> str | None:
    for name in NOTEBOOKS:
        if uses(name, "_map", "Map(") and uses(name, "explorer", "Dropdown"):
            return name
    return None


def refused_without_token(url: str) -> bool:
    """Refused (401/403) or sent to the login page."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return "/login" in r.geturl()
    except urllib.error.HTTPError as err:
        return err.code in (401, 403)


class Server:
    def __init__(self, cmd, url, cwd, env=None):
        self.url = url
        self.log = open(cwd / "server.log", "w")
        self.proc = subprocess.Popen(cmd, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def test_make_lab_and_app_keep_localhost_and_token():
    make = subprocess.run(["make", "-n", "lab", "app"], cwd=paths.ROOT, capture_output=True, text=True)
    assert make.returncode == 0, make.stderr
    assert "-m iccwc lab" in make.stdout and "-m iccwc app" in make.stdout
    for cmd in (lab_command(), voila_command()):
        line = " ".join(cmd)
        assert "127.0.0.1" in line and "0.0.0.0" not in line
        assert not re.search(r"token=(''|\"\"|\s|$)", line), line
        assert "disable_check_xsrf" not in line and "password=''" not in line
    assert "--token" in voila_command()


@pytest.fixture
def voila(tmp_path):
    token = secrets.token_hex(16)
    port = free_port()
    srv = Server(voila_command(port=port, token=token), f"http://127.0.0.1:{port}", tmp_path)
    try:
        wait_http(f"{srv.url}/?token={token}", srv.proc, timeout=60)
        srv.token = token
        yield srv
    finally:
        srv.stop()


def test_voila_app_map_and_widget(voila, page):
    name = first_with_map_and_dropdown()
    if name is None:
        pytest.skip("no notebook builds both a map and a dropdown yet")
    assert refused_without_token(f"{voila.url}/voila/render/{name}")
    page.goto(f"{voila.url}/voila/render/{name}?token={voila.token}", timeout=120_000)
    page.wait_for_selector(".leaflet-container path", state="attached", timeout=120_000)
    page.wait_for_selector(".widget-dropdown select", timeout=30_000)
    page.wait_for_timeout(500)
    screenshot(page, f"voila-{name[:-6]}-before")
    assert page.locator(".leaflet-container path").count() >= 17        # the 17 Toolkit countries at least
    chosen, change = change_a_dropdown(page)
    page.wait_for_timeout(1000)
    screenshot(page, f"voila-{name[:-6]}-after")
    assert "Traceback" not in page.inner_text("body"), "a Python error shows in the app"


# ----------------------------------------------------------------------------- JupyterLab

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    work, settings = root / "notebooks", root / "settings"
    work.mkdir()
    # No virtual scrolling (every cell stays in the page) and no news/update pop-ups.
    for rel, value in {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
                       "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                           {"fetchNews": "false", "checkForUpdates": False}}.items():
        (settings / rel).parent.mkdir(parents=True, exist_ok=True)
        (settings / rel).write_text(json.dumps(value))
    token = secrets.token_hex(16)
    port = free_port()
    cmd = lab_command(port=port, token=token, root=work) + [
        f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={root / 'workspaces'}"]
    srv = Server(cmd, f"http://127.0.0.1:{port}", root)
    try:
        wait_http(f"{srv.url}/api/status?token={token}", srv.proc, timeout=90)
        assert refused_without_token(f"{srv.url}/api/sessions")
        srv.token, srv.work = token, work
        yield srv
    finally:
        srv.stop()


def api(lab, path, method="GET"):
    req = urllib.request.Request(f"{lab.url}{path}?token={lab.token}", method=method)
    with urllib.request.urlopen(req, timeout=30) as r:
        body = r.read()
        return json.loads(body) if body else None


@pytest.fixture
def shut_kernels(lab):
    """Stop the kernels a test started (two cores: one kernel at a time)."""
    yield
    for s in api(lab, "/api/sessions"):
        api(lab, f"/api/sessions/{s['id']}", method="DELETE")


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"     # the notebook tab in front


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_lab_run_all(lab, page, name, shut_kernels):
    copy = f"run-{int(time.time() * 1000)}-{name}"          # a fresh copy per run
    shutil.copy(paths.NOTEBOOKS / name, lab.work / copy)
    page.set_default_timeout(60_000)
    page.goto(f"{lab.url}/lab/tree/{copy}?reset&token={lab.token}")   # reset: no tabs left from other runs
    t_end = time.monotonic() + 60                          # wait for the kernel before Run All
    while not any(s["path"].endswith(copy) and s.get("kernel") for s in api(lab, "/api/sessions")):
        assert time.monotonic() < t_end, "no kernel session for the notebook"
        page.wait_for_timeout(300)
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click(timeout=30_000)  # Run menu
    page.click(".lm-Menu-item[data-command='runmenu:run-all']", timeout=30_000)
    # Done when every code cell has an execution count and none is waiting ([*]).
    page.wait_for_function("""() => {
        const prompts = [...document.querySelectorAll('%s .jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
        return prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
    }""" % PANEL, timeout=150_000)
    errors = page.locator(f"{PANEL} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    texts = [errors.nth(i).inner_text() for i in range(errors.count())]
    assert not [t for t in texts if "Error" in t or "Traceback" in t], texts
    if uses(name, "_map", "Map("):
        page.wait_for_selector(f"{PANEL} .leaflet-container path", state="attached", timeout=60_000)
        assert page.locator(f"{PANEL} .leaflet-container path").count() >= 17
    if uses(name, "explorer", "Dropdown"):
        page.wait_for_selector(f"{PANEL} .widget-dropdown select", timeout=30_000)
        screenshot(page, f"lab-{name[:-6]}-before")
        change_a_dropdown(page, PANEL)
        page.wait_for_timeout(1000)
    screenshot(page, f"lab-{name[:-6]}")
