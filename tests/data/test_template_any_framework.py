"""The blank template of every shipped framework reads back as "no data rows" — its label rows
are notes, recognised by their exact first cells — and a filled-in row is read as data. Before,
only Shandong's label rows were recognised: ASEM's blank template gave 58 problems on its
"# Country code" row."""

from __future__ import annotations

import csv

import pytest

from toolkit import ValidationError, load_framework, read_indicators
from toolkit.data.template import label_first_cells, write_template


@pytest.mark.parametrize("name", ["shandong_industrial_brain", "undp_hdi", "coinr_asem"])
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_blank_template_has_no_data_rows(tmp_path, name, kind):
    fw = load_framework(name)
    path = next(p for p in write_template(tmp_path, fw) if p.suffix == f".{kind}")
    with pytest.raises(ValidationError) as err:
        read_indicators(path, fw)
    assert err.value.report["rule_code"].tolist() == ["empty_file"]


def test_a_filled_in_hdi_template_row_is_data_and_the_label_rows_are_not(tmp_path):
    fw = load_framework("undp_hdi")
    path = next(p for p in write_template(tmp_path, fw) if p.suffix == ".csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert [r[0] for r in rows[1:3]] == sorted(label_first_cells(fw), key=lambda c: "文本" in c)
    values = {"unit_id": "NOR", "country": "Norway", "year": "2022", "LE": "83.4", "EYS": "18.6", "MYS": "13.1",
              "GNI": "69190"}
    rows.append([values.get(h.split()[0], "") for h in rows[0]])
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    data = read_indicators(path, fw)
    assert data.table[["unit_id", "country", "LE", "GNI"]].values.tolist() == [["NOR", "Norway", 83.4, 69190.0]]


def test_a_data_row_that_happens_to_start_with_hash_space_is_still_data(tmp_path):
    """Only the template's own first cells are notes: '# 1' as a unit id is data (and invalid)."""
    fw = load_framework("undp_hdi")
    path = tmp_path / "r.csv"
    path.write_text("iso3,country,le,eys,mys,gnipc\n# 1,Norway,83.4,18.6,13.1,69190\n", encoding="utf-8")
    assert read_indicators(path, fw).table["unit_id"].tolist() == ["# 1"]
