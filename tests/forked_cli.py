"""A helper for the kill tests: command lines run in processes forked from one warm interpreter.

Starting Python and importing the toolkit takes a second or more (five on a busy machine), and
nothing is written in that time, so a kill that lands there proves nothing. :class:`ForkedCli`
starts one interpreter that has imported the command line and what its commands use; each
:meth:`ForkedCli.start` forks a child of it that runs ``toolkit.cli.main(argv)`` with its output
going to /dev/null, exactly as ``python -m toolkit`` would once imported. The child is a process
of its own: SIGKILL stops it, and only it, at any moment of its work.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRELOAD = ("toolkit.cli", "toolkit.data.prepare", "toolkit.data.read", "toolkit.index", "toolkit.index.build",
           "toolkit.reports.batch", "toolkit.reports.bundle", "toolkit.reports.workbook", "toolkit.publish",
           "toolkit.reports.workbook_dynamics", "toolkit.reports.chain",
           # what the chain imports when it runs (a run of two years or more): giddy alone takes seconds
           # to import, and a kill that lands in it proves nothing
           "toolkit.dynamics.dagum", "toolkit.dynamics.convergence", "toolkit.dynamics.markov",
           "toolkit.dynamics.spatial", "toolkit.dynamics.boundaries", "toolkit.dynamics.kde",
           # not nbformat: no command imports it (the reports' kernels are processes of their own),
           # and its import (jsonschema's format checkers compile grammars) costs 1.1 s of CPU
           "jupyter_client")

# the warm interpreter: reads one JSON request per line ({"argv", "env", "patch", "stderr"}),
# forks a child that sets ``env``, runs ``patch`` (Python source) and then the command line, prints the child's
# pid, waits for it and prints its exit status
_SERVER = r"""
import atexit, gc, importlib, json, os, sys
SERVER, EXIT = os.getpid(), [1]  # a child that raises ends with 1, as Python would


def _end_child():
    # registered first, so it runs last, after every exit handler the command registered: the
    # child's outputs are flushed and it ends without tearing down the heap it shares with the
    # server (copy-on-write: that teardown touched every page, about 0.3 s per child)
    if os.getpid() != SERVER:
        for f in (sys.stdout, sys.stderr):
            f.flush()
        os._exit(EXIT[0])


atexit.register(_end_child)
# no collection while the preload imports (a quarter of its CPU: each collection walks every object
# the imports made so far, and they free nearly nothing); the children collect as usual
gc.disable()
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ImportError:
        pass
from toolkit.cli import main
gc.enable()
# what is imported stays out of every collection, in the server and in its children: a child's
# collections no longer walk (and so copy page by page) the whole preloaded heap (1.5 s per child)
gc.freeze()
print("ready", flush=True)
for line in sys.stdin:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        if req["stderr"]:
            os.dup2(os.open(req["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
        os.environ.update(req["env"])
        exec(req["patch"])
        break
    print(pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
else:
    sys.exit(0)
sys.stdin = open(os.devnull)
try:  # the child: the command, then the interpreter's exit (threads joined, exit handlers run)
    EXIT[0] = main(req["argv"])
except SystemExit as stop:  # argparse's usage errors and --help
    EXIT[0] = stop.code
if EXIT[0] is not None and not isinstance(EXIT[0], int):
    print(EXIT[0], file=sys.stderr)
    EXIT[0] = 1
EXIT[0] = EXIT[0] or 0
sys.exit(EXIT[0])
"""


def kernels_below(pid: int) -> list[tuple[int, bytes]]:
    """The Jupyter kernels among the descendants of ``pid`` (Linux ``/proc``), as (pid, command line).

    A report batch's kernels live in sessions of their own (jupyter_client starts them so), so a
    SIGKILL of the command orphans them; each then finishes importing before its parent poller sees
    the parent gone, about 1.5 CPU-s for nothing. The kill trials stop them as soon as the killed
    command is reaped: a kernel writes no output file (it returns its pages as messages), so what the
    kill left on disk is the same.
    """
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                kids = Path(f"/proc/{p}/task/{tid}/children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                todo.append(kid)
                cmd = command_line(kid)
                if b"ipykernel_launcher" in cmd:
                    found.append((kid, cmd))
    return found


def command_line(pid: int) -> bytes:
    """``/proc/<pid>/cmdline``, or b"" once the process is gone."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def stop_kernels(kernels: list[tuple[int, bytes]]) -> None:
    """SIGKILL each kernel of :func:`kernels_below` still running as that same command line."""
    for pid, cmd in kernels:
        if command_line(pid) == cmd:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


class ForkedCli:
    """One warm interpreter forking a child per command line; a context manager.

    Examples
    --------
    >>> with ForkedCli() as cli:  # doctest: +SKIP
    ...     cli.run(["prepare", "r.csv", "--out", "out"])       # the exit code, and the seconds taken
    (0, 0.8)
    ...     cli.run(["prepare", "r.csv", "--out", "out"], kill_after=0.3)  # killed after 0.3 s
    (-9, 0.3)
    """

    def __init__(self, env: dict | None = None):
        env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", **(env or {})}
        self._p = subprocess.Popen([sys.executable, "-c", _SERVER, *PRELOAD], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, env=env, cwd=ROOT, bufsize=0)
        self._buf = b""
        assert self._line(600) == "ready"

    def _line(self, timeout: float) -> str | None:
        """The server's next line, or None if none comes within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._p.stdout], [], [], left)[0]:
                return None
            chunk = os.read(self._p.stdout.fileno(), 4096)
            if not chunk:
                raise RuntimeError("the forking interpreter stopped")
            self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode().strip()

    def run(self, argv, kill_after: float | None = None, timeout: float = 600, *,
            kill_when: Callable[[], bool] | None = None, env: dict | None = None,
            patch: str = "", stderr: Path | None = None) -> tuple[int, float]:
        """Run ``argv`` in a forked child; SIGKILL it after ``kill_after`` seconds, or as soon as
        ``kill_when()`` (polled every 5 ms) is true, if it is still running. ``env`` is set and
        ``patch`` (Python source, e.g. a patch of the toolkit) runs in the child before the command;
        ``stderr``: a file that receives the child's standard error (else /dev/null).
        Returns the child's exit code (``-9`` when killed) and the seconds it ran."""
        req = {"argv": [str(a) for a in argv], "env": env or {}, "patch": patch, "stderr": stderr and str(stderr)}
        self._p.stdin.write((json.dumps(req) + "\n").encode())
        pid = int(self._line(600))
        t0 = time.perf_counter()
        if kill_when is None:
            code = self._line(timeout if kill_after is None else kill_after)
        else:
            deadline = t0 + (timeout if kill_after is None else kill_after)
            while (code := self._line(0.005)) is None and not kill_when() and time.perf_counter() < deadline:
                pass
        if code is None:  # still running: the child is not reaped yet, so its pid is still its own
            if kill_after is None and kill_when is None:
                raise TimeoutError(f"{argv} ran for more than {timeout} s")
            kernels = kernels_below(pid)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:  # it ended just now
                pass
            code = self._line(600)
            stop_kernels(kernels)
        return int(code), time.perf_counter() - t0

    def close(self) -> None:
        self._p.stdin.close()
        self._p.wait(timeout=60)
        self._p.stdout.close()

    def __enter__(self) -> ForkedCli:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
