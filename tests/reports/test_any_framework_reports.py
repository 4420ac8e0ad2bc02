"""Reports for a framework without Shandong's cities and industries: the HDI and COINr's ASEM
example render through ``python -m toolkit reports --framework …``; sections that need a city or
an industry are left out, not broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not DATA.is_dir(), reason=f"{DATA} not found (a bare clone has no ../shared/data)")]


def _text(path: Path) -> str:
    html = path.read_text("utf-8")
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_hdi_and_asem_reports_render(tmp_path, capsys):
    for data, spec, fw, unit in (("hdi/hdr2023_24_hdi_2022.csv", "hdi.yaml", "undp_hdi", "CHE"),
                                 ("asem/iData.csv", "asem.yaml", "coinr_asem", "IND")):
        code = main(["reports", "--data", str(DATA / data), "--spec", str(ROOT / "configs" / spec),
                     "--framework", fw, "--only", unit, "--uncertainty", "4", "--executor", "serial",
                     "--no-progress", "--lang", "en", "--out", str(tmp_path)])
        assert code == 0, capsys.readouterr().err
        run = next(p for p in tmp_path.iterdir() if p.name.endswith(fw) or fw in p.name)
        page = next(run.glob(f"unit-{unit}-*.html"))
        text = _text(page)
        assert ("Dimension scores" if fw == "undp_hdi" else "Pillar scores") in text and "Main obstacles" in text
        # no peer column: no same-industry peers (the nearest profiles instead), no city; the
        # framework's words throughout (see test_framework_words.py)
        assert "of the same" not in text and "Countries with the most similar profile" in text
        assert "brain" not in text.lower() and " city" not in text.lower() and "industr" not in text.lower()
        if fw == "undp_hdi":
            assert "Switzerland" in text and "Rank 1 / 193" in text
            assert "A long and healthy life" in text
        else:
            assert "India" in text and "Rank 45 / 51" in text
            assert "People to People" in text  # the pillars are the ASEM framework's dimension level
        for p in list(tmp_path.iterdir()):
            if p.is_dir():
                import shutil

                shutil.rmtree(p)


def test_reports_by_city_without_a_city_column_is_a_clear_error(tmp_path, capsys):
    code = main(["reports", "--data", str(DATA / "hdi/hdr2023_24_hdi_2022.csv"), "--spec",
                 str(ROOT / "configs" / "hdi.yaml"), "--by", "city", "--uncertainty", "0", "--executor", "serial",
                 "--no-progress", "--out", str(tmp_path)])
    assert code == 1
    assert "declares no region column (reporting: region: in its file); render --by unit" in capsys.readouterr().err
