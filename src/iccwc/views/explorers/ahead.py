"""Drawing ahead: an explorer's charts for the selections one change away, drawn while the reader looks.

A selection drawn for the first time costs an explorer its matplotlib charts (60-250 ms each on a
2-core machine), which the reader waits for; a selection drawn before comes back from the
explorer's :class:`~iccwc.views.explorers.base.Drawn` drawings in a few ms. So once a browser shows an
explorer (its map reports its view: :meth:`iccwc.views.explorers.base.Explorer.view` watches for
that), :func:`start` forks the kernel's process (Linux only) and the copy, at the lowest priority
(``SCHED_IDLE``: it runs only on a CPU nothing else wants), draws what the reader is likely to
choose next: every other value of each control, with the others as they are
(:meth:`~iccwc.views.explorers.base.Explorer.nearby`: the control just changed first, then the
nearest values of each control in turn). It sends each drawing back, with the key it is kept under,
through a pipe; a thread of the kernel reads them, and the explorer offers them to its drawings the
next time it updates (:meth:`~iccwc.views.explorers.base.Drawn.offer`). After each change the
explorer sends the new list of nearby selections.

Why a forked process and not a thread: a thread drawing in the kernel holds the GIL half the time
while the reader's change is handled, doubling its cost; the copy shares nothing the kernel runs on
and has every module, datum and drawing of the explorer already (no import, no data to send). It
draws with the same functions on the same data (:meth:`~iccwc.views.explorers.base.Explorer.drawings`),
so a drawing made ahead is byte for byte the one the kernel would make (tests check it).

The copy touches no widget, socket or stream of the kernel: it closes its copies of the kernel's
sockets, its standard streams go to /dev/null, it ignores SIGINT (a kernel interrupt), it ends when
the kernel ends (the pipe closes; on Linux also ``PR_SET_PDEATHSIG``) and with ``os._exit`` (no
atexit handler of the kernel runs in it). One worker per process: starting one stops the one
before. ``ICCWC_DRAW_AHEAD=0`` turns drawing ahead off. Where nothing shows the explorer
(``iccwc run``, nbval, tests) nothing is forked.
"""
from __future__ import annotations

import atexit
import collections
import os
import signal
import sys
import threading
import warnings
from multiprocessing.connection import Pipe

#: Niceness of the process drawing ahead where Linux's SCHED_IDLE policy is not to be had.
NICE = 19

_current: "Ahead | None" = None


def enabled() -> bool:
    """Drawing ahead is possible here: Linux (a fork of a process with threads is safe enough there for
    a copy that only computes) and not turned off by ``ICCWC_DRAW_AHEAD=0``."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and \
        os.environ.get("ICCWC_DRAW_AHEAD", "1").strip().lower() not in ("0", "no", "false", "off")


class Ahead:
    """A process drawing ahead for one explorer (made by :func:`start`).

    ``results``: the drawings received and not yet taken, (name of the explorer's Drawn attribute,
    key, value) in the order received; :meth:`take` empties it."""

    def __init__(self, explorer, states: list[dict]):
        self.results: collections.deque = collections.deque()
        self.received = 0
        mine, theirs = Pipe(duplex=True)
        parent = os.getpid()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)   # (Python 3.12+: a fork with threads)
            self.pid = os.fork()
        if self.pid == 0:                                    # the copy: never returns
            code = 0
            try:
                mine.close()
                _serve(explorer, theirs, states, parent)
            except BaseException:                            # noqa: BLE001 (nothing may escape the copy)
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        self._conn = mine
        self._send_lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="iccwc-draw-ahead", daemon=True)
        self._reader.start()

    @property
    def alive(self) -> bool:
        return self._reader.is_alive()

    def _read(self) -> None:
        try:
            while True:
                self.results.append(self._conn.recv())
                self.received += 1
        except (EOFError, OSError):
            pass
        finally:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass

    def take(self) -> list[tuple]:
        """The drawings received since the last call."""
        out = []
        while True:
            try:
                out.append(self.results.popleft())
            except IndexError:
                return out

    def wish(self, states: list[dict]) -> None:
        """Draw these selections next (in this order), instead of those asked for before."""
        if not self.alive:
            return
        try:
            with self._send_lock:
                self._conn.send(states)
        except (OSError, ValueError):
            pass

    def stop(self) -> None:
        """End the process and wait for it (its drawings not yet taken stay in ``results``)."""
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self._conn.close()
        except OSError:
            pass
        self._reader.join(timeout=5)


def start(explorer, states: list[dict]) -> Ahead | None:
    """Fork a process that draws ``explorer``'s selections ``states`` (and those :meth:`Ahead.wish` asks
    for later); the one started before in this process, if any, is stopped. None where drawing ahead is
    not possible (:func:`enabled`)."""
    global _current
    if not enabled():
        return None
    stop()
    _current = Ahead(explorer, states)
    return _current


def stop() -> None:
    """Stop the process drawing ahead, if any (also when the kernel ends)."""
    global _current
    if _current is not None:
        _current.stop()
        _current = None


atexit.register(stop)


# ------------------------------------------------------------------------------------------ the copy

def _die_with_parent(parent: int) -> None:
    """Linux: SIGTERM when the process that forked this one ends (and end now if it has already)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)                       # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(0)


def _lowest_priority() -> None:
    """Run only when no other process wants the CPU: Linux's SCHED_IDLE policy (a process of any other
    policy that wakes up takes the CPU from it at once), else nice :data:`NICE`."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(NICE)


def _close_sockets(keep: int) -> None:
    """Close the copy's sockets but ``keep`` (its pipe): the kernel's own (its ZeroMQ ports) are then held
    by the kernel alone, and free once it ends."""
    import stat
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd == keep:
            continue
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _serve(explorer, conn, states: list[dict], parent: int) -> None:
    """The copy's loop: draw the first selection of the latest list not drawn yet, send each of its
    drawings (name, key, value), and read a new list whenever one is waiting; wait for one when done."""
    _die_with_parent(parent)
    _close_sockets(keep=conn.fileno())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    devnull = open(os.devnull, "w")
    sys.stdout = sys.stderr = devnull
    warnings.simplefilter("ignore")
    _lowest_priority()
    done: set = set()
    for name, drawn in vars(explorer).items():              # what the explorer had drawn when forked
        if hasattr(drawn, "keys") and callable(getattr(drawn, "offer", None)):
            done.update((name, key) for key in drawn.keys())
    todo = list(states)
    while True:
        while conn.poll(0) or not todo:
            todo = list(conn.recv())                        # EOFError when the kernel is gone: the end
        values = todo.pop(0)
        try:
            jobs = explorer.drawings(values)
        except Exception:                                   # noqa: BLE001 (a selection it cannot draw)
            continue
        for name, key, make in jobs:
            if (name, key) in done:
                continue
            done.add((name, key))
            try:
                value = make()
            except Exception:                               # noqa: BLE001
                continue
            conn.send((name, key, value))
            if conn.poll(0):                                # a change: the new list first
                break
