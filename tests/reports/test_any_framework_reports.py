"""Reports for a framework without Shandong's cities and industries: the HDI and COINr's ASEM
example render through ``python -m toolkit reports --framework …``; sections that need a city or
an industry are left out, not broken."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.cli import main

from ..conftest import ROOT, SHARED_DATA_MISSING
from ..conftest import SHARED_DATA as DATA
from .conftest import OTHER_N_UNCERTAINTY, link_bundle

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not DATA.is_dir(), reason=SHARED_DATA_MISSING)]


def _text(path: Path) -> str:
    html = path.read_text("utf-8")
    html = re.sub(r"<style.*?</style>|<script.*?</script>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_hdi_and_asem_reports_render(tmp_path, capsys, other_bundle_dirs):
    """The command renders each framework's unit report from the results bundle of the same
    inputs (the session's, linked into ``--out``: computed once for the report tests, by the same
    ``compute_bundle``), found by the framework ``--framework`` names: its digest is the one the
    bundle records."""
    for data, spec, fw, unit in (("hdi/hdr2023_24_hdi_2022.csv", "hdi.yaml", "undp_hdi", "CHE"),
                                 ("asem/iData.csv", "asem.yaml", "coinr_asem", "IND")):
        link_bundle(tmp_path, other_bundle_dirs[fw.split("_")[1]])
        code = main(["reports", "--data", str(DATA / data), "--spec", str(ROOT / "configs" / spec),
                     "--framework", fw, "--only", unit, "--uncertainty", str(OTHER_N_UNCERTAINTY), "--executor",
                     "serial", "--no-progress", "--lang", "en", "--out", str(tmp_path)])
        assert code == 0, capsys.readouterr().err
        run = next(p for p in tmp_path.iterdir() if p.name.endswith(fw) or fw in p.name)
        assert (run / "_bundle" / "meta.json").read_bytes() == (tmp_path / "shared" / "_bundle" / "meta.json").read_bytes()
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
    """A framework declaring no region column: `--by city` and `--by all` stop with the error in the
    reader's language, before any data is read or a run folder opened (the framework alone says it)."""
    code = main(["reports", "--data", str(DATA / "hdi/hdr2023_24_hdi_2022.csv"), "--spec",
                 str(ROOT / "configs" / "hdi.yaml"), "--by", "city", "--uncertainty", "0", "--executor", "serial",
                 "--no-progress", "--out", str(tmp_path), "--lang", "en"])
    assert code == 1
    assert "declares no region column (reporting: region: in its file); render --by unit" in capsys.readouterr().err
    code = main(["reports", "--data", str(DATA / "hdi/hdr2023_24_hdi_2022.csv"), "--spec",
                 str(ROOT / "configs" / "hdi.yaml"), "--by", "all", "--uncertainty", "0", "--executor", "serial",
                 "--no-progress", "--out", str(tmp_path), "--lang", "zh"])
    err = capsys.readouterr().err
    assert code == 1 and "没有声明地区列" in err and "declares" not in err  # the message in the reader's language
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == []  # said before a run folder (or its staging copy) is opened


def _own_framework(folder: Path) -> Path:
    """A copy of the HDI framework under an id that is not shipped, with a spec beside it that
    names it as ``framework: framework.yaml`` (as a user's own framework would be)."""
    folder.mkdir()
    text = (ROOT / "toolkit" / "frameworks" / "undp_hdi.yaml").read_text("utf-8")
    assert "\nid: undp_hdi\n" in text
    (folder / "framework.yaml").write_text(text.replace("\nid: undp_hdi\n", "\nid: my_own_hdi\n"), "utf-8")
    spec = (ROOT / "configs" / "hdi.yaml").read_text("utf-8")
    assert "framework: ../toolkit/frameworks/undp_hdi.yaml" in spec
    (folder / "spec.yaml").write_text(spec.replace("framework: ../toolkit/frameworks/undp_hdi.yaml",
                                                   "framework: framework.yaml"), "utf-8")
    return folder / "spec.yaml"


def test_a_framework_that_is_not_shipped_travels_by_its_file(tmp_path, capsys):
    from toolkit.framework.loader import available_frameworks
    from toolkit.reports.bundle import load_bundle

    assert "my_own_hdi" not in available_frameworks()
    spec = _own_framework(tmp_path / "my_hdi")
    out = tmp_path / "out"
    code = main(["reports", "--data", str(DATA / "hdi/hdr2023_24_hdi_2022.csv"), "--spec", str(spec),
                 "--only", "CHN", "--uncertainty", "0", "--executor", "serial", "--no-progress", "--lang", "en",
                 "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    run = next(out.iterdir())
    assert "China" in _text(next(run.glob("unit-CHN-*.html")))
    bundle = load_bundle(run / "_bundle")  # the bundle carries the file: no lookup among shipped ones
    assert bundle.framework.id == "my_own_hdi"
    assert bundle.framework.sha256 == bundle.meta["framework_sha256"]
