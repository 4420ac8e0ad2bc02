"""Fixtures of the report tests: small synthetic returns and runs rendered from them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

import toolkit
from toolkit.data.demo import generate
from toolkit.data.headers import header_for

from ..conftest import SHARED_DATA, SHARED_DATA_MISSING, built_once, session_root

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
SPEC = ROOT / "configs" / "default.yaml"
THREE = ["SD-B010", "SD-B013", "SD-B022"]  # three 济南 brains of the generator's seed-5 set


def write_return(path: Path, df) -> Path:
    fw = toolkit.load_framework()
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([header_for(c, fw) for c in df.columns])
        w.writerow(["# SYNTHETIC test data"])
        for rec in df.itertuples(index=False):
            w.writerow(["" if isinstance(v, float) and np.isnan(v) else v for v in rec])
    return path


@pytest.fixture(scope="session")
def three_return(tmp_path_factory) -> Path:
    """A return of three brains, all in 济南 (far fewer than the province)."""
    df = generate(n_units=50, years=(2024, 2025), seed=5)
    df = df[df["unit_id"].isin(THREE)]
    assert set(df["city"]) == {"济南市"}
    return write_return(tmp_path_factory.mktemp("three") / "three.csv", df)


@pytest.fixture(scope="session")
def demo_bundle_dir(tmp_path_factory) -> Path:
    """The saved bundle of the bundled 50-brain demo (16 Monte Carlo replications), computed once
    per session however many xdist workers need it, laid out as a run's (see :func:`link_bundle`):
    the demo runs below reuse it instead of computing their own. The tests only read it."""
    from toolkit.reports.bundle import compute_bundle, save_bundle

    folder = session_root(tmp_path_factory) / "demo_bundle" / "shared" / "_bundle"
    with built_once(tmp_path_factory, "demo_bundle") as done:
        if not done:
            save_bundle(compute_bundle(toolkit.read_indicators(DEMO), SPEC, n_uncertainty=16), folder)
    return folder


@pytest.fixture(scope="session")
def demo_bundle(demo_bundle_dir):
    """The bundle of the demo as a run's reports and workbook see it: loaded from its folder."""
    from toolkit.reports.bundle import load_bundle

    return load_bundle(demo_bundle_dir)


@pytest.fixture(scope="session")
def demo_result():
    return toolkit.build_index(toolkit.read_indicators(DEMO), SPEC)


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory):
    """The parent folder of the demo runs, shared by the xdist workers (the tests only read it)."""
    out = session_root(tmp_path_factory) / "demo_run"
    out.mkdir(exist_ok=True)
    return out


def _demo_run(tmp_path_factory, out, lang, bundle_dir):
    """Rendered once per session: the first worker that needs it renders (with the session's demo
    bundle), the others wait for it and read the published run folder (``summary`` as its
    manifest records it)."""
    from toolkit.reports.batch import RunSummary, run_reports

    with built_once(tmp_path_factory, f"demo_run-{lang}") as done:
        if done:
            run_dir = next(p for p in out.iterdir() if (p / "manifest.json").is_file()
                           and json.loads((p / "manifest.json").read_text("utf-8"))["options"]["lang"] == lang)
            reports = json.loads((run_dir / "manifest.json").read_text("utf-8"))["reports"]
            return RunSummary(run_dir, ok=[k for k, rec in reports.items() if rec["status"] == "ok"])
        if not (out / "shared").exists():
            link_bundle(out, bundle_dir)
        s = run_reports(DEMO, SPEC, by="all", only=["SD-B010", "菏泽市"], workers=1, executor="serial", out=out,
                        n_uncertainty=16, progress=False, lang=lang)
        assert s.exit_code == 0, s.failed
        return s


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, demo_out, demo_bundle_dir):
    """One brain profile, its city report and the overview of the demo, rendered by the batch."""
    return _demo_run(tmp_path_factory, demo_out, "zh", demo_bundle_dir)


@pytest.fixture(scope="session")
def demo_run_en(tmp_path_factory, demo_out, demo_run, demo_bundle_dir):
    """The same in English (its own run folder; the bundle of the Chinese run is reused)."""
    return _demo_run(tmp_path_factory, demo_out, "en", demo_bundle_dir)


#: the public frameworks' data and specifications (``../shared/data``): data, spec, framework id
OTHER_FRAMEWORKS = {
    "hdi": (SHARED_DATA / "hdi" / "hdr2023_24_hdi_2022.csv", ROOT / "configs" / "hdi.yaml", "undp_hdi"),
    "asem": (SHARED_DATA / "asem" / "iData.csv", ROOT / "configs" / "asem.yaml", "coinr_asem"),
}
#: the replications of their shared bundles
OTHER_N_UNCERTAINTY = 8


@pytest.fixture(scope="session")
def other_bundle_dirs(tmp_path_factory) -> dict:
    """The results bundles of the UNDP HDI and COINr's ASEM example (8 replications, the default
    seed), computed once per session however many xdist workers need them: name → the bundle's
    folder (``<session>/other_bundles/<name>/shared/_bundle``), laid out as a run's, so a run
    into an ``--out`` that links it (:func:`link_bundle`) uses it instead of computing its own
    (:func:`toolkit.reports.reuse.matching_bundle`). The tests only read it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SHARED_DATA_MISSING)
    from toolkit.reports.bundle import compute_bundle, save_bundle

    root = session_root(tmp_path_factory) / "other_bundles"
    dirs = {name: root / name / "shared" / "_bundle" for name in OTHER_FRAMEWORKS}
    with built_once(tmp_path_factory, "other_bundles") as done:
        if not done:
            for name, (data, spec, fw_id) in OTHER_FRAMEWORKS.items():
                fw = toolkit.load_framework(fw_id)
                save_bundle(compute_bundle(toolkit.read_indicators(data, framework=fw),
                                           toolkit.load_spec(spec, framework=fw),
                                           n_uncertainty=OTHER_N_UNCERTAINTY), dirs[name])
    return dirs


def link_bundle(out: Path, bundle_dir: Path) -> Path:
    """``out/shared/_bundle`` as a link to ``bundle_dir``: a run into ``out`` on the same inputs
    finds it and copies it instead of computing the bundle again."""
    (out / "shared").mkdir(parents=True)
    (out / "shared" / "_bundle").symlink_to(bundle_dir, target_is_directory=True)
    return out
