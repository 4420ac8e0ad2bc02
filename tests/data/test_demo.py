"""The synthetic demo: reproducible byte for byte, plausible, and structured."""

from __future__ import annotations

import numpy as np
import pytest

from toolkit import read_indicators
from toolkit.data.demo import generate, write_demo

from ..conftest import DEMO_CSV, DEMO_XLSX


def test_demo_regenerates_byte_for_byte(tmp_path):
    paths = write_demo(tmp_path)
    assert [p.name for p in paths] == [DEMO_CSV.name, DEMO_XLSX.name]
    assert (tmp_path / DEMO_CSV.name).read_bytes() == DEMO_CSV.read_bytes()
    assert (tmp_path / DEMO_XLSX.name).read_bytes() == DEMO_XLSX.read_bytes()


def test_demo_says_it_is_synthetic():
    assert "synthetic" in DEMO_CSV.name
    assert "SYNTHETIC" in DEMO_CSV.read_text("utf-8").splitlines()[1]
    assert read_indicators(DEMO_XLSX).is_synthetic


def test_demo_shape_and_coverage(demo_table, fw):
    t = demo_table
    assert sorted(t["year"].unique()) == [2021, 2022, 2023, 2024, 2025]
    assert t["unit_id"].nunique() == 50
    assert t["city_code"].nunique() == 16
    assert "371200" not in set(t["city_code"])
    missing = t[fw.columns].isna().to_numpy().mean()
    assert 0.01 < missing < 0.05


def test_demo_magnitudes_are_plausible(demo_table):
    t = demo_table
    assert (t["L1P1"].dropna() >= 100).mean() > 0.9          # entry rule: ≥ 100 亿元 output
    assert 200 <= t["L1P1"].median() <= 600
    assert 800 <= t["L1P5"].median() <= 3000                   # ~1,500 firms per brain
    assert (t["L5P4"] == 200).any()                            # the 200 万元 provincial award
    assert ((t["L1P6"] <= t["L1P5"]) | t[["L1P5", "L1P6"]].isna().any(axis=1)).all()


def test_larger_city_economies_host_more_brains(demo_table):
    per_city = demo_table[demo_table.year == 2024].groupby("city").size()
    assert per_city["青岛市"] >= per_city["济南市"] >= per_city["枣庄市"]
    assert per_city["青岛市"] > per_city.median()


def test_latent_structure_is_there(demo_table, fw):
    """Indicators of one dimension correlate more with each other than across dimensions,
    so PCA and clustering have real structure to find."""
    x = np.log1p(demo_table[demo_table.year == 2024][[c for c in fw.columns if "_" not in c]])
    corr = x.corr(method="spearman")
    dim = {c: fw.ancestor(c, "dimension") for c in corr.columns}
    within = [corr.at[a, b] for a in corr for b in corr if a < b and dim[a] == dim[b]]
    across = [corr.at[a, b] for a in corr for b in corr if a < b and dim[a] != dim[b]]
    assert np.mean(within) > np.mean(across) + 0.15


def test_outliers_planted(demo_table):
    from scipy.stats import skew

    skews = {c: skew(demo_table[c].dropna(), bias=False) for c in ("L1P1", "L2P4", "L3P3_SUBSCRIPTIONS")}
    assert max(skews.values()) > 2


def test_large_datasets_on_request(tmp_path):
    df = generate(n_units=3000, years=(2024,), seed=7)
    assert len(df) == 3000 and df["unit_id"].is_unique
    paths = write_demo(tmp_path, n_units=2000, seed=7, years=(2024,), formats=("csv",))
    assert paths[0].name == "demo_synthetic_returns_2000_s7.csv"
    assert len(read_indicators(paths[0]).table) == 2000


def test_same_seed_same_frame_other_seed_differs():
    a, b, c = generate(seed=1), generate(seed=1), generate(seed=2)
    assert a.equals(b) and not a.equals(c)
    with pytest.raises(AssertionError):
        np.testing.assert_array_equal(a["L1P1"], c["L1P1"])


@pytest.mark.parametrize("seed", [0, 3, 20240408])
def test_the_frame_equals_the_file_written_from_it(tmp_path, seed):
    """generate() and the file written from it hold the same numbers: a planted outlier in a
    count column (L3P3_SUBSCRIPTIONS, L3P4) stays whole (it was 12360.56 in the frame, 12361
    in the file, for the default seed)."""
    frame = generate(n_units=30, seed=seed, n_outliers=6)
    path = write_demo(tmp_path, n_units=30, seed=seed, formats=("csv",))[0]
    data = read_indicators(path)  # read and checked once, for both comparisons
    fw = data.framework
    counts = [c for c in fw.columns if fw.node(c).type == "count"]
    assert (frame[counts].stack().dropna() % 1 == 0).all()
    # the writer uses n_outliers=4: compare with a frame made the same way
    frame = generate(n_units=30, seed=seed).set_index(["unit_id", "year"])
    table = data.table.set_index(["unit_id", "year"])
    np.testing.assert_allclose(table[fw.columns].astype(float), frame[fw.columns].astype(float), atol=0.005)


def _visible(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_rewritten_demo_is_plain_files_with_the_new_content(tmp_path):
    """The demo is handed on (e-mailed, zipped, committed in data/raw): a rewrite with another seed
    leaves regular files, never links into a hidden generation, holding the new bytes."""
    out, ref = tmp_path / "out", tmp_path / "ref"
    first = write_demo(out, n_units=5, seed=1, stem="d")
    old = [p.read_bytes() for p in first]
    paths = write_demo(out, n_units=5, seed=2, stem="d")
    expected = [p.read_bytes() for p in write_demo(ref, n_units=5, seed=2, stem="d")]
    assert [p.name for p in paths] == ["d.csv", "d.xlsx"] and _visible(out) == ["d.csv", "d.xlsx"]  # nothing hidden
    for path, new, before in zip(paths, expected, old, strict=True):
        assert path.is_file() and not path.is_symlink() and path.stat().st_nlink == 1
        assert path.read_bytes() == new != before  # seed 2's bytes, not seed 1's


def test_a_demo_left_as_links_by_the_pointer_scheme_becomes_plain_files(tmp_path):
    from toolkit.publish import publish_files

    publish_files({tmp_path / "d.csv": lambda p: p.write_text("old"),  # as a toolkit of 2 Dec left it
                   tmp_path / "d.xlsx": lambda p: p.write_text("old")}, group="d")
    assert (tmp_path / "d.csv").is_symlink()
    paths = write_demo(tmp_path, n_units=5, seed=1, stem="d")
    assert all(p.is_file() and not p.is_symlink() for p in paths)
    assert _visible(tmp_path) == ["d.csv", "d.xlsx"]  # the pointer and its generation removed
    assert "SYNTHETIC" in paths[0].read_text("utf-8").splitlines()[1]


@pytest.fixture(scope="module")
def five_years(fw):
    """The default demo as generated (the committed files' frame), with each brain's circle."""
    from toolkit.framework.groupings import with_groupings

    df = generate()
    return with_groupings(df, fw.groupings), df.attrs["level"]


def test_amounts_grow_by_growth_less_catch_up_times_the_level(five_years):
    """Yearly growth of an amount is GROWTH − CATCH_UP × level plus noise: regressed on the level over
    2021–2025 (no shock at either end), the line has intercept ≈ GROWTH and slope ≈ −CATCH_UP."""
    from toolkit.data.demo import CATCH_UP, GROWTH

    t, level = five_years
    for code in ("L1P1", "L1P5", "L2P4"):
        w = t.pivot(index="unit_id", columns="year", values=code)
        g = ((w[2025] / w[2021]) ** 0.25 - 1).dropna()
        slope, intercept = np.polyfit(level[g.index], g, 1)
        assert slope == pytest.approx(-CATCH_UP, abs=0.012), code
        assert intercept == pytest.approx(GROWTH, abs=0.012), code


def test_the_shock_cuts_one_circles_amounts_for_one_year(five_years):
    """In SHOCK["year"] the circle's amounts are × SHOCK["amount"] on top of the year's growth (≈ 1 + GROWTH);
    the next year's growth starts from the unshocked values, so it shows as ≈ (1 + GROWTH) / SHOCK["amount"]."""
    from toolkit.data.demo import GROWTH, SHOCK

    t, _ = five_years
    year, hit = SHOCK["year"], t.drop_duplicates("unit_id").set_index("unit_id")["circle"] == SHOCK["circle"]
    w = t.pivot(index="unit_id", columns="year", values="L1P1")
    drop, rebound = w[year] / w[year - 1], w[year + 1] / w[year]
    assert drop[hit].median() == pytest.approx(SHOCK["amount"] * (1 + GROWTH), abs=0.05)
    assert drop[~hit].median() == pytest.approx(1 + GROWTH, abs=0.03)
    assert rebound[hit].median() == pytest.approx((1 + GROWTH) / SHOCK["amount"], abs=0.08)
    counts = t.pivot(index="unit_id", columns="year", values="L1P5")
    assert (counts[year] / counts[year - 1])[hit].median() == pytest.approx(SHOCK["count"] * (1 + GROWTH), abs=0.05)
