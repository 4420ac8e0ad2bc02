"""One headless Chromium for many pages, driven with the DevTools protocol over a pipe.

Starting Chromium costs about a second; printing a report costs a fraction of that. A
:class:`Browser` starts one Chromium for a whole batch and speaks the Chrome DevTools Protocol
(CDP) to it over ``--remote-debugging-pipe``: Chromium reads commands from file descriptor 3 and
writes replies to descriptor 4, each message one JSON text ended by a NUL byte. No port is opened
and nothing beyond the standard library is needed (playwright is a test-only dependency).

:meth:`Browser.pdfs` prints a batch through a few tabs at once (each tab has a renderer process
of its own, so one page is laid out while another is printed), each tab reused for page after
page. A page is printed once it is ready: its own ``load`` lifecycle event (matched by the
navigation's ``loaderId``, so an earlier page's event never counts) and every web font loaded;
there is no fixed sleep. ``Page.printToPDF`` uses the page's own CSS page size (the A4 print
stylesheet of :mod:`toolkit.reports.page`), as ``chromium --print-to-pdf`` does.

A navigation costs Chromium about 70 ms of CPU whatever the page (a new document, its frame
and script context: measured in ``benchmarks/bench_pdf.py``), a fifth of a brain profile's
whole print. So a tab navigates once to the first page of a folder, and the next pages of the
same folder that hold no script are written into that document (``Page.setDocumentContent``:
``document.open``/``write``/``close``, the embedded font's data URL already decoded): their
relative links resolve as before (same folder), no script state can carry over (none runs),
and the PDF has the page's own title, page count and text (tests/reports/test_browser.py).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import signal
import tempfile
import time
from collections import deque
from pathlib import Path

from .screenshot import FLAGS, find_chromium

# what Chromium's own ``--print-to-pdf --no-pdf-header-footer`` asks for (the CSS page size, the
# backgrounds, no header or footer), so a PDF printed here is the one the command line prints
PRINT = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}
# tabs in flight: pages are laid out while others print, and a page's steps wait on one another
# (IPC, a print-compositor process per document); on 2 cores three tabs printed 24 profiles 1.2-1.4x
# faster than two in two runs of benchmarks/bench_pdf.py
TABS = 3
# tabs that are not in front are neither throttled nor deprioritised: every tab of a batch works
BATCH_FLAGS = ("--remote-debugging-pipe", "--run-all-compositor-stages-before-draw",
               "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
               "--disable-backgrounding-occluded-windows")
READY = "document.fonts.ready.then(() => document.fonts.size)"
# a written document: its load event (images) if it has not fired yet, then its fonts
WRITTEN = ("new Promise(r => document.readyState === 'complete' ? r() : addEventListener('load', r, {once: true}))"
           ".then(() => document.fonts.ready).then(f => f.size)")


class BrowserError(RuntimeError):
    """Chromium failed, stopped or did not answer in time."""


class Browser:
    """A headless Chromium spoken to over the DevTools pipe; a context manager.

    Parameters
    ----------
    timeout : float
        Seconds to wait for any one answer, and for any one page to load and print.
    exe : str, optional
        The Chromium program (default: the first found by :func:`find_chromium`).

    Examples
    --------
    Chromium is a system program that may be missing, so this does not run as a doctest:

    >>> with Browser() as b:  # doctest: +SKIP
    ...     for page, pdf in b.pdfs(["a.html", "b.html"]):
    ...         page.with_suffix(".pdf").write_bytes(pdf)
    """

    def __init__(self, timeout: float = 120, exe: str | None = None):
        exe = exe or find_chromium()
        if exe is None:
            raise FileNotFoundError("no Chromium found; install it (make browser) to write PDFs")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="sd-brain-chromium-")
        self._stderr = tempfile.TemporaryFile()
        to_child, self._out = os.pipe()  # we write commands, Chromium reads them on fd 3
        self._in, from_child = os.pipe()  # Chromium writes replies on fd 4, we read them
        # the child's ends go onto descriptors 3 and 4 (posix_spawn: no shell, no preexec hook);
        # copied above 9 first, so that dup2 never meets a descriptor already in place
        low = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child, from_child)]
        for fd in (to_child, from_child):
            os.close(fd)
        devnull = os.open(os.devnull, os.O_RDWR)
        argv = [exe, *FLAGS, f"--user-data-dir={self._profile.name}", *BATCH_FLAGS, "about:blank"]
        try:
            self._pid = os.posix_spawn(exe, argv, os.environ, file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, self._stderr.fileno(), 2),
                (os.POSIX_SPAWN_DUP2, low[0], 3), (os.POSIX_SPAWN_DUP2, low[1], 4)])
        finally:
            for fd in (*low, devnull):
                os.close(fd)
        self._code: int | None = None
        self._buf = bytearray()
        self._next_id = 0
        self.written = 0  # pages written into a tab's document rather than navigated to

    # -- the protocol ----------------------------------------------------------------------------
    def post(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send one command without waiting; returns its id (its reply carries the same id)."""
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode("utf-8") + b"\0"
        try:
            while data:
                data = data[os.write(self._out, data):]
        except OSError as exc:
            raise BrowserError(f"Chromium stopped ({exc}): {self._tail()}") from exc
        return self._next_id

    def messages(self, wait: float) -> list[dict]:
        """The messages (replies and events) Chromium sends within ``wait`` seconds: those
        already arrived, or the first that arrive (an empty list if none does)."""
        ready, _, _ = select.select([self._in], [], [], max(wait, 0))
        if not ready:
            return []
        chunk = os.read(self._in, 1 << 20)
        if not chunk:
            raise BrowserError(f"Chromium stopped: {self._tail()}")
        start = len(self._buf)  # a reply of a megabyte comes in many chunks: only the new one is searched
        self._buf += chunk
        out, end = [], self._buf.find(b"\0", start)
        while end >= 0:
            out.append(json.loads(self._buf[:end]))
            del self._buf[:end + 1]
            end = self._buf.find(b"\0")
        return out

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (raises :class:`BrowserError` on an error);
        other messages arriving meanwhile are dropped."""
        wanted = self.post(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer {method} within {self.timeout:g} s")
            for m in self.messages(min(left, 1.0)):
                if m.get("id") == wanted:
                    if "error" in m:
                        raise BrowserError(f"{method}: {m['error'].get('message', m['error'])}")
                    return m.get("result", {})

    def _tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-400:].decode("utf-8", "replace")

    # -- pages -----------------------------------------------------------------------------------
    def pdf(self, html: str | Path, **options) -> bytes:
        """The PDF of the HTML file ``html``, printed as Chromium's ``--print-to-pdf`` does;
        ``options`` are further ``Page.printToPDF`` parameters."""
        ((_, got),) = self.pdfs([html], tabs=1, **options)
        if isinstance(got, Exception):
            raise got
        return got

    def pdfs(self, pages, tabs: int = TABS, write: bool = True, **options):
        """Print the HTML files ``pages``, ``tabs`` at a time; yields ``(page, pdf bytes)`` as each
        is printed, or ``(page, BrowserError)`` for a page that failed (the others go on).
        ``write=False`` navigates to every page (else the pages without a script after the first
        of their folder are written into their tab's document: the module's docstring).

        If Chromium itself stops, the pages in flight are yielded with the error and the
        generator ends early: the pages never yielded were not tried (start a new Browser).
        """
        return _Batch(self, [Path(p) for p in pages], max(1, tabs), {**PRINT, **options}, write).run()

    def alive(self) -> bool:
        """Whether Chromium is still running."""
        if self._code is None:
            pid, status = os.waitpid(self._pid, os.WNOHANG)
            if pid:
                self._code = os.waitstatus_to_exitcode(status)
        return self._code is None

    def close(self) -> None:
        """Ask Chromium to quit; kill it if it has not within a few seconds."""
        if self.alive():
            try:
                self.post("Browser.close")
            except (BrowserError, OSError):
                pass
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.02)
            if self.alive():
                os.kill(self._pid, signal.SIGKILL)
                self._code = os.waitstatus_to_exitcode(os.waitpid(self._pid, 0)[1])
        for fd in (self._out, self._in):
            try:
                os.close(fd)
            except OSError:
                pass
        self._stderr.close()
        self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Tab:
    """One tab of a batch: its target, session, the page it holds and the step it waits on."""

    def __init__(self, timeout: float):
        self.target = self.session = self.page = self.loader = None
        self.folder: Path | None = None  # the folder of the document the tab navigated to
        self.step = "create"
        self.loaded: set[str] = set()  # the loaderIds whose ``load`` fired
        self.deadline = time.monotonic() + timeout  # to open; then, to load and print its page


class _Batch:
    """The pages of :meth:`Browser.pdfs`, moved through their tabs by the replies and events
    that come back: navigate → load (of this navigation) → fonts ready → printToPDF."""

    def __init__(self, browser: Browser, pages: list[Path], tabs: int, options: dict, write: bool = True):
        self.b, self.todo, self.options, self.write = browser, deque(pages), options, write
        self.tabs = [_Tab(browser.timeout) for _ in range(min(tabs, len(pages)))]
        self.waiting: dict[int, _Tab] = {}  # command id → the tab whose step it answers
        self.sessions: dict[str, _Tab] = {}
        self.done: list[tuple[Path, bytes | BrowserError]] = []

    def run(self):
        for tab in self.tabs:
            self._post(tab, "Target.createTarget", {"url": "about:blank"})
        try:
            while self.todo or any(t.page for t in self.tabs):
                try:
                    wait = min(t.deadline for t in self.tabs) - time.monotonic()
                    for m in self.b.messages(min(wait, 1.0)):
                        self._on(m)
                except BrowserError as exc:  # Chromium stopped: the pages in flight failed with it
                    lost = [t.page for t in self.tabs if t.page]
                    if not lost:
                        raise
                    yield from ((p, exc) for p in lost)
                    return
                for t in list(self.tabs):
                    if time.monotonic() > t.deadline:
                        if t.page is None:
                            raise BrowserError(f"Chromium did not open a tab within {self.b.timeout:g} s")
                        self._fail(t, f"{t.page.name} did not load and print within {self.b.timeout:g} s")
                yield from self.done
                self.done.clear()
        finally:
            for t in self.tabs:
                if t.target and self.b.alive():
                    try:
                        self.b.post("Target.closeTarget", {"targetId": t.target})
                    except BrowserError:
                        pass

    def _post(self, tab: _Tab, method: str, params: dict | None = None, session: bool = False) -> None:
        self.waiting[self.b.post(method, params, tab.session if session else None)] = tab

    def _next(self, tab: _Tab) -> None:
        tab.page = None
        tab.deadline = float("inf")
        if self.todo:
            tab.page = self.todo.popleft()
            tab.deadline = time.monotonic() + self.b.timeout
            tab.loader = None
            html = _writable(tab.page) if self.write and tab.folder == tab.page.resolve().parent else None
            if html is not None:  # the tab's document, same folder: rewritten, not navigated
                tab.step = "write"
                self.b.written += 1
                self._post(tab, "Page.setDocumentContent", {"frameId": tab.target, "html": html}, session=True)
            else:
                tab.step, tab.folder = "navigate", None
                self._post(tab, "Page.navigate", {"url": tab.page.resolve().as_uri()}, session=True)

    def _fail(self, tab: _Tab, why: str) -> None:
        """The tab's page failed: recorded, and the tab replaced by a fresh one (its state is unknown)."""
        self.done.append((tab.page, BrowserError(why)))
        self.waiting = {k: t for k, t in self.waiting.items() if t is not tab}
        self.sessions.pop(tab.session, None)
        self.b.post("Target.closeTarget", {"targetId": tab.target})
        fresh = _Tab(self.b.timeout)
        self.tabs[self.tabs.index(tab)] = fresh
        self._post(fresh, "Target.createTarget", {"url": "about:blank"})

    def _on(self, m: dict) -> None:
        if "id" in m:
            tab = self.waiting.pop(m["id"], None)
            if tab is not None:
                self._reply(tab, m)
            return
        tab = self.sessions.get(m.get("sessionId"))
        if tab is None:
            return
        if m.get("method") == "Page.lifecycleEvent" and m["params"].get("name") == "load":
            tab.loaded.add(m["params"].get("loaderId"))
            if tab.step == "load" and tab.loader in tab.loaded:
                self._ready(tab)
        elif m.get("method") == "Inspector.targetCrashed" and tab.page:
            self._fail(tab, f"Chromium's renderer crashed on {tab.page.name}")

    def _ready(self, tab: _Tab) -> None:
        tab.step = "fonts"
        self._post(tab, "Runtime.evaluate", {"expression": READY, "awaitPromise": True}, session=True)

    def _reply(self, tab: _Tab, m: dict) -> None:
        step, result = tab.step, m.get("result", {})
        if "error" in m:
            why = f"{step}: {m['error'].get('message', m['error'])}"
            if tab.page is None:  # opening a tab failed: the browser is not usable
                raise BrowserError(why)
            return self._fail(tab, f"{tab.page.name}: {why}")
        if step == "create":
            tab.target, tab.step = result["targetId"], "attach"
            self._post(tab, "Target.attachToTarget", {"targetId": tab.target, "flatten": True})
        elif step == "attach":
            tab.session, tab.step = result["sessionId"], "enable"
            self.sessions[tab.session] = tab
            self._post(tab, "Page.enable", session=True)
        elif step == "enable":
            tab.step = "lifecycle"
            self._post(tab, "Page.setLifecycleEventsEnabled", {"enabled": True}, session=True)
        elif step == "lifecycle":
            self._next(tab)
        elif step == "navigate":
            if result.get("errorText"):  # e.g. net::ERR_FILE_NOT_FOUND: never print Chromium's error page
                return self._fail(tab, f"Chromium could not open {tab.page}: {result['errorText']}")
            tab.loader, tab.step = result.get("loaderId"), "load"
            tab.folder = tab.page.resolve().parent
            if tab.loader in tab.loaded:
                self._ready(tab)
        elif step == "write":
            tab.step = "fonts"
            self._post(tab, "Runtime.evaluate", {"expression": WRITTEN, "awaitPromise": True}, session=True)
        elif step == "fonts":
            tab.step = "print"
            self._post(tab, "Page.printToPDF", self.options, session=True)
        elif step == "print":
            tab.loaded.clear()
            self.done.append((tab.page, base64.b64decode(result["data"])))
            self._next(tab)


def _writable(page: Path) -> str | None:
    """The page's HTML if it can be written into a tab's document instead of navigated to:
    UTF-8 text with no script (a script's globals would outlive its page); else None."""
    try:
        html = page.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # navigated to: Chromium reports what is wrong with it
    return None if "<script" in html.lower() else html
