"""A helper for the lock tests: another process holding the output lock of a folder."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_CODE = ("import sys, time; from toolkit.files import output_lock\n"
         "with output_lock(sys.argv[1]):\n    print('held', flush=True); time.sleep(120)")


@contextlib.contextmanager
def held_elsewhere(folder):
    """Hold ``folder``'s output lock in another process for the block (like a notebook or a
    second command line writing into it)."""
    p = subprocess.Popen([sys.executable, "-c", _CODE, str(folder)], stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert p.stdout.readline().strip() == "held"
        yield p
    finally:
        p.kill()
        p.wait()
        p.stdout.close()
