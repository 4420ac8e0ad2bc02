"""COINr coins in and out (issue 21): COINr's ASEM ``iData``/``iMeta``
(../shared/data/asem, from github.com/bluefoxr/COINr at b9682034) imported in one call give the
same tree as the hand-made ``coinr_asem`` framework and — with COINr's build_example_coin steps
(configs/asem.yaml) — the same index; exported back they give COINr's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

import toolkit as tk
from toolkit.index.coinr import coinr_export, coinr_import

from ..conftest import ROOT, SHARED_DATA

ASEM = SHARED_DATA / "asem"
needs_asem = pytest.mark.skipif(not (ASEM / "iData.csv").is_file(), reason=f"COINr ASEM data not found at {ASEM}")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("coinr")
    return coinr_import(ASEM / "iData.csv", ASEM / "iMeta.csv", out, fid="asem_import"), out


def _tree(fw):
    return {n.code: (n.parent, n.level, round(n.weight, 12), n.direction if n.is_leaf else None,
                     n.denominator if n.is_leaf else None) for n in fw.nodes()}


@needs_asem
def test_asem_import_has_the_tree_of_the_hand_made_framework(imported):
    imp, out = imported
    shipped = tk.load_framework("coinr_asem")
    assert imp.framework.levels == shipped.levels
    assert _tree(imp.framework) == _tree(shipped)
    assert len(imp.framework.columns) == 49 and len(imp.data.table) == 51
    assert set(imp.framework.unit_role("group")) == {"GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group"}
    assert set(imp.framework.unit_role("denominator")) == {"Area", "Energy", "GDP", "Population"}
    assert sorted(p.name for p in imp.paths.values()) == ["data.csv", "framework.yaml", "spec.yaml"]
    assert tk.load_framework(out / "framework.yaml").id == "asem_import"


@needs_asem
def test_asem_import_rebuilds_coinrs_example_coin(imported):
    """configs/asem.yaml's steps (COINr build_example_coin) on the imported framework give the
    scores of the hand-made framework, which tests/index/test_published_indices.py checks against
    COINr's published results."""
    imp, _ = imported
    steps = yaml.safe_load((ROOT / "configs" / "asem.yaml").read_text("utf-8"))
    steps.pop("framework")
    res = tk.build_index(imp.data, tk.load_spec(steps, framework=imp.framework))
    ref = tk.build_index(tk.read_indicators(ASEM / "iData.csv", "coinr_asem"), ROOT / "configs" / "asem.yaml")
    np.testing.assert_allclose(res.scores[ref.scores.columns].to_numpy(), ref.scores.to_numpy(), rtol=1e-12)
    assert res.composite.round(2).loc[("CHE", 2018)] == ref.composite.round(2).loc[("CHE", 2018)]
    # the spec written with it (COINr's defaults) builds too
    assert tk.build_index(imp.data, imp.spec).composite.notna().all()


@needs_asem
def test_export_gives_coinrs_tables_back(imported, tmp_path):
    imp, _ = imported
    idata, imeta = coinr_export(imp.framework, imp.data, tmp_path)
    original = pd.read_csv(ASEM / "iMeta.csv")
    cols = ["Level", "iCode", "Direction", "Weight", "Denominator", "Parent", "Type"]
    tree = original[original["Type"].isin(["Indicator", "Aggregate"])]
    got = imeta[imeta["Type"].isin(["Indicator", "Aggregate"])]
    a = tree[cols].set_index("iCode").sort_index()
    b = got[cols].set_index("iCode").sort_index()
    assert list(a.index) == list(b.index)
    assert (a["Level"].astype(int) == b["Level"].astype(int)).all()
    assert (a["Parent"].fillna("") == b["Parent"].fillna("")).all() and (a["Type"] == b["Type"]).all()
    ind = a["Type"] == "Indicator"
    assert (a.loc[ind, "Direction"].astype(int) == b.loc[ind, "Direction"].astype(int)).all()
    assert (a.loc[ind, "Denominator"].fillna("") == b.loc[ind, "Denominator"].fillna("")).all()
    np.testing.assert_allclose(a["Weight"].astype(float), b["Weight"].astype(float))
    raw = pd.read_csv(ASEM / "iData.csv").set_index("uCode")
    back = idata.set_index("uCode")
    pd.testing.assert_frame_equal(back[imp.framework.columns].astype(float), raw.loc[back.index, imp.framework.columns],
                                  check_dtype=False)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == ["iData.csv", "iMeta.csv"]
    # and the exported pair imports again to the same tree
    again = coinr_import(tmp_path / "iData.csv", tmp_path / "iMeta.csv", fid="again")
    assert _tree(again.framework) == _tree(imp.framework)


def test_export_of_a_shipped_framework_without_data():
    idata, meta = coinr_export("undp_hdi")
    assert idata is None
    assert meta.loc[meta["iCode"] == "HDI", "Level"].item() == 3
    assert set(meta.loc[meta["Level"] == 1, "iCode"]) == {"LE", "EYS", "MYS", "GNI"}


def test_import_errors_name_the_problem():
    meta = pd.DataFrame({"Level": [1, 2, 2], "iCode": ["a", "I", "J"], "Parent": ["I", None, None],
                         "Type": ["Indicator", "Aggregate", "Aggregate"]})
    with pytest.raises(tk.FrameworkError, match="one row at the top level 2"):
        coinr_import(pd.DataFrame({"uCode": ["X"], "a": [1.0]}), meta)
    with pytest.raises(tk.FrameworkError, match="lacks the column"):
        coinr_import(pd.DataFrame({"uCode": ["X"]}), pd.DataFrame({"iCode": ["a"]}))


@needs_asem
def test_the_cli_imports_and_exports(tmp_path, capsys):
    """``python -m toolkit coinr import|export``, run in-process through ``toolkit.cli.main`` (the
    same argv path as the command line, without a subprocess per call)."""
    from toolkit.cli import main

    def run(*a):
        try:
            return main(["coinr", *a, "--lang", "en"])
        except SystemExit as exc:  # argparse's usage errors
            return exc.code

    assert run("import", str(ASEM / "iData.csv"), str(ASEM / "iMeta.csv"), "--out", str(tmp_path / "coin")) == 0
    assert sorted(p.name for p in (tmp_path / "coin").iterdir()) == ["data.csv", "framework.yaml", "spec.yaml"]
    assert run("export", "--framework", str(tmp_path / "coin" / "framework.yaml"), "--data",
               str(tmp_path / "coin" / "data.csv"), "--out", str(tmp_path / "back")) == 0
    assert len(pd.read_csv(tmp_path / "back" / "iData.csv")) == 51
    # the round trip: the exported pair imports again to the same tree
    assert run("import", str(tmp_path / "back" / "iData.csv"), str(tmp_path / "back" / "iMeta.csv"),
               "--out", str(tmp_path / "again")) == 0
    assert _tree(tk.load_framework(tmp_path / "again" / "framework.yaml")) == _tree(
        tk.load_framework(tmp_path / "coin" / "framework.yaml"))
    capsys.readouterr()
    assert run("import", str(ASEM / "iData.csv"), "--out", str(tmp_path / "x")) == 2
    assert "needs two files" in capsys.readouterr().err
