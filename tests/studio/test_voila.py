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
