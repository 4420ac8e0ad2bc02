"""``reports --pdf`` after an up-to-date HTML run still writes every PDF, the overview's too: a
missing PDF is a missing output. The printer is replaced by one that writes a stub, so this
runs without Chromium (tests/reports/test_browser.py prints real PDFs)."""

from __future__ import annotations

from pathlib import Path

from toolkit.reports.batch import run_reports

from .conftest import SPEC


def test_pdfs_missing_after_an_up_to_date_run_are_written(three_return, tmp_path, monkeypatch):
    printed: list[str] = []

    def fake_print(pages, timeout=120, on_page=None):
        for p in pages:
            printed.append(Path(p).name)
            Path(p).with_suffix(".pdf").write_bytes(b"%PDF-1.4 stub")
            if on_page is not None:
                on_page(p)
        return {}

    monkeypatch.setattr("toolkit.reports.pdf.print_pdfs", fake_print)
    options = dict(workers=1, executor="serial", out=tmp_path, n_uncertainty=0, progress=False, workbook=False)
    first = run_reports(three_return, SPEC, **options)
    assert first.exit_code == 0 and len(first.ok) == 3 and printed == []
    second = run_reports(three_return, SPEC, pdf=True, **options)  # every HTML report is up to date
    assert second.ok == [] and len(second.skipped) == 3
    assert sorted(printed) == sorted([p.name for p in first.run_dir.glob("unit-*.html")] + ["index.html"])
    assert len(list(second.run_dir.glob("*.pdf"))) == 4
    printed.clear()
    run_reports(three_return, SPEC, pdf=True, **options)  # nothing missing: nothing printed again
    assert printed == []
