"""Speed of ``collect`` (issue #24): a round of many small returns against the same rows in one file.
Prints figures; asserts nothing.

The synthetic demo is generated for ``--files × --rows`` brains (one year) and written once as one CSV
(the baseline: ``read_indicators`` of that file) and once split into ``--files`` CSVs of ``--rows`` rows
each, in 16 city sub-folders (as a province receives them). Timed, in one process:

1. reading the one file (``read_indicators``);
2. ``collect`` of the folder, cold (every file read and checked; status workbook and page written);
3. ``collect`` again with nothing changed (the cache: no file is read again);
4. ``collect`` after one file changed (one file read again).

Wall time and CPU time of this process are printed, per file and as a ratio to the one file; on a
shared machine the CPU time is the steadier of the two.

Run: .venv/bin/python benchmarks/bench_collect.py [--files 500] [--rows 10] [--reps 1]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import tempfile
import time
from pathlib import Path

from toolkit import read_indicators
from toolkit.data.demo import write_demo
from toolkit.reports.collection import collect


def split(one: Path, folder: Path, files: int, rows: int) -> None:
    with open(one, encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    header, notice, body = table[0], table[1], table[2:]
    assert len(body) == files * rows, (len(body), files * rows)
    for i in range(files):
        part = body[i * rows:(i + 1) * rows]
        city = part[0][2]
        (folder / city).mkdir(exist_ok=True)
        with open(folder / city / f"return_{i:04d}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerows([header, notice, *part])


def timed(fn):
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--rows", type=int, default=10)
    ap.add_argument("--reps", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-collect-"))
    try:
        n = args.files * args.rows
        one = write_demo(work / "one", n_units=n, years=(2025,), formats=("csv",))[0]
        folder = work / "round"
        folder.mkdir()
        split(one, folder, args.files, args.rows)
        read_indicators(one)  # imports and caches warmed once, outside the timings
        print(f"{args.files} files of {args.rows} rows ({n} rows), 16 city folders; best of {args.reps}")
        base = min((timed(lambda: read_indicators(one)) for _ in range(args.reps)), key=lambda r: r[1])
        print(f"one file of {n} rows, read_indicators:   {base[1]:7.2f} s wall  {base[2]:7.2f} s CPU")
        cold = []
        for r in range(args.reps):
            out = work / f"out{r}"
            cold.append(timed(lambda out=out: collect(folder, out, lang="en")))
        rnd, wall, cpu = min(cold, key=lambda r: r[1])
        assert len(rnd.table) == n and rnd.exit_code == 0, (len(rnd.table), rnd.exit_code)
        print(f"collect, cold:                      {wall:7.2f} s wall  {cpu:7.2f} s CPU   "
              f"{wall / args.files * 1000:6.1f} ms wall, {cpu / args.files * 1000:5.1f} ms CPU per file   "
              f"{wall / base[1]:5.1f}× (wall), {cpu / base[2]:5.1f}× (CPU) the one file")
        warm = min((timed(lambda: collect(folder, work / "out0", lang="en")) for _ in range(args.reps)),
                   key=lambda r: r[1])
        assert all(r.cached for r in warm[0].returns)
        print(f"collect again, nothing changed:     {warm[1]:7.2f} s wall  {warm[2]:7.2f} s CPU   "
              f"{warm[1] / args.files * 1000:6.1f} ms wall, {warm[2] / args.files * 1000:5.1f} ms CPU per file   "
              f"{warm[1] / base[1]:5.1f}× (wall), {warm[2] / base[2]:5.1f}× (CPU) the one file")
        changed = sorted(folder.rglob("*.csv"))[0]
        changed.write_text(changed.read_text("utf-8").replace("\n", "\r\n"), "utf-8")
        one_changed = timed(lambda: collect(folder, work / "out0", lang="en"))
        assert sum(not r.cached for r in one_changed[0].returns) == 1
        print(f"collect again, one file changed:    {one_changed[1]:7.2f} s wall  {one_changed[2]:7.2f} s CPU")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
