"""UNDP's HDR composite-indices time series as a panel: the real-data example of the dynamics chain.

The file (``HDR23-24_Composite_indices_complete_time_series.csv``, UNDP, Human Development Report
2023/24) is wide: one row per country or aggregate, one column per variable and year
(``hdi_1990`` … ``gnipc_2022``). :func:`hdr_panel` turns it into one row per country and year with
the framework's columns (``toolkit/frameworks/undp_hdi.yaml``): unit_id (ISO3), country, region
(UNDP's developing regions; ``OTHER`` for the countries in none), year, LE, EYS, MYS, GNI and the
published HDI of that year. The 13 aggregates (ISO3 codes starting ``ZZ``) are left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError

INPUTS = {"le": "LE", "eys": "EYS", "mys": "MYS", "gnipc": "GNI", "hdi": "hdi_published"}
#: UNDP's developing regions (HDR 2023/24, "Regions"), and the label of the countries outside them
REGIONS = {"AS": "Arab States", "EAP": "East Asia and the Pacific", "ECA": "Europe and Central Asia",
           "LAC": "Latin America and the Caribbean", "SA": "South Asia", "SSA": "Sub-Saharan Africa",
           "OTHER": "Not in a UNDP developing region"}


def hdr_panel(path: str | Path, years: range | list[int] | None = None) -> pd.DataFrame:
    """The HDR time series as one row per country and year.

    Parameters
    ----------
    path : str or Path
        ``HDR23-24_Composite_indices_complete_time_series.csv``.
    years : iterable of int, optional
        Keep these years (default: every year with an ``hdi_YYYY`` column).

    Returns
    -------
    DataFrame
        unit_id, country, region, hdicode, year, LE, EYS, MYS, GNI, hdi_published; rows with any of
        the four inputs missing are kept (the index of such a country-year is not computed).

    Examples
    --------
    >>> import io
    >>> text = "iso3,country,hdicode,region,hdi_rank_2022,hdi_1990,le_1990,eys_1990,mys_1990,gnipc_1990\\n"
    >>> text += "NOR,Norway,Very High,,2,0.838,76.5,14.1,11.6,46000\\nZZA.VHHD,Very high,,,,0.8,70,14,11,30000\\n"
    >>> hdr_panel(io.StringIO(text))[["unit_id", "region", "year", "LE", "hdi_published"]].to_dict("records")
    [{'unit_id': 'NOR', 'region': 'OTHER', 'year': 1990, 'LE': 76.5, 'hdi_published': 0.838}]
    """
    try:
        wide = pd.read_csv(path, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the HDR time series ({exc})") from exc
    need = {"iso3", "country", "region", "hdicode"}
    if need - set(wide.columns):
        raise DataError(f"{path}: columns {sorted(need - set(wide.columns))} missing; is this the HDR "
                        "composite-indices time series?")
    wide = wide[~wide["iso3"].astype(str).str.startswith("ZZ")]
    all_years = sorted(int(c.split("_")[1]) for c in wide.columns if c.startswith("hdi_") and c[4:].isdigit())
    keep = all_years if years is None else [y for y in years if y in all_years]
    frames = []
    for y in keep:
        cols = {f"{v}_{y}": name for v, name in INPUTS.items()}
        part = wide[["iso3", "country", "region", "hdicode", *cols]].rename(columns={"iso3": "unit_id", **cols})
        part.insert(4, "year", y)
        frames.append(part)
    out = pd.concat(frames, ignore_index=True)
    out["region"] = out["region"].astype(object).where(out["region"].notna(), "OTHER")
    return out.sort_values(["unit_id", "year"], kind="stable").reset_index(drop=True)
