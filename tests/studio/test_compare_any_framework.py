"""``compare`` with a user framework (#12: every CLI command works with one): the data are read
with the first spec's framework, the weights are shown at its headline level, units are named
from its name column, and a spec that screens units out leaves them unranked (never a made-up
rank) while the agreement is computed on the units both specs rank."""

from __future__ import annotations

import re

import pytest
from scipy.stats import spearmanr

import toolkit as tk
from toolkit.cli import main
from toolkit.studio.compare import compare_specs

from ..conftest import ROOT
from ..conftest import SHARED_DATA as DATA  # noqa: E402

HDI_CSV, ASEM_CSV = DATA / "hdi" / "hdr2023_24_hdi_2022.csv", DATA / "asem" / "iData.csv"
needs_data = pytest.mark.skipif(not (HDI_CSV.is_file() and ASEM_CSV.is_file()),
                                reason=f"published data not found under {DATA}")


@needs_data
def test_cli_compare_reads_the_data_with_the_specs_framework(tmp_path, capsys):
    other = tmp_path / "hdi_arith.yaml"
    text = (ROOT / "configs" / "hdi.yaml").read_text("utf-8")
    text = text.replace("index: {method: geometric}", "index: {method: arithmetic}").replace(
        "name: undp_hdi", "name: hdi_arithmetic").replace("../toolkit/frameworks", str(ROOT / "toolkit/frameworks"))
    other.write_text(text, "utf-8")
    assert main(["compare", "--data", str(HDI_CSV), "--spec", str(ROOT / "configs/hdi.yaml"), "--spec", str(other),
                 "--out", str(tmp_path / "out"), "--lang", "en"]) == 0
    page = re.sub(r"<[^>]+>", "", (tmp_path / "out" / "compare.html").read_text("utf-8"))  # the text shown
    assert "Effective weight of each dimension" in page and "193 countries" in page
    assert "Norway" in page and "brain" not in page.lower() and "A long and healthy life" in page
    assert main(["compare", "--data", str(HDI_CSV), "--spec", str(ROOT / "configs/hdi.yaml"), "--spec", str(other),
                 "--out", str(tmp_path / "zh"), "--lang", "zh"]) == 0
    page = re.sub(r"<[^>]+>", "", (tmp_path / "zh" / "compare.html").read_text("utf-8"))
    assert "各维度有效权重" in page and "193个国家" in page and "挪威" in page and "健康长寿" in page


@needs_data
def test_asem_screened_units_stay_unranked_and_agreement_uses_the_common_units():
    data = tk.read_indicators(ASEM_CSV, tk.load_framework("coinr_asem"))
    c = compare_specs(data, [ROOT / "configs/asem.yaml", ROOT / "configs/asem_screen90.yaml"])
    a = tk.build_index(data, ROOT / "configs/asem.yaml").rank.xs(c.year, level="year")
    b = tk.build_index(data, ROOT / "configs/asem_screen90.yaml").rank.xs(c.year, level="year")
    assert len(c.ranks) == len(a) == 51 and len(b) == 46  # Screen90 without imputation drops 5 units
    missing = c.ranks.index[c.ranks["coinr_asem_screen90"].isna()]
    assert sorted(missing) == sorted(set(a.index) - set(b.index))
    row = c.agreement.iloc[0]
    common = b.index
    assert row["units"] == 46
    assert row["spearman"] == pytest.approx(spearmanr(a[common], b[common]).statistic)
    assert c.level == "pillar" and sorted(c.dimension_weights.index) == \
        sorted(n.code for n in data.framework.nodes() if n.level == "pillar")
    assert c.names["AUS"] == "Australia"
    from toolkit.studio.compare import compare_html

    html = compare_html(c)
    assert len(re.findall("<polyline", html)) == 51  # every unit drawn, the screened ones with one point
