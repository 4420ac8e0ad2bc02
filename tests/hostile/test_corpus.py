"""Issue #11: the generated hostile corpus, run through the command line.

One test runs every case and asserts, for each: no traceback; the expected exit code; the
row, column, key or file named in the message; raw input files unchanged; and the earlier
outputs in the shared output folders intact when the run failed. Three spec checks of the
methods registry (an unknown manual-weight node, ``1/3`` as a weight, kNN ``k: 0``) are a separate
parametrised test, so each is reported on its own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from toolkit.cli import main

from .corpus import DEMO_CSV, cases, demo_rows, small_demo, write_csv
from .corpus_reader import reader_cases
from .guard_cases import Case as Command
from .guard_cases import run

CASES = cases()


def _hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """Shared output folders holding earlier, valid outputs: prepare of a valid return.csv
    and index of the small demo (:func:`~tests.hostile.corpus.small_demo`: any valid outputs prove
    that a failed run keeps them)."""
    outs = tmp_path_factory.mktemp("outputs")
    src = tmp_path_factory.mktemp("valid")
    header, rows = demo_rows()
    valid = write_csv(src / "return.csv", header, rows)
    assert main(["prepare", str(valid), "--out", str(outs / "prepare")]) == 0
    assert main(["index", str(small_demo(src / "demo.csv")), "--out", str(outs / "index")]) == 0
    return outs


def _check(case, tmp: Path, outputs: Path) -> list[str]:
    d = tmp / case.name.replace(" ", "_").replace("/", "_")
    d.mkdir()
    argv = case.build(d, outputs)
    raw_before = _hashes(d)
    demo_before = hashlib.sha256(DEMO_CSV.read_bytes()).hexdigest()
    out_before = _hashes(outputs)
    code, text = run(Command(argv, Path(), ()), d)  # in process, as the write guard's cases
    problems = []
    if "Traceback" in text:
        problems.append("traceback printed")
    if code != case.exit:
        problems.append(f"exit {code}, expected {case.exit}")
    for word in case.named:
        if word not in text:
            problems.append(f"message does not name {word!r}")
    after = _hashes(d)
    changed = [k for k, v in raw_before.items() if after.get(k) != v]
    if changed or hashlib.sha256(DEMO_CSV.read_bytes()).hexdigest() != demo_before:
        problems.append(f"raw files changed: {changed}")
    if code != 0 and _hashes(outputs) != out_before:
        problems.append("earlier outputs changed by a failed run")
    if len(text) > 6000:
        problems.append(f"{len(text)} characters of output")
    if case.check and code == 0:
        try:
            case.check(d, outputs)
        except AssertionError as exc:
            problems.append(f"check failed: {exc}")
    return [f"{case.name}: {p}  [{text[:300]!r}]" for p in problems]


@pytest.mark.slow
def test_the_hostile_corpus(tmp_path, outputs):
    corpus = [c for c in CASES if not c.registry]
    assert len(CASES) >= 60
    failures = [f for c in corpus for f in _check(c, tmp_path, outputs)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", [c for c in CASES if c.registry], ids=lambda c: c.name)
def test_registry_spec_checks(case, tmp_path, outputs):
    failures = _check(case, tmp_path, outputs)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("case", reader_cases(), ids=lambda c: c.name)
def test_reader_corpus(case, tmp_path, outputs):
    """Issue #19: every class of silent misreading, its named case and variants."""
    failures = _check(case, tmp_path, outputs)
    assert not failures, "\n".join(failures)
