"""Reading and validating a 100,000-row return against a plain pandas read with the same checks
(issue #25). Prints figures and the ratio; asserts nothing.

The file is the synthetic demo (50,000 brains × 2 years = 100,000 rows, 52 columns, CSV).

- **toolkit**: ``toolkit.read_indicators(path, framework)`` — every header, cell, schema and
  cross-field rule, with the messages that name file, row, column and value;
- **baseline**: ``pandas.read_csv`` (its C parser, types inferred) followed by the same checks
  written as plain vectorised pandas, from the same framework: required values, Shandong city
  codes and names, the year range, city matching its code, (unit, year) unique, unit ids that
  differ only in case/width/spaces/dashes, every indicator's type rule (amount/count ≥ 0,
  counts whole, shares 0–100, rubric levels, 0/1 items, min/max) and the cross-field
  constraints. It reports failing cells as (row, column, rule) without messages, and parses
  none of what offices type besides plain numbers (``1,234``, ``12%``, full-width digits,
  units typed in cells), so it is a floor rather than an equal.

Both run in this process, warm (modules imported, framework loaded), in interleaved rounds;
the figure is the ratio of the medians (target ≤ 3). The machine may be shared with other
work: the ratio, measured in the same run, is the figure to trust. The framework's load in a
fresh process (import + YAML) is printed separately.

Run: .venv/bin/python benchmarks/bench_read.py [--units 50000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def plain_pandas(path: Path, fw) -> tuple[pd.DataFrame, list]:
    """The baseline: a plain pandas read and the same checks, vectorised."""
    from toolkit.data.parsing import fold_id
    from toolkit.data.validate import YEAR_RANGE
    from toolkit.framework.geo import cities

    df = pd.read_csv(path, skiprows=lambda i: i == 1)  # line 2: the synthetic-data notice
    df.columns = [c.split()[0] for c in df.columns]  # "L1P1 产业规模（亿元）" → "L1P1"
    df["city_code"] = df["city_code"].astype("Int64").astype("string")  # GB/T 2260 codes are text
    df.index = df.index + 3  # spreadsheet rows
    bad: list[tuple] = []

    def flag(mask, column, rule):
        bad.extend((int(r), column, rule) for r in df.index[np.asarray(mask, dtype=bool)])

    ref = cities()
    for uc in fw.unit_columns:
        s = df[uc.name]
        if uc.required:
            flag(s.isna(), uc.name, "required_value")
        if uc.reference == "shandong_cities.code":
            flag(s.notna() & ~s.isin(ref.index), uc.name, "city_code")
        if uc.reference == "shandong_cities.zh":
            flag(s.notna() & ~s.isin(ref["zh"]), uc.name, "city_name")
        if uc.role == "year":
            flag(s.notna() & ~s.between(*YEAR_RANGE), uc.name, "year_range")
    flag(df["city"].notna() & (df["city_code"].map(ref["zh"]) != df["city"]), "city", "city_mismatch")
    flag(df.duplicated(["unit_id", "year"]), "unit_id", "duplicate_unit_year")
    ids = df["unit_id"].astype(str)
    codes, spellings = pd.factorize(ids)
    keys = pd.Series([fold_id(unicodedata.normalize("NFKC", u)).casefold().replace(" ", "") for u in spellings])
    first = pd.Series(codes).groupby(keys.to_numpy()[codes]).transform("first").to_numpy()
    flag(codes != first, "unit_id", "unit_id_variant")
    for node in fw.leaves():
        s = pd.to_numeric(df[node.code], errors="coerce")
        flag(df[node.code].notna() & s.isna(), node.code, "not_a_number")
        if node.type in ("amount", "count", "ratio"):
            flag(s < 0, node.code, "non_negative")
        if node.type == "count":
            flag(s.notna() & ~np.isclose(s, np.round(s)), node.code, "not_integer")
        if node.type == "share":
            flag((s < 0) | (s > 100), node.code, "share_range")
        if node.type == "ordinal":
            flag(s.notna() & ~s.isin([lv[0] for lv in node.rubric]), node.code, "rubric_level")
        if node.type == "binary":
            flag(s.notna() & ~s.isin([0, 1]), node.code, "binary")
        if node.min is not None:
            flag(s < node.min, node.code, "below_min")
        if node.max is not None:
            flag(s > node.max, node.code, "above_max")
    for con in fw.constraints:
        flag(df[con["left"]] > df[con["right"]] + 1e-9, con["left"], "cross_field")
    return df, bad


def toolkit_read(path: Path, fw):
    from toolkit.data.read import read_indicators

    return read_indicators(path, fw)


def framework_load_seconds() -> float:
    """The framework's load (YAML) in a fresh process, after the toolkit's import."""
    code = ("import time; from toolkit.framework.loader import load_framework; t = time.perf_counter(); "
            "load_framework(); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    from toolkit import load_framework

    ap = argparse.ArgumentParser()
    ap.add_argument("--units", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_read_"))
    try:
        subprocess.run([sys.executable, "-m", "toolkit", "demo", "--units", str(args.units), "--formats", "csv",
                        "--years", "2024,2025", "--out", str(tmp)], check=True, capture_output=True, env={"PYTHONPATH": str(ROOT),
                                                                                  "PATH": "/usr/bin:/bin"})
        path = next(tmp.glob("*.csv"))
        fw = load_framework()
        base, ours = [], []
        for _ in range(args.rounds):  # interleaved
            t0 = time.perf_counter()
            df, bad = plain_pandas(path, fw)
            base.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            data = toolkit_read(path, fw)
            ours.append(time.perf_counter() - t0)
        assert not bad and len(df) == len(data.table), (bad[:5], len(df))
        cols = [c for c in fw.columns if c in df]
        same = np.allclose(df[cols].to_numpy(float), data.table[cols].to_numpy(float), rtol=0, atol=0,
                           equal_nan=True)
        b, t = statistics.median(base), statistics.median(ours)
        loads = [framework_load_seconds() for _ in range(3)]
        print(f"READ    {len(df):,} rows × {df.shape[1]} columns, medians of {args.rounds} interleaved rounds: "
              f"toolkit {t:.2f} s, plain pandas read + the same checks {b:.2f} s: {t / b:.1f}× (target ≤ 3); "
              f"same values: {same}")
        print(f"        framework file loaded in a fresh process: {statistics.median(loads) * 1000:.0f} ms (median of 3)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
