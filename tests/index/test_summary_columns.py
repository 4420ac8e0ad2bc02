"""``IndexResult.summary()`` shows the unit columns the framework declares for it, with no
branch on the framework's id: Shandong's brain name, city and industry exactly as before; the
HDI's country; ASEM's country name and its four groups."""

from __future__ import annotations

from pathlib import Path

import pytest

import toolkit as tk

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} not found (a bare clone has no ../shared/data)")


def test_shandong_summary_columns_and_order_are_unchanged():
    r = tk.build_index(tk.read_indicators(ROOT / "data" / "raw" / "demo_synthetic_returns.csv"))
    s = r.summary()
    # the columns of main before the framework declared them (commit 7120c98)
    assert list(s.columns) == ["brain_name", "city", "industry", "L1", "L2", "L3", "L4", "L5", "INDEX", "rank"]
    assert list(s.index.names) == ["unit_id", "year"] and len(s) == 50 * 5
    s25 = r.summary(2025)
    assert s25["rank"].tolist() == list(range(1, 51))
    assert s25["brain_name"].str.endswith("产业大脑").all()


@needs_data
def test_hdi_summary_shows_the_country():
    spec = tk.load_spec(ROOT / "configs" / "hdi.yaml")
    r = tk.build_index(tk.read_indicators(DATA / "hdi" / "hdr2023_24_hdi_2022.csv", spec.framework), spec)
    s = r.summary(2022)
    assert list(s.columns) == ["country", "HEALTH", "EDUCATION", "INCOME", "HDI", "rank"]
    assert s["country"].iloc[0] == "Switzerland" and len(s) == 193


@needs_data
def test_asem_summary_shows_its_name_and_group_columns():
    fw = tk.load_framework("coinr_asem")
    r = tk.build_index(tk.read_indicators(DATA / "asem" / "iData.csv", fw), tk.load_spec(ROOT / "configs" / "asem.yaml"))
    s = r.summary()
    assert list(s.columns[:5]) == ["uName", "GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"]
    pillars = [n.code for n in fw.nodes("pillar")]
    assert list(s.columns[5:]) == [*pillars, fw.root.code, "rank"] and len(pillars) == 8
    assert set(s["EurAsia_group"]) == {"Asia", "Europe"}
