"""The progress of a report run: an append-only journal beside the manifest.

A batch records each report as it finishes, so a killed run resumes where it stopped. Rewriting
the whole ``manifest.json`` after every report made a run quadratic in its number of reports; the
run instead appends one JSON line per finished report to ``_progress.jsonl`` in its (staging)
folder and writes ``manifest.json`` once, at the end, when the journal is removed.

The journal's first line names the bundle the records belong to; every other line is one report's
record (a later line for the same report wins). A line cut short by a kill is ignored.

Examples
--------
>>> import tempfile, pathlib
>>> run = pathlib.Path(tempfile.mkdtemp())
>>> with Journal(run, "b1", {}) as j:
...     j.record({"key": "unit:A", "status": "ok"})
>>> recorded(run)["reports"]["unit:A"]["status"], recorded(run)["bundle_digest"]
('ok', 'b1')
"""

from __future__ import annotations

import json
from pathlib import Path

JOURNAL = "_progress.jsonl"
MANIFEST = "manifest.json"


def _read_json(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def recorded(run_dir: str | Path) -> dict:
    """What a run folder records: its manifest, with the journal of a run that stopped before
    writing it applied on top (``{"bundle_digest": …, "reports": {key: record}}`` at least).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> recorded(pathlib.Path(tempfile.mkdtemp()))
    {'reports': {}}
    """
    run_dir = Path(run_dir)
    doc = _read_json(run_dir / MANIFEST)
    doc["reports"] = dict(doc.get("reports") or {})
    try:
        lines = (run_dir / JOURNAL).read_text("utf-8").splitlines()
    except OSError:
        return doc
    for i, line in enumerate(lines):
        try:
            rec = json.loads(line)
        except ValueError:  # the line a kill cut short
            continue
        if i == 0:  # the header: the bundle the records below were rendered from
            if rec.get("bundle_digest") != doc.get("bundle_digest"):
                doc["reports"] = {}
            doc["bundle_digest"] = rec.get("bundle_digest")
        elif isinstance(rec, dict) and "key" in rec:
            doc["reports"][rec["key"]] = rec
    return doc


class Journal:
    """The journal of one run: started with what is already recorded (one line per report
    known, written atomically), then one line appended per finished report; a context manager.

    Parameters
    ----------
    run_dir : the (staging) run folder
    bundle_digest : the digest of the bundle the reports are rendered from
    records : {key: record} already recorded (carried into the new journal)
    """

    def __init__(self, run_dir: str | Path, bundle_digest: str, records: dict):
        from ..files import write_atomic

        self.path = Path(run_dir) / JOURNAL
        lines = [json.dumps({"bundle_digest": bundle_digest})]
        lines += [json.dumps({**rec, "key": key}, ensure_ascii=False, default=str)
                  for key, rec in records.items() if rec.get("status") != "pending"]
        text = "\n".join(lines) + "\n"
        write_atomic(self.path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (closed by close())

    def record(self, rec: dict) -> None:
        """Append one finished report's record (it must hold its ``key``)."""
        self._fh.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
        self._fh.flush()  # in the kernel's hands: a SIGKILL of this process no longer loses it

    def close(self) -> None:
        self._fh.close()

    def remove(self) -> None:
        """Drop the journal once the manifest holds everything it recorded."""
        self.close()
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
