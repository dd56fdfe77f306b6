"""`python -m iccwc app` (Voila) and `python -m iccwc lab` (JupyterLab): local servers only.

Both bind to 127.0.0.1 and ask for a token: with no ``token`` given, the server makes
a random one and prints the URL that carries it. Both refuse (403) a request whose ``Host``
header is not a local name (``localhost``) or a loopback address, the defence against DNS
rebinding: JupyterLab does it by default (``ServerApp.allow_remote_access`` is False on
127.0.0.1); Voila 0.5 turns the check off in its tornado settings (``allow_remote_access=True``),
so :func:`voila_command` turns it back on through ``Voila.tornado_settings``, which Voila applies
over its own. The command lines are built here, in one place, so tests check exactly what
`make app` / `make lab` run (tests/test_servers.py sends a forged ``Host`` to both).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from iccwc import paths

HOST = "127.0.0.1"
#: The host names (besides loopback addresses) a request's ``Host`` header may carry.
LOCAL_HOSTNAMES = ["localhost"]


def lab_command(port: int | None = None, token: str | None = None, root: Path | None = None,
                open_browser: bool = False) -> list[str]:
    """JupyterLab on 127.0.0.1 with token authentication (a random token unless one is given)."""
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.ip={HOST}",
           f"--ServerApp.root_dir={root or paths.NOTEBOOKS}"]
    if not open_browser:
        cmd.append("--no-browser")
    if port:
        cmd += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if token:
        cmd.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")          # containers and CI run as root; JupyterLab refuses otherwise
    return cmd


def voila_command(port: int | None = None, token: str | None = None, root: Path | None = None,
                  open_browser: bool = False) -> list[str]:
    """Voila serving the notebooks folder as live apps on 127.0.0.1, with a token."""
    settings = {"allow_remote_access": False, "local_hostnames": LOCAL_HOSTNAMES}
    cmd = [sys.executable, "-m", "voila", str(root or paths.NOTEBOOKS), f"--Voila.ip={HOST}",
           "--show_tracebacks=True", f"--Voila.tornado_settings={settings!r}"]
    if not open_browser:
        cmd.append("--no-browser")
    if port:
        cmd += [f"--port={port}", "--Voila.port_retries=0"]
    cmd.append(f"--token={token}" if token else "--token")
    return cmd


def _serve(cmd: list[str]) -> int:
    print("Starting:", " ".join(cmd[:3]), "... (Ctrl-C to stop); open the URL with the token it prints.")
    try:
        return subprocess.call(cmd, cwd=paths.ROOT)
    except KeyboardInterrupt:
        return 0


def add_arguments(sp) -> None:
    sp.add_argument("--port", type=int, default=None, help="port (default: the server's own, 8866 or 8888)")
    sp.add_argument("--browser", action="store_true", help="open a browser too")


def app_main(args) -> int:
    return _serve(voila_command(args.port, open_browser=args.browser))


def lab_main(args) -> int:
    return _serve(lab_command(args.port, open_browser=args.browser))
