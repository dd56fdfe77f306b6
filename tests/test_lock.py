"""One command writes a data folder at a time: a second `iccwc run` on the same folder waits for
the first (saying so), or with ``--wait 0`` stops at once with a clear message and exit code 4.
The lock is the operating system's (filelock): a killed run never leaves it held.
"""
from __future__ import annotations

import subprocess
import time

import pytest

from iccwc import paths
from iccwc.data import generations
from iccwc.data.generations import Busy, hold, hold_folder
from iccwc.errors import EXIT_FILESYSTEM

from helpers import add_snapshot_2016
from test_faults import _argv, _env, generation, kill, leftovers, project, run_ok, start, wait_for  # noqa: F401


def test_a_second_holder_is_refused_or_waits_then_gets_it(tmp_path):
    said = []
    with hold(tmp_path, log=said.append):
        owner = (tmp_path / ".iccwc-state" / generations.OWNER_NAME).read_text(encoding="utf-8")
        assert '"pid"' in owner
        with pytest.raises(Busy, match=r"another iccwc command is using .*pid \d+.*--wait SECONDS"):
            with hold(tmp_path, wait=0):
                pass
        t0 = time.monotonic()
        with pytest.raises(Busy, match="did not finish within 0.3 s"):
            with hold(tmp_path, wait=0.3, log=said.append):
                pass
        assert time.monotonic() - t0 >= 0.25
        assert any("waiting for it to finish (at most 0.3 s)" in line for line in said)
    with hold(tmp_path, wait=0):                  # released: free again
        pass
    assert not (tmp_path / ".iccwc-state" / generations.OWNER_NAME).exists()


def test_a_reports_folder_is_locked_too(tmp_path):
    said = []
    with hold_folder(tmp_path):
        with pytest.raises(Busy, match="another iccwc run .* is writing"):
            with hold_folder(tmp_path, wait=0):
                pass
        with pytest.raises(Busy):
            with hold_folder(tmp_path, wait=0.3, log=said.append):
                pass
        assert any("waiting for it to finish" in line for line in said)
    with hold_folder(tmp_path, wait=0):
        pass


@pytest.mark.slow
def test_a_second_run_on_the_same_folder_stops_or_waits(project):  # noqa: F811 - the fixture
    run_ok(project)
    add_snapshot_2016(project["data"])
    first = start(project, **{generations.PAUSE_ENV: "rendered"})
    wait_for(first, "PAUSED at rendered")

    # --wait 0: stops at once, says who holds the folder, writes nothing.
    refused = subprocess.run(_argv(project, "--wait", "0"), capture_output=True, text=True, env=_env(),
                             cwd=paths.ROOT, timeout=120)
    assert refused.returncode == EXIT_FILESYSTEM, refused.stdout + refused.stderr
    assert f"pid {first.pid}" in refused.stderr and "another iccwc command is using" in refused.stderr
    assert "Traceback" not in refused.stderr

    # By default: waits, and says so; when the first run ends (here: killed), it goes on and recovers.
    second = start(project)
    wait_for(second, "waiting for it to finish")
    time.sleep(1)
    assert second.poll() is None                  # still waiting
    kill(first)
    out, _ = second.communicate(timeout=300)
    assert second.returncode == 0, out
    assert "leftover(s) of an interrupted run" in out and "Done in" in out
    generation(project)
    assert leftovers(project) == []


@pytest.mark.parametrize("wait", ["-1", "nan", "inf"])
def test_a_bad_wait_is_refused_before_anything_is_done(data_copy, capsys, wait):
    from iccwc.commands import cli
    from iccwc.errors import EXIT_USAGE
    assert cli.main(["--data-dir", str(data_copy), "run", "--wait", wait]) == EXIT_USAGE
    assert "--wait: expected a number of seconds" in capsys.readouterr().err
    assert not (data_copy / ".iccwc-state").exists()
