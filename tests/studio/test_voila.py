"""The studio server under many visits: idle kernels are culled, the memory stays bounded, the
log stays quiet (issue 22: "stay within a memory bound under 20 visits").

A visit here is what a visitor's browser asks first: the page (``GET /?lang=…``). The server hands
the visitor its pre-executed kernel, runs the notebook's last cells in it, sends the page and
starts the next kernel. No browser connects to the kernel afterwards, so it is a visitor who came
and went: idle with no connection, it must be culled. Visits come two at a time (two visitors at
once). The server's memory — its own RSS plus every kernel's — is sampled throughout.

Skipped, with the reason, where Voilà is missing."""

from __future__ import annotations

import threading
import time
import urllib.request

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.slow

VISITS = 20
# seconds: short, so that the test does not wait long for the culler; not shorter, since a kernel the
# server has just started is idle until Voilà sends its first cell, which on a loaded machine takes seconds
CULL_IDLE, CULL_INTERVAL = 10, 2


def test_twenty_visits_stay_within_a_memory_bound_and_leave_no_kernel(tmp_path):
    pytest.importorskip("voila", reason="Voilà is not installed (pip install voila)")
    import psutil

    from toolkit.studio.serve import running

    log = tmp_path / "voila.log"
    samples: list[tuple[int, float]] = []  # (kernels alive, MB of the server and its kernels)
    stop = threading.Event()

    def sample(pid):
        server = psutil.Process(pid)
        while not stop.is_set():
            try:
                procs = [server, *server.children(recursive=True)]
                kernels = [p for p in procs[1:] if "ipykernel" in " ".join(p.cmdline())]
                samples.append((len(kernels), sum(p.memory_info().rss for p in procs) / 2**20))
            except psutil.Error:  # a kernel went while it was measured
                pass
            time.sleep(0.2)

    def visit(url, lang):
        with urllib.request.urlopen(f"{url}?lang={lang}", timeout=600) as r:  # noqa: S310 - localhost
            page = r.read().decode("utf-8")
        assert "toolkit-studio" in page or "application/vnd.jupyter.widget-view+json" in page

    with running(root=ROOT, log=log, cull_idle=CULL_IDLE, interval=CULL_INTERVAL) as (url, proc):
        watcher = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
        watcher.start()
        try:
            for _ in range(VISITS // 2):
                pair = [threading.Thread(target=visit, args=(url, lang)) for lang in ("zh", "en")]
                for t in pair:
                    t.start()
                for t in pair:
                    t.join()
            visited = len(samples)
            for _ in range(120):  # the visitors gone: only the kernel waiting for the next one stays
                time.sleep(0.5)
                if samples and samples[-1][0] <= 1:
                    break
            # the log while serving (stopping the server below kills the waiting kernel mid-cell)
            text = log.read_text("utf-8", errors="replace")
        finally:
            stop.set()
            watcher.join()
    assert visited and samples, "nothing sampled"
    most = max(n for n, _ in samples)
    peak = max(mb for _, mb in samples)
    # without culling, 20 visits leave 21 kernels of about 270 MB each (5.7 GB); with it, the kernels
    # alive are the waiting one, the visitors of the last ~10 s (more on a fast machine, where more
    # visits fit in the cull window: 7 seen on an idle 2-core run) and one starting; the memory bound
    # below is the one the issue asks for
    assert most <= 10, samples[::10]
    assert peak <= 2500, (peak, samples[::10])
    assert samples[-1][0] <= 1, samples[-10:]  # no visitor's kernel is left
    print(f"{VISITS} visits: at most {most} kernels alive, peak {peak:.0f} MB (server and kernels), "
          f"{samples[-1][1]:.0f} MB after")
    assert "WARNING" not in text and "without encryption" not in text and "Traceback" not in text, text[-2000:]
