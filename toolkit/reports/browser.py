"""One headless Chromium for many pages, driven with the DevTools protocol over a pipe.

Starting Chromium costs about a second; printing a report costs a fraction of that. A
:class:`Browser` starts one Chromium for a whole batch and speaks the Chrome DevTools Protocol
(CDP) to it over ``--remote-debugging-pipe``: Chromium reads commands from file descriptor 3 and
writes replies to descriptor 4, each message one JSON text ended by a NUL byte. No port is opened
and nothing beyond the standard library is needed (playwright is a test-only dependency).

Each page gets a tab of its own: it is opened, loaded (``load`` fired and every web font ready),
printed with ``Page.printToPDF`` using the page's own CSS page size (the A4 print stylesheet of
:mod:`toolkit.reports.page`) and closed.
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
from pathlib import Path

from .screenshot import FLAGS, find_chromium

# what Chromium's own ``--print-to-pdf --no-pdf-header-footer`` asks for (the CSS page size, the
# backgrounds, no header or footer), so a PDF printed here is the one the command line prints
PRINT = {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False}


class BrowserError(RuntimeError):
    """Chromium failed, stopped or did not answer in time."""


class Browser:
    """A headless Chromium spoken to over the DevTools pipe; a context manager.

    Parameters
    ----------
    timeout : float
        Seconds to wait for any one answer (a page load, a print).
    exe : str, optional
        The Chromium program (default: the first found by :func:`find_chromium`).

    Examples
    --------
    Chromium is a system program that may be missing, so this does not run as a doctest:

    >>> with Browser() as b:  # doctest: +SKIP
    ...     for page in ["a.html", "b.html"]:
    ...         Path(page).with_suffix(".pdf").write_bytes(b.pdf(page))
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
        argv = [exe, *FLAGS, f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
                "--run-all-compositor-stages-before-draw", "about:blank"]
        try:
            self._pid = os.posix_spawn(exe, argv, os.environ, file_actions=[
                (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
                (os.POSIX_SPAWN_DUP2, self._stderr.fileno(), 2),
                (os.POSIX_SPAWN_DUP2, low[0], 3), (os.POSIX_SPAWN_DUP2, low[1], 4)])
        finally:
            for fd in (*low, devnull):
                os.close(fd)
        self._code: int | None = None
        self._buf = b""
        self._next_id = 0
        self._events: list[dict] = []

    # -- the protocol ----------------------------------------------------------------------------
    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one command and return its result (raises :class:`BrowserError` on an error)."""
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
        reply = self._wait(lambda m: m.get("id") == self._next_id, method)
        if "error" in reply:
            raise BrowserError(f"{method}: {reply['error'].get('message', reply['error'])}")
        return reply.get("result", {})

    def _wait(self, match, what: str) -> dict:
        """The first message (kept events first) for which ``match`` is true."""
        for i, m in enumerate(self._events):
            if match(m):
                return self._events.pop(i)
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                m = json.loads(raw)
                if match(m):
                    return m
                if "method" in m:  # an event someone may wait for later
                    self._events.append(m)
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"Chromium did not answer {what} within {self.timeout:g} s")
            ready, _, _ = select.select([self._in], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise BrowserError(f"Chromium stopped while waiting for {what}: {self._tail()}")
                self._buf += chunk

    def _tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()[-400:].decode("utf-8", "replace")

    # -- pages -----------------------------------------------------------------------------------
    def pdf(self, html: str | Path, **options) -> bytes:
        """The PDF of the HTML file ``html``, printed as Chromium's ``--print-to-pdf`` does;
        ``options`` are further ``Page.printToPDF`` parameters."""
        url = Path(html).resolve().as_uri()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self.send("Page.enable", session=session)
            self._events.clear()
            nav = self.send("Page.navigate", {"url": url}, session=session)
            if nav.get("errorText"):  # e.g. net::ERR_FILE_NOT_FOUND: never print Chromium's error page
                raise BrowserError(f"Chromium could not open {html}: {nav['errorText']}")
            self._wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session,
                       f"the load of {Path(html).name}")
            self.send("Runtime.evaluate", {"expression": "document.fonts.ready.then(() => true)",
                                           "awaitPromise": True}, session=session)
            data = self.send("Page.printToPDF", {**PRINT, **options}, session=session)["data"]
        finally:
            self.send("Target.closeTarget", {"targetId": target})
            self._events = [m for m in self._events if m.get("sessionId") is None]
        return base64.b64decode(data)

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
                self.send("Browser.close")
            except (BrowserError, OSError):
                pass
            deadline = time.monotonic() + 5
            while self.alive() and time.monotonic() < deadline:
                time.sleep(0.05)
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
