"""The spec's ``exclude:`` list (COINr ``change_ind(coin, drop = …)``), issue 21.

COINr's adjustments page (https://bluefoxr.github.io/COINr/articles/adjustments.html) drops LPI
and Forest from the ASEM example with ``change_ind(coin, drop = c("LPI", "Forest"), regen = TRUE)``
and prints the regenerated coin: 51 units in every data set, 47 indicators, 8 pillars, 2
sub-indices, 1 index. It prints no scores for that coin, so the scores are checked against an
independent rebuild: a framework file with the two indicators deleted and a data file without
their columns — the steps a user needed before ``exclude:`` existed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import toolkit as tk

from ..conftest import ROOT, SHARED_DATA

ASEM_CSV = SHARED_DATA / "asem" / "iData.csv"
needs_asem = pytest.mark.skipif(not ASEM_CSV.is_file(), reason=f"COINr ASEM data not found at {ASEM_CSV}")
DROP = ["LPI", "Forest"]


def _drop_nodes(node: dict, codes) -> dict:
    kids = [_drop_nodes(k, codes) for k in node.get("children", []) if k["code"] not in codes]
    return {**node, "children": kids} if "children" in node else node


@pytest.fixture(scope="module")
def asem_both(tmp_path_factory):
    spec = tk.load_spec(ROOT / "configs" / "asem.yaml").replace({"exclude": DROP})
    data = tk.read_indicators(ASEM_CSV, spec.framework)
    res = tk.build_index(data, spec)
    # the independent route: a framework file and a data file without LPI and Forest
    tmp = tmp_path_factory.mktemp("exclude")
    doc = yaml.safe_load((ROOT / "toolkit" / "frameworks" / "coinr_asem.yaml").read_text("utf-8"))
    doc["root"] = _drop_nodes(doc["root"], DROP)
    (tmp / "asem_without.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    pd.read_csv(ASEM_CSV).drop(columns=DROP).to_csv(tmp / "iData_without.csv", index=False)
    fw2 = tk.load_framework(tmp / "asem_without.yaml")
    spec2 = tk.load_spec(ROOT / "configs" / "asem.yaml", framework=fw2)
    res2 = tk.build_index(tk.read_indicators(tmp / "iData_without.csv", fw2), spec2)
    return res, res2


@needs_asem
def test_asem_without_lpi_and_forest_has_coinrs_structure(asem_both):
    res, _ = asem_both
    fw = res.framework
    assert len(res.composite) == 51
    assert len(fw.columns) == 47 and not set(DROP) & set(fw.columns)
    assert len(fw.nodes("pillar")) == 8 and len(fw.nodes("sub-index")) == 2 and len(fw.nodes("index")) == 1
    assert res.provenance["excluded"] == DROP
    assert list(res.normalised.columns) == fw.columns


@needs_asem
def test_asem_without_lpi_and_forest_equals_the_rebuild_without_them(asem_both):
    res, res2 = asem_both
    pd.testing.assert_frame_equal(res.scores, res2.scores[res.scores.columns], check_exact=False, rtol=1e-12)
    assert (res.rank == res2.rank).all()
    # weights renormalise over what remains: Physical's seven other indicators (iMeta weight 1) at 1/7
    w = res.weights
    phys = w[w["parent"] == "Physical"]
    assert len(phys) == 7 and "LPI" not in set(phys["child"])
    np.testing.assert_allclose(phys["weight"].to_numpy(), 1 / 7)
    eff = res.effective_weights.iloc[0]
    assert eff.sum() == pytest.approx(1.0) and "LPI" not in eff.index and "Forest" not in eff.index
    # and the index moved: the full coin's ranks differ for some countries
    full = tk.build_index(tk.read_indicators(ASEM_CSV, "coinr_asem"), tk.load_spec(ROOT / "configs" / "asem.yaml"))
    assert not np.allclose(full.composite.to_numpy(), res.composite.to_numpy())


def test_exclude_errors_name_the_code():
    base = tk.load_spec(ROOT / "configs" / "hdi.yaml")
    with pytest.raises(tk.SpecError, match="exclude names 'MYX'.*did you mean 'MYS'"):
        base.replace({"exclude": ["MYX"]})
    with pytest.raises(tk.SpecError, match="leaves HEALTH with no children; exclude HEALTH itself"):
        base.replace({"exclude": ["LE"]})
    with pytest.raises(tk.SpecError, match="cannot name the root"):
        base.replace({"exclude": ["HDI"]})
    with pytest.raises(tk.SpecError, match="must be a list"):
        base.replace({"exclude": "MYS"})
    # the spec's hash is unchanged when it excludes nothing
    assert base.excluded == () and "exclude" not in base.to_dict()


def test_exclude_on_a_synthetic_hdi_renormalises_by_hand(tmp_path):
    """Without MYS, education is EYS/18 alone; without HEALTH, the HDI is the geometric mean of
    education and income with weights 1/2 each (hand-derived from the technical note)."""
    raw = pd.DataFrame({"iso3": ["AAA", "BBB"], "country": ["A", "B"], "LE": [70.0, 60.0], "EYS": [12.0, 9.0],
                        "MYS": [10.0, 6.0], "GNI": [20000.0, 3000.0]})
    raw.to_csv(tmp_path / "synthetic.csv", index=False)
    spec = tk.load_spec(ROOT / "configs" / "hdi.yaml")
    data = tk.read_indicators(tmp_path / "synthetic.csv", spec.framework)
    res = tk.build_index(data, spec.replace({"exclude": ["MYS", "HEALTH"]}))
    edu = raw["EYS"] / 18
    inc = (np.log(raw["GNI"]) - np.log(100)) / (np.log(75000) - np.log(100))
    np.testing.assert_allclose(res.scores["EDUCATION"].to_numpy(), edu)
    np.testing.assert_allclose(res.composite.to_numpy(), np.sqrt(edu * inc))
    assert "HEALTH" not in res.scores and "MYS" not in res.normalised


@needs_asem
def test_uncertainty_runs_on_the_excluded_index(asem_both):
    """The Monte Carlo engine works on the framework the result was built on: its nominal
    replication equals build_index without LPI and Forest."""
    from toolkit.robustness import replicate

    res, _ = asem_both
    data = tk.read_indicators(ASEM_CSV, "coinr_asem")
    uspec = {"uncertainty_version": 1, "name": "t", "factors": [
        {"name": "agg", "address": "aggregation.index.method", "options": ["arithmetic", "geometric"]}]}
    got = replicate(data, res.spec, uspec, [{"agg": "arithmetic"}])
    np.testing.assert_allclose(got.iloc[0].to_numpy(), res.composite.reindex(got.columns).to_numpy(), rtol=1e-9)


def test_the_report_provenance_names_what_was_excluded():
    from types import SimpleNamespace

    from toolkit.reports.views import provenance_html

    meta = {"source": "x.csv", "spec_name": "s", "framework": "coinr_asem", "n_uncertainty": 0, "excluded": DROP}
    html = provenance_html(SimpleNamespace(meta=meta, intervals=[]), lang="en").data
    assert "Left out (exclude:)" in html and "LPI, Forest" in html
    assert "未纳入的指标" in provenance_html(SimpleNamespace(meta=meta, intervals=[]), lang="zh").data
    html = provenance_html(SimpleNamespace(meta={**meta, "excluded": []}, intervals=[]), lang="en").data
    assert "Left out" not in html
