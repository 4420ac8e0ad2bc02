"""The cost of publishing outputs atomically (issue #11). Prints figures; asserts nothing.

Only the publish step is timed — the files are written beforehand, in the same way for both:

- **index** (10 files, the index run folder): *old* = the commit journal (written and fsynced)
  then 10 renames then the journal removed (``toolkit.publish.write_many_atomic`` before #11's
  last step); *new* = the staged folder swapped in (``renameat2(RENAME_EXCHANGE)``) and the
  previous folder removed (``toolkit.publish.publish_folder``).
- **reports** (a run folder of 40 brain reports plus index, manifest, workbook, bundle and
  parameter files): *old* = nothing (each file was renamed into the live folder as it was
  rendered: no publish step, and no guarantee); *new* = the staging copy made from the
  published folder (hard links, :func:`toolkit.publish.open_staging`) plus the publish
  (:func:`toolkit.publish.publish_staging`: one rename, one exchange, the old copy removed).
- **prepare** (3 files in a shared folder): *old* = journal + 3 renames; *new* = the links
  and the pointer switch (:func:`toolkit.publish.publish_files`, writing excluded by timing
  it with writers that only rename prepared files in).

Run: .venv/bin/python benchmarks/bench_publish.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from toolkit.publish import open_staging, publish_files, publish_folder, publish_staging, stage_path

INDEX_FILES = ["scores.csv", "scores.parquet", "weights.csv", "effective_weights.csv", "normalised.parquet",
               "treated.parquet", "imputation_log.csv", "treatment_log.csv", "spec.yaml", "meta.json"]


def _fill(folder: Path, names, size: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(os.urandom(size))


def _old_commit(pairs, folder: Path) -> None:
    """What write_many_atomic does once every file is staged: journal, renames, journal removed."""
    journal = folder / f".toolkit-commit.{os.getpid()}.json"
    tmp = folder / f".{journal.name}.{os.getpid()}.x.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps([[s.name, t.name] for s, t in pairs]))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    for s, t in pairs:
        os.replace(s, t)
    journal.unlink()


def bench_index(base: Path, repeat: int) -> tuple[list, list]:
    old, new = [], []
    run = base / "index_run"
    _fill(run, INDEX_FILES, 200_000)
    for _ in range(repeat):
        pairs = []
        for name in INDEX_FILES:
            s = run / f".{name}.{os.getpid()}.y.tmp"
            s.write_bytes(os.urandom(200_000))
            pairs.append((s, run / name))
        t0 = time.perf_counter()
        _old_commit(pairs, run)
        old.append(time.perf_counter() - t0)
        staged = stage_path(run)
        _fill(staged, INDEX_FILES, 200_000)
        t0 = time.perf_counter()
        publish_folder(staged, run)
        new.append(time.perf_counter() - t0)
    return old, new


def bench_reports(base: Path, repeat: int, units: int = 40) -> list:
    run = base / "reports" / "demo__default"
    names = [f"unit-SD-B{i:03d}-0123456789.html" for i in range(units)]
    _fill(run, names + ["index.html", "manifest.json", "results.xlsx"], 1_500_000)
    _fill(run / "_bundle", [f"{t}.parquet" for t in ("summary", "leaves", "obstacles", "coupling", "typology",
                                                   "intervals", "dimension_weights")] + ["meta.json",
                                                                                          "fontface.css"], 300_000)
    _fill(run / "_params", [n[:-5] + ".json" for n in names], 2_000)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        staging = open_staging(run)
        t1 = time.perf_counter()
        (staging / "manifest.json").write_bytes(os.urandom(50_000))  # what a run rewrites (not timed)
        t2 = time.perf_counter()
        publish_staging(staging, run)
        times.append((t1 - t0) + (time.perf_counter() - t2))
    return times


def bench_prepare(base: Path, repeat: int) -> tuple[list, list]:
    old, new = [], []
    out = base / "processed"
    names = ["r.parquet", "r.csv", "r.meta.json"]
    _fill(out, names, 500_000)
    for _ in range(repeat):
        pairs = []
        for name in names:
            s = out / f".{name}.{os.getpid()}.z.tmp"
            s.write_bytes(os.urandom(500_000))
            pairs.append((s, out / name))
        t0 = time.perf_counter()
        _old_commit(pairs, out)
        old.append(time.perf_counter() - t0)
        ready = {}
        for name in names:
            s = base / f"ready-{name}"
            s.write_bytes(os.urandom(500_000))
            ready[out / name] = (lambda src: lambda tmp: os.replace(src, tmp))(s)
        t0 = time.perf_counter()
        publish_files(ready, group="r")
        new.append(time.perf_counter() - t0)
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-publish-"))
    try:
        def ms(xs):
            return statistics.median(xs) * 1000

        o, n = bench_index(base, args.repeat)
        print(f"index, 10 files:   old (journal + renames) {ms(o):.2f} ms   new (exchange + remove) {ms(n):.2f} ms"
              f"   ratio {ms(n) / ms(o):.2f}")
        o, n = bench_prepare(base, args.repeat)
        print(f"prepare, 3 files:  old (journal + renames) {ms(o):.2f} ms   new (links + pointer) {ms(n):.2f} ms"
              f"   ratio {ms(n) / ms(o):.2f}")
        r = bench_reports(base, args.repeat)
        print(f"reports, 40 units: old (no publish step) 0 ms   new (hard-link staging + exchange + remove) "
              f"{ms(r):.2f} ms")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
