"""The panel of results, the framework's groupings and geography, the committed map and the SVG."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

import toolkit
from toolkit.dynamics.boundaries import REFERENCE, geojson_text, provenance, read_polygons, shandong
from toolkit.dynamics.maps import choropleth_svg
from toolkit.dynamics.panel import build_panel
from toolkit.dynamics.spatial import queen_weights
from toolkit.errors import DataError, FrameworkError, SpecError
from toolkit.framework.groupings import with_groupings

from ..conftest import ROOT

DEMO = ROOT / "data" / "raw" / "demo_synthetic_returns.csv"
CIRCLES = {"省会经济圈": {"济南市", "淄博市", "泰安市", "聊城市", "德州市", "滨州市", "东营市"},
           "胶东经济圈": {"青岛市", "烟台市", "潍坊市", "威海市", "日照市"},
           "鲁南经济圈": {"临沂市", "枣庄市", "济宁市", "菏泽市"}}


@pytest.fixture(scope="module")
def demo():
    return toolkit.read_indicators(DEMO)


def test_shandong_declares_the_three_circles_over_all_16_cities():
    fw = toolkit.load_framework()
    (circle,) = fw.groupings
    assert circle.name == "circle" and circle.source == "city"
    assert {g: {c for c, k in circle.mapping.items() if k == g} for g in circle.groups} == CIRCLES
    from toolkit.framework.geo import cities
    assert set(circle.mapping) == set(cities()["zh"])
    (geo,) = fw.geography
    assert geo.column == "city_code" and geo.polygons == REFERENCE / "shandong_cities.geojson"


def test_a_copy_of_the_shipped_framework_keeps_its_map(tmp_path):
    (tmp_path / "fw.yaml").write_bytes((ROOT / "toolkit" / "frameworks" / "shandong_industrial_brain.yaml").read_bytes())
    assert toolkit.load_framework(tmp_path / "fw.yaml").geography[0].polygons == REFERENCE / "shandong_cities.geojson"


def test_a_city_in_no_circle_is_named():
    fw = toolkit.load_framework()
    with pytest.raises(DataError, match=r"\['莱芜市'\] belong to no group"):
        with_groupings(pd.DataFrame({"city": ["济南市", "莱芜市"]}), fw.groupings)


def test_bad_groupings_in_a_framework_file_are_refused(tmp_path):
    src = (ROOT / "toolkit" / "frameworks" / "undp_hdi.yaml").read_text("utf-8")
    doc = yaml.safe_load(src)
    doc["groupings"] = [{"name": "bloc", "from": "country", "groups": {"A": ["X"], "B": ["X"]}}]
    path = tmp_path / "fw.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    with pytest.raises(FrameworkError, match="'X' is in both 'A' and 'B'"):
        toolkit.load_framework(path)
    doc["groupings"] = [{"name": "bloc", "from": "country", "groups": {"A": ["X"]}}]
    doc["geography"] = [{"column": "bloc", "polygons": "nowhere.geojson"}]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    geo = toolkit.load_framework(path).geography[0]          # loads; reading the file names it
    with pytest.raises(DataError, match="nowhere.geojson: not a readable GeoJSON"):
        read_polygons(geo.polygons)
    doc["geography"] = [{"column": "bloc", "adjacency": {"A": []}}]
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    assert toolkit.load_framework(path).geography[0].adjacency == {"A": []}


def test_panel_pooled_is_build_index_pooled(demo):
    p = build_panel(demo, "configs/default.yaml")
    r = toolkit.build_index(demo, toolkit.load_spec("configs/default.yaml"))
    t = p.table.set_index(["unit_id", "year"])
    assert np.allclose(t["composite"], r.composite.reindex(t.index))
    assert np.allclose(t["L3"], r.scores["L3"].reindex(t.index))
    assert (t["rank"] == r.rank.reindex(t.index)).all()
    assert p.basis.startswith("pooled") and p.table.attrs["basis"] == p.basis
    assert set(t["circle"]) == set(CIRCLES)
    assert (t["circle"] == t["city"].map({c: k for k, v in CIRCLES.items() for c in v})).all()
    assert len(p.table) == 50 * 5 and p.values().index.names == ["unit_id", "year"]


def test_panel_reference_year_reproduces_its_own_year_and_fixes_the_posts(demo):
    p = build_panel(demo, "configs/default.yaml", basis=2024)
    own = toolkit.build_index(demo, toolkit.load_spec("configs/default.yaml").replace({"panel": {"scope": "per_year"}}))
    t = p.table.set_index(["unit_id", "year"])
    ref = t.xs(2024, level="year")["composite"]
    assert np.allclose(ref, own.composite.xs(2024, level="year").reindex(ref.index), atol=1e-9)
    # 2025 under 2024's posts and weights: same weights in both years, normalised values may leave [1, 100]
    w = p.result.weights
    assert np.allclose(w[w.block.astype(str) == "2024"]["weight"].to_numpy(), w[w.block.astype(str) == "2025"]["weight"].to_numpy())
    assert "reference year 2024" in p.basis
    with pytest.raises(SpecError, match="reference year 2030 is not in the data"):
        build_panel(demo, "configs/default.yaml", basis=2030)
    with pytest.raises(SpecError, match="basis must be"):
        build_panel(demo, "configs/default.yaml", basis="latest")


def test_committed_map_keeps_the_full_resolution_queen_links():
    # the oracle, imported where used (not at every worker's collection)
    from libpysal.weights import Queen

    committed = read_polygons(REFERENCE / "shandong_cities.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        full = shandong("city", tolerance=0)
        w_full = Queen.from_dataframe(full, ids=list(full.code), use_index=False)
    w = queen_weights(committed, "code")
    assert {k: sorted(v) for k, v in w.neighbors.items()} == {k: sorted(v) for k, v in w_full.neighbors.items()}
    assert sum(map(len, w.neighbors.values())) == 58
    assert sorted(w.neighbors["371000"]) == ["370600"]                 # 威海 borders only 烟台
    assert sorted(w.neighbors["370400"]) == ["370800", "371300"]       # 枣庄: 济宁, 临沂


def test_committed_map_is_what_the_script_writes():
    text = (REFERENCE / "shandong_cities.geojson").read_text("utf-8")
    assert text == geojson_text(shandong("city"), provenance("city", 0.005))
    meta = json.loads(text)["provenance"]
    assert "MIT" in meta["source"] and meta["generator"] == "python -m toolkit.dynamics.boundaries"
    assert len(text.encode()) < 120_000


def test_svg_choropleth_colours_every_city():
    g = read_polygons(REFERENCE / "shandong_cities.geojson")
    values = pd.Series(np.arange(16.0), index=g["code"])
    svg = choropleth_svg(g, values, "code", title="综合指数", label_column="zh")
    assert svg.count("<path") == 16 and "综合指数" in svg and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    fills = [s.split('"')[0] for s in svg.split('fill="')[1:] if s.startswith("#")]
    assert len(set(fills) - {"#555", "#222"}) >= 5                      # five quantile classes
    lisa_svg = choropleth_svg(g, pd.Series(["HH"] * 3 + ["ns"] * 13, index=g["code"]), "code")
    assert "#d7191c" in lisa_svg and ">HH<" in lisa_svg
