"""The served page's kernels share what the server's first kernel prepared (toolkit.studio.page):
the checked return and specification, and the studio model with its nominal index. A later
kernel reads no file and builds no index, shows the same ranks, and a file changed while the
server runs is read and checked afresh."""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("ipywidgets")

from toolkit import notebooks  # noqa: E402
from toolkit.studio import model as studio_model  # noqa: E402
from toolkit.studio import page  # noqa: E402

from ..conftest import DEMO_CSV, ROOT  # noqa: E402


@pytest.fixture
def served(tmp_path, monkeypatch):
    """A kernel of a studio server, its visitor's language known (no request to wait for), with
    the server's cache folder; the framework the notebook's (no ``--data``/``--spec``)."""
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setenv("QUERY_STRING", "lang=en")
    monkeypatch.setenv(page.ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.delenv(page.ENV_DATA, raising=False)
    monkeypatch.delenv(page.ENV_SPEC, raising=False)
    return tmp_path / "cache"


def test_later_kernels_load_what_the_first_checked_and_built(served, tmp_path, monkeypatch):
    spec_path = tmp_path / "default.yaml"
    shutil.copy(ROOT / "configs" / "default.yaml", spec_path)
    fresh_data, fresh_spec = notebooks.load(DEMO_CSV, spec_path)

    first = page.load(DEMO_CSV, spec_path)  # the server's first kernel: reads, checks, keeps
    first_studio = page.studio(*first, lang="zh")
    assert first_studio.lang == "en"  # the visitor's
    assert len(list(served.glob("*.pickle"))) == 2  # the checked pair, the model

    reads, builds = [], []
    monkeypatch.setattr(notebooks, "load", lambda *a: reads.append(a) or (fresh_data, fresh_spec))

    def no_build(*a, **k):
        builds.append(a)
        raise AssertionError("a later kernel built the index again")

    monkeypatch.setattr(studio_model, "build_index", no_build)
    data, spec = page.load(DEMO_CSV, spec_path)  # a later kernel
    later = page.studio(data, spec, lang="zh")
    assert reads == [] and builds == []
    assert data.table.equals(fresh_data.table) and data.sha256 == fresh_data.sha256
    assert spec.sha256 == fresh_spec.sha256 and data.framework.sha256 == fresh_data.framework.sha256
    assert later.current_ranks().equals(first_studio.current_ranks())
    assert later.table.value == first_studio.table.value

    # the specification edited while the server runs: read and checked afresh
    spec_path.write_text(spec_path.read_text("utf-8") + "\n# edited\n", "utf-8")
    page.load(DEMO_CSV, spec_path)
    assert len(reads) == 1


def test_a_kept_value_that_cannot_be_read_is_made_afresh(served):
    made = []
    assert page.kept(("k",), lambda: made.append(1) or {"a": 1}) == {"a": 1}
    assert page.kept(("k",), lambda: made.append(1) or {"a": 2}) == {"a": 1} and made == [1]
    for f in served.glob("*.pickle"):
        f.write_bytes(b"not a pickle")
    assert page.kept(("k",), lambda: made.append(1) or {"a": 3}) == {"a": 3} and made == [1, 1]


def test_outside_a_server_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.setenv(page.ENV_CACHE, str(tmp_path / "cache"))
    assert page.kept(("k",), lambda: 1) == 1 and page.kept(("k",), lambda: 2) == 2
    assert not (tmp_path / "cache").exists()


def test_a_server_of_several_frameworks_gives_each_page_its_framework(tmp_path):
    """Each page of a server of several (toolkit.studio.serve.write_site) is the studio notebook
    with its framework's paths set last in the parameters cell, so that every kernel of the page
    shows that framework; a bad name or a missing file is refused before anything is served."""
    import json

    from toolkit.studio.serve import main, page_path, write_site

    spec = ROOT / "configs" / "hdi.yaml"
    site = write_site(tmp_path / "site", {"demo": (DEMO_CSV, ROOT / "configs" / "default.yaml"),
                                          "other": (DEMO_CSV, spec)}, root=ROOT)
    assert sorted(p.name for p in site.iterdir()) == ["demo.ipynb", "other.ipynb"]
    assert page_path("other") == "voila/render/other.ipynb"
    nb = json.loads((site / "other.ipynb").read_text("utf-8"))
    original = json.loads((ROOT / "notebooks" / "06_weighting_studio.ipynb").read_text("utf-8"))
    assert [c["source"] for c in nb["cells"][2:]] == [c["source"] for c in original["cells"][2:]]
    params = {}
    exec("".join(nb["cells"][1]["source"]), params)  # noqa: S102 - the notebook's own parameters cell
    assert params["data_path"] == str(DEMO_CSV.resolve()) and params["spec_path"] == str(spec.resolve())
    assert params["lang"] == "zh" and "parameters" in nb["cells"][1]["metadata"]["tags"]

    with pytest.raises(ValueError, match="'a b'"):
        write_site(tmp_path / "x", {"a b": (DEMO_CSV, spec)}, root=ROOT)
    with pytest.raises(ValueError, match="no file .*missing.csv"):
        write_site(tmp_path / "y", {"a": (tmp_path / "missing.csv", spec)}, root=ROOT)
    with pytest.raises(SystemExit) as exit_:
        main(["--framework", "a", str(DEMO_CSV), str(spec), "--data", str(DEMO_CSV)])
    assert exit_.value.code == 2
