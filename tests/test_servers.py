"""`python -m iccwc app` (Voila) and `python -m iccwc lab` (JupyterLab) refuse a request with a forged
``Host`` header (DNS rebinding) and serve a normal one. The servers run on 127.0.0.1 only, started
with the exact command lines of iccwc.commands.servers; requests go to loopback only."""
from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import time

import nbformat
import pytest

from iccwc.commands.servers import lab_command, voila_command

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, host: str | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=host is not None)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.fixture(params=["app", "lab"])
def server(request, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('hello')")]
    nbformat.write(nb, tmp_path / "hello.ipynb")
    port, token = _free_port(), secrets.token_hex(16)
    build = voila_command if request.param == "app" else lab_command
    log = open(tmp_path / "server.log", "w+")
    proc = subprocess.Popen(build(port=port, token=token, root=tmp_path), cwd=tmp_path, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    # The app renders the notebook (in a kernel of its own); the lab answers its API.
    path = ("/voila/render/hello.ipynb?token=" if request.param == "app" else "/api/status?token=") + token
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if _get(port, path) == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, (log.seek(0), log.read())[1]
            time.sleep(0.3)
        yield port, path
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_a_forged_host_header_is_refused_and_a_normal_request_served(server):
    port, path = server
    assert _get(port, path) == 200                              # Host: 127.0.0.1:<port>
    assert _get(port, path, host=f"localhost:{port}") == 200
    assert _get(port, path, host="evil.example") == 403
    assert _get(port, path, host=f"evil.example:{port}") == 403
