"""A helper for the tests of real file permissions: command lines run by a process that cannot
bypass file modes.

The tests run as root in CI, and root reads and writes whatever the modes say. So the command
lines run in one child process: as user ``nobody`` when it can read this checkout and the
interpreter, else as root without the capabilities that override permissions (a checkout in a
private 0700 folder). One process runs them all (``toolkit.cli.main`` for each): the interpreter
and the toolkit's imports are paid once, not once a command. Not as root, they run in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: the child: it says when it has imported the toolkit (a way that cannot is not a failure: the
#: next way is tried), then runs each command line and prints {name: [exit code, output]}
_CHILD = """\
import contextlib, io, json, sys
import pandas, pyarrow, toolkit.cli
print("imported", flush=True)
results = {}
for name, argv in json.loads(sys.argv[1]).items():
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = toolkit.cli.main(argv)
        except SystemExit as exc:
            code = exc.code
    results[name] = [code, out.getvalue()]
print(json.dumps(results))
"""


def _drop_permission_override() -> None:
    """In the child, before exec: drop CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER from
    the bounding set (prctl PR_CAPBSET_DROP), so the program, though uid 0, obeys file modes."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2, 3):
        if libc.prctl(24, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _ways() -> list[dict]:
    """The keyword arguments of ``subprocess.run`` for each way of running without root's power."""
    import pwd

    ways = []
    try:
        nobody = pwd.getpwnam("nobody")
        ways.append({"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []})
    except KeyError:
        pass
    ways.append({"preexec_fn": _drop_permission_override})
    return ways


def _in_process(argv: list[str]) -> tuple[int, str]:
    from toolkit.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue()


def run_without_override(folder: Path, runs: dict[str, list]) -> dict[str, tuple[int, str]]:
    """Run each command line of ``runs`` where file modes hold; its exit code and output, by name.

    Parameters
    ----------
    folder : Path
        A folder others can enter; the child's home (locks, logs) is made in it.
    runs : dict
        Name → command line (the arguments of ``python -m toolkit``).

    Returns
    -------
    dict
        Name → (exit code, stdout and stderr). Skips the test when the tests run as root and
        neither way can import the toolkit.
    """
    argvs = {name: [str(a) for a in argv] for name, argv in runs.items()}
    if os.geteuid() != 0:
        return {name: _in_process(argv) for name, argv in argvs.items()}
    home = folder / "home"
    for d in (home, home / "locks", home / "logs"):
        d.mkdir(exist_ok=True)
        os.chmod(d, 0o777)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(home),
           "MPLCONFIGDIR": str(home), "TOOLKIT_LOCK_DIR": str(home / "locks"), "TOOLKIT_LOG_DIR": str(home / "logs")}
    for kwargs in _ways():
        try:
            r = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(argvs)], capture_output=True, text=True,
                               env=env, cwd="/", timeout=300, **kwargs)
        except (OSError, subprocess.SubprocessError):  # e.g. the interpreter is under /root (pyenv), or no CAP_SETPCAP
            continue
        if not r.stdout.startswith("imported\n"):
            continue
        assert r.returncode == 0 and "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
        return {name: (code, text) for name, (code, text) in json.loads(r.stdout.split("\n", 1)[1]).items()}
    pytest.skip("running as root, and neither user nobody nor root without CAP_DAC_OVERRIDE can import the "
                f"toolkit from {ROOT} with {sys.executable}")
