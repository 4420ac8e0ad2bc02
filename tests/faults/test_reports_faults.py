"""Issue #11, faults of ``reports``: a batch killed with SIGKILL in each of its phases and at
random moments (seeded), resumed each time from what the kill left.

The run is written into a staging copy beside its folder and swapped in whole at the end, so
after every kill the published run folder is absent (nothing completed yet) or one complete run,
checked exactly as the kill left it. Each killed run resumes from the staging copy the previous
one left; a real ``python -m toolkit reports`` then completes the batch and leaves nothing behind.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from toolkit.publish import resumable_staging
from toolkit.reports.progress import JOURNAL

from .kills import reports_argv, reports_complete, run_cli, run_forked

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

# what a batch does, in order, as seen on disk (the kill inside the publish step itself is
# tests/faults/test_reports_publish_faults.py)
PHASES = {
    "reading": "reading and checking the return and the spec: no staging copy yet",
    "staging": "the staging copy opened; the bundle computed (or found up to date) and written",
    "rendering": "the reports rendered, a kernel each, each recorded in the journal as it ends",
    "finishing": "every report recorded: the workbook, the index page, the manifest, the publish",
}
RANDOM_TRIALS = 4


def journal_ok(staging: Path, old_inode: int | None) -> int | None:
    """How many reports this run's journal records as done; None while the run has not started
    its journal (the one a killed run left, ``old_inode``, does not count: a run writes its own)."""
    try:
        if (staging / JOURNAL).stat().st_ino == old_inode:
            return None
        lines = (staging / JOURNAL).read_text("utf-8").splitlines()
    except FileNotFoundError:
        return None
    ok = 0
    for line in lines[1:]:
        try:
            ok += json.loads(line).get("status") == "ok"
        except ValueError:  # the line a kill cut short
            pass
    return ok


class Trial:
    """One run of the batch, killed when it enters ``phase`` (polled from the files it writes),
    or after ``kill_after`` seconds; :meth:`landed` says in which phase the kill landed."""

    def __init__(self, final: Path, phase: str | None = None):
        self.final, self.staging, self.phase = final, resumable_staging(final), phase
        self.had_staging = self.staging.exists()  # a killed run's, which this run resumes
        try:
            self.old_inode = (self.staging / JOURNAL).stat().st_ino
        except FileNotFoundError:
            self.old_inode = None
        manifest = final / "manifest.json"
        self.published = manifest.read_bytes() if manifest.exists() else None

    def due(self) -> bool:
        if self.phase == "reading":
            return True
        if self.phase == "staging":  # the staging copy appears (one a killed run left does not)
            return not self.had_staging and self.staging.exists()
        done = journal_ok(self.staging, self.old_inode)
        return done is not None and (self.phase == "rendering" or done == 3)

    def landed(self, code: int) -> str:
        if code == 0:
            return "completed"
        manifest = self.final / "manifest.json"
        if (manifest.read_bytes() if manifest.exists() else None) != self.published:
            return "finishing"  # killed after the exchange, before the process ended
        if not self.staging.exists():
            return "reading"
        done = journal_ok(self.staging, self.old_inode)
        if done is None:
            return "staging"
        return "finishing" if done == 3 else "rendering"


def test_reports_killed_in_every_phase_and_at_random_moments_and_resumed(cli, returns, tmp_path):
    """Two rounds kill the batch once in each of its :data:`PHASES`, entered as the files show
    it (the kill lands within 5 ms of the phase's first write): a first run from nothing, each
    trial resuming what the last one left, completed once; then a ``--force`` run over the
    published one. :data:`RANDOM_TRIALS` seeded random moments follow, alternating ``--force``,
    for a window no phase boundary names. Where a kill can land is thereby covered phase by
    phase (the publish step exactly, by the test hook, in test_reports_publish_faults.py); the
    twenty uniform random moments this test used before proved no more and took seven times as
    long (638 s against 83 s on the shared machine under the same load), most of them landing in
    the middle of a kernel's render."""
    data, _ = returns
    out = tmp_path / "reports"
    landed = []

    def trial(phase=None, force=False, kill_after=None):
        t = Trial(out / "r", phase)
        code, seconds = cli.run(reports_argv(data, out, *(["--force"] if force else [])),
                                kill_after=kill_after, kill_when=t.due if phase else None)
        landed.append(t.landed(code))
        reports_complete(out / "r")  # exactly as the kill left it
        return seconds

    for phase in PHASES:  # from nothing: no published run yet
        trial(phase)
    assert not (out / "r").exists()
    run_forked(cli, *reports_argv(data, out))  # completed from the staging copy the kills left
    reports_complete(out / "r")
    for phase in PHASES:  # re-rendered over a published run
        forced = trial(phase, force=True)
    rng = random.Random(7)
    for k in range(RANDOM_TRIALS):
        trial(force=k % 2 == 0, kill_after=rng.uniform(0.0, forced * 1.3))
    assert set(PHASES) <= set(landed), landed
    r = run_cli(*reports_argv(data, out))
    assert r.returncode == 0, r.stderr
    reports_complete(out / "r")
    manifest = json.loads((out / "r" / "manifest.json").read_text("utf-8"))
    assert sorted(rec["status"] for rec in manifest["reports"].values()) == ["ok", "ok", "ok"]
    assert sorted(p.name for p in out.iterdir()) == ["r"]  # no staging left once a run completes
