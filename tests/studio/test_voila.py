"""The studio served by Voilà, in a real headless browser (Playwright driving the system
Chromium): the page loads with no code shown, a slider moved with the keyboard changes the ranks.

Skipped, with the reason, where Chromium, Playwright or Voilà is missing (``make browser``
installs Chromium)."""

import os
import socket
import subprocess
import time
import urllib.request

import pytest

from toolkit.reports.screenshot import find_chromium
from toolkit.studio.serve import voila_command

from ..conftest import ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    pytest.importorskip("voila", reason="Voilà is not installed (pip install voila)")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(voila_command(port, root=ROOT), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - localhost
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Voilà did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_served_studio_reacts_to_a_slider(server):
    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium on this machine (make browser installs it); the Voilà browser test is skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(server, timeout=180_000)
            page.wait_for_selector(".studio-ranks", timeout=180_000)
            assert "import toolkit" not in page.content()  # Voilà shows no code
            assert "SYNTHETIC" in page.inner_text("body")
            before = page.inner_text(".studio-ranks tbody")
            handle = page.query_selector_all(".widget-slider .noUi-handle")[0]
            handle.focus()
            for _ in range(40):
                page.keyboard.press("ArrowRight")
            page.wait_for_function("b => document.querySelector('.studio-ranks tbody').innerText !== b", arg=before,
                                   timeout=60_000)
            after = page.inner_text(".studio-ranks tbody")
            assert after != before
        finally:
            browser.close()


def test_the_server_culls_idle_kernels_and_stays_within_a_memory_bound(tmp_path):
    """Visits one after another (each tab closed) leave at most two kernels alive at any time, their
    memory within 2 × 450 MB, and none once the visitors are gone; the log has no warning."""
    exe = find_chromium()
    if exe is None:
        pytest.skip("no Chromium on this machine (make browser installs it)")
    pytest.importorskip("voila", reason="Voilà is not installed (pip install voila)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    import psutil

    from toolkit.studio.serve import server_options

    port = _free_port()
    cmd = [c for c in voila_command(port, root=ROOT) if "cull" not in c and "log_level" not in c]
    cmd[5:5] = server_options(cull_idle=6, interval=2)[:4]  # a short idle time for the test
    log = tmp_path / "voila.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=fh, stderr=fh)
    url = f"http://127.0.0.1:{port}/"

    def kernels():
        ks = [c for c in psutil.Process(proc.pid).children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        return len(ks), sum(k.memory_info().rss for k in ks) / 2**20

    seen = []
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - localhost
                break
            except OSError:
                time.sleep(0.5)
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-gpu"])
            try:
                for _ in range(4):
                    page = browser.new_page()
                    page.goto(url, timeout=180_000)
                    page.wait_for_selector(".studio-ranks", timeout=180_000)
                    seen.append(kernels())
                    page.close()
                    time.sleep(8)  # longer than the idle time: the closed tab's kernel goes
                    seen.append(kernels())
            finally:
                browser.close()
        for _ in range(30):  # the last visitor gone: its kernel too, within the idle time and a check
            if kernels()[0] == 0:
                break
            time.sleep(1)
        seen.append(kernels())
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert max(n for n, _ in seen) <= 2, seen
    assert max(mb for _, mb in seen) <= 900, seen
    assert seen[-1][0] == 0, seen  # the last visitor gone: no kernel left
    text = log.read_text("utf-8", errors="replace")
    assert "WARNING" not in text and "without encryption" not in text, text[-2000:]
