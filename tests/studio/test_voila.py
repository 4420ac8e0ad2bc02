"""The studio server under many visits: idle kernels are culled, the memory stays bounded, the
log stays quiet (issue 22: "stay within a memory bound under 20 visits").

A visit here is what a visitor's browser asks first: the page (``GET /?lang=…``). The server hands
the visitor its pre-executed kernel, runs the notebook's last cells in it, sends the page and
starts the next kernel. No browser connects to the kernel afterwards, so it is a visitor who came
and went: idle with no connection, it must be culled. Visits come two at a time (two visitors at
once). The server's memory — its own RSS plus every kernel's — is sampled throughout.

Skipped, with the reason, where Voilà is missing."""

from __future__ import annotations

import json
import os
import re
import threading
import time
import urllib.request

import pytest

from ..conftest import ROOT

VISITS = 20
# seconds: short, so that the test does not wait long for the culler; not shorter, since a kernel the
# server has just started is idle until Voilà sends its first cell, which on a loaded machine takes seconds
CULL_IDLE, CULL_INTERVAL = 10, 2


def opening_words(lang: str) -> str:
    """The first words of the page's opening paragraph in ``lang``, as the page carries them (the
    kernel's HTML output, in a JSON string: ``\\uXXXX`` escapes)."""
    from toolkit import load_framework
    from toolkit.studio.words import say

    text = say("intro", lang, dim=load_framework().words(lang)["dim"])
    return json.dumps(text[:12])[1:-1]


#: one traceback that is not the toolkit's: a kernel culled while its control thread still publishes its
#: "idle" status finds the IOPub event pipe closed by its own shutdown (ipykernel's IOPubThread.schedule;
#: ipykernel 7.4 catches the same race in ``_really_send`` only, ipython/ipykernel#1518). The kernel was
#: going anyway; pyzmq's ZMQStream logs the callback's error through tornado. Any other traceback still fails the test.
SHUTDOWN_RACE = re.compile(r"ERROR:tornado\.[a-z]+:[^\n]*\n"
                           r"Traceback \(most recent call last\):\n(?:(?: {2}|\^)[^\n]*\n)*?"
                           r"zmq\.error\.ZMQError: Socket operation on non-socket\n")


def without_shutdown_races(text: str) -> tuple[str, int]:
    """``text`` without the tracebacks of :data:`SHUTDOWN_RACE` that pass through the kernel's
    ``process_control`` and ``_publish_status``, and how many there were.

    Examples
    --------
    >>> race = ("ERROR:tornado.general:Uncaught exception in ZMQStream callback\\nTraceback (most recent call last):\\n"
    ...         '  File "k.py", line 1, in process_control\\n    self._publish_status(s)\\n'
    ...         "zmq.error.ZMQError: Socket operation on non-socket\\n")
    >>> without_shutdown_races("a\\n" + race + "b\\n")
    ('a\\nb\\n', 1)
    >>> without_shutdown_races(race.replace("process_control", "execute_request"))[1]
    0
    """
    kept, n = [], 0
    last = 0
    for m in SHUTDOWN_RACE.finditer(text):
        if "process_control" in m.group(0) and "_publish_status" in m.group(0):
            kept.append(text[last:m.start()])
            last, n = m.end(), n + 1
    kept.append(text[last:])
    return "".join(kept), n


def test_the_pre_executed_kernel_asks_the_server_where_voila_asks(monkeypatch):
    """page.wait_for_request does what voila.utils.wait_for_request does (without importing the
    Jupyter server into every kernel): the same address from the same variables, and the visitor's
    request put into the environment, so that page.language reads the visitor's ?lang=."""
    pytest.importorskip("voila", reason="Voilà is not installed (pip install voila)")
    import websockets
    from voila.utils import wait_for_request as voilas_wait

    from toolkit.studio import page

    asked = []

    class Server:  # the server's side of voila/query/<kernel id>: the visitor's request, once
        def __init__(self, url, **kwargs):
            asked.append(url)

        async def __aenter__(self):
            return self

        async def __aexit__(self, *exc):
            return False

        async def recv(self):
            return json.dumps({"QUERY_STRING": "lang=en", "SERVER_NAME": "studio.example"})

    monkeypatch.setattr(websockets, "connect", Server)
    for name, value in {"VOILA_PREHEAT": "True", "VOILA_APP_PORT": "9123", "VOILA_SERVER_URL": "/studio/",
                        "VOILA_KERNEL_ID": "k-1", "QUERY_STRING": "", "SERVER_NAME": ""}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("VOILA_WS_BASE_URL", raising=False)
    voilas_wait()
    monkeypatch.setenv("QUERY_STRING", "")  # as the kernel was before its visitor came
    assert page.language("zh") == "en"
    assert asked == ["ws://127.0.0.1:9123/studio/voila/query/k-1"] * 2, asked
    assert os.environ["SERVER_NAME"] == "studio.example"


@pytest.mark.slow
def test_twenty_visits_stay_within_a_memory_bound_and_leave_no_kernel(tmp_path):
    pytest.importorskip("voila", reason="Voilà is not installed (pip install voila)")
    import psutil

    from toolkit.studio.serve import running

    log = tmp_path / "voila.log"
    samples: list[tuple[int, float]] = []  # (kernels alive, MB of the server and its kernels)
    taken: list[float] = []  # when each sample was taken (time.monotonic)
    visits: list[tuple[float, float]] = []  # when each visit began and when its page had arrived
    largest = {"server": 0.0, "kernel": 0.0}  # MB: the server's RSS, one kernel's, the largest seen
    cpu: dict[int, float] = {}  # CPU seconds of the server and of each kernel, as last seen
    pages = {"zh": [], "en": []}
    stop = threading.Event()

    def sample(pid):
        server = psutil.Process(pid)
        known: dict[int, bool] = {}  # pid: a kernel (its command line, read once it has one)
        while not stop.is_set():
            try:
                procs = [server, *server.children(recursive=True)]
                for p in procs[1:]:
                    if p.pid not in known and (line := " ".join(p.cmdline())) != " ".join(server.cmdline()):
                        known[p.pid] = "ipykernel" in line
                kernels = [p for p in procs[1:] if known.get(p.pid)]
                rss = {p.pid: p.memory_info().rss / 2**20 for p in procs}
                for p in [server, *kernels]:
                    t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
            except psutil.Error:  # a kernel went while it was measured
                pass
            else:
                samples.append((len(kernels), sum(rss.values())))
                taken.append(time.monotonic())
                largest["server"] = max(largest["server"], rss[pid])
                largest["kernel"] = max([largest["kernel"], *(rss[p.pid] for p in kernels)])
            time.sleep(0.5)  # kernels live for CULL_IDLE seconds at least: a peak lasts longer than this

    def visit(url, lang):
        began = time.monotonic()
        with urllib.request.urlopen(f"{url}?lang={lang}", timeout=600) as r:  # noqa: S310 - localhost
            pages[lang].append(r.read().decode("utf-8"))
        visits.append((began, time.monotonic()))

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
    # every visitor had the studio, in their language: the request reached the pre-executed kernel
    words = {lang: opening_words(lang) for lang in pages}
    for lang, other in (("zh", "en"), ("en", "zh")):
        assert len(pages[lang]) == VISITS // 2
        for got in pages[lang]:
            assert "application/vnd.jupyter.widget-view+json" in got
            assert words[lang] in got and words[other] not in got, lang
    assert visited and samples, "nothing sampled"
    most = max(n for n, _ in samples)
    peak = max(mb for _, mb in samples)
    # without culling, 20 visits leave 21 kernels (the 20 visitors' and the waiting one). Culled, the
    # kernels alive at any moment are the waiting one, up to two starting (a pair of visits takes two
    # kernels from the pool at once), and the visitors whose pages
    # arrived within the cull window: idle CULL_IDLE s, found by the next check (CULL_INTERVAL s), and
    # up to 5 s for the kernel to shut down. How many visits fit in that window depends on the
    # machine's speed (7 kernels seen on an idle 2-core run, 11 on a faster one), so each sample is
    # held to the visits of its own window: a kernel left past its window breaks it, on any machine.
    # The memory follows the same kernels (kernels of the size measured here, not a figure of today's),
    # and stays within the 2,500 MB
    window = CULL_IDLE + CULL_INTERVAL + 5
    unculled = largest["server"] + (VISITS + 1) * largest["kernel"]
    for t, (n, mb) in zip(taken, samples, strict=True):
        allowed = 3 + sum(1 for began, done in visits if began <= t <= done + window)
        assert n <= allowed, (n, allowed, t, visits, samples[::10])
        assert mb <= largest["server"] + allowed * largest["kernel"], (mb, allowed, largest)
    assert len(visits) == VISITS and most < VISITS + 1, samples[::10]
    assert peak <= 2500, (peak, samples[::10])
    assert samples[-1][0] <= 1, samples[-10:]  # no visitor's kernel is left
    kernels_cpu = sum(c for p, c in cpu.items() if p != proc.pid)
    print(f"{VISITS} visits: at most {most} kernels alive, peak {peak:.0f} MB (server and kernels; unculled "
          f"{unculled:.0f} MB), {samples[-1][1]:.0f} MB after; CPU: server {cpu.get(proc.pid, 0):.1f} s, "
          f"{len(cpu) - 1} kernels {kernels_cpu:.1f} s")
    text, races = without_shutdown_races(text)
    print(f"ipykernel's shutdown race logged {races} time(s)")
    assert "WARNING" not in text and "without encryption" not in text and "Traceback" not in text, text[-2000:]
