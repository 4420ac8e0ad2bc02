"""Spatial weights: which regions are neighbours, binary or row-standardised.

:class:`Weights` holds what Moran's I, LISA and the spatial Markov chain read from libpysal's
``W`` (the same attribute names: ``id_order``, ``neighbors``, ``cardinalities``, ``islands``,
``transform``, ``sparse``, ``s0``, ``full()``), built here with numpy and scipy.sparse: importing
libpysal imports numba and scikit-learn, about 1.5 s of CPU in every process that draws a map or
an overview page, for a dictionary of neighbours. :meth:`Weights.to_libpysal` gives libpysal's
``W`` where a PySAL routine needs one (giddy's spatial Markov chain, the oracle tests).

Queen contiguity is libpysal's rule (``Queen.from_dataframe``): two regions are neighbours when
their boundaries share a vertex, coordinates compared exactly. ``tests/dynamics/test_boundaries.py``
and ``tests/dynamics/test_panel_maps.py`` check it link for link against libpysal on the Shandong
counties and cities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import DataError

__all__ = ["Weights", "adjacency_weights", "queen_weights", "weights_among"]


class Weights:
    """Spatial weights among regions: a symmetric list of neighbours, used binary (``"b"``) or
    row-standardised (``"r"``: each row sums to 1; a region without a neighbour, an island, has
    a row of zeros).

    Parameters
    ----------
    neighbors : dict
        Region id → list of its neighbours' ids.
    id_order : list, optional
        The order of the regions (rows and columns of :attr:`sparse`); default the keys' order.

    Examples
    --------
    >>> w = Weights({"a": ["b"], "b": ["a", "c"], "c": ["b"]})
    >>> w.n, w.cardinalities, w.islands
    (3, {'a': 1, 'b': 2, 'c': 1}, [])
    >>> w.transform = "r"
    >>> w.full()[0].tolist()
    [[0.0, 1.0, 0.0], [0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]
    """

    def __init__(self, neighbors: dict, id_order: list | None = None):
        self.id_order = list(neighbors) if id_order is None else list(id_order)
        self.neighbors = {i: list(neighbors.get(i, [])) for i in self.id_order}
        self._transform = "b"

    @property
    def n(self) -> int:
        """The number of regions."""
        return len(self.id_order)

    @property
    def cardinalities(self) -> dict:
        """Region → its number of neighbours."""
        return {i: len(v) for i, v in self.neighbors.items()}

    @property
    def islands(self) -> list:
        """The regions without a neighbour."""
        return [i for i, v in self.neighbors.items() if not v]

    @property
    def transform(self) -> str:
        """``"b"`` (binary, the default) or ``"r"`` (row-standardised)."""
        return self._transform

    @transform.setter
    def transform(self, value: str) -> None:
        if str(value).lower() not in ("b", "r"):
            raise ValueError(f"Weights.transform must be 'b' (binary) or 'r' (row-standardised), got {value!r}")
        self._transform = str(value).lower()

    @property
    def sparse(self):
        """The weights as a scipy CSR matrix in :attr:`id_order` (column indices sorted in each row)."""
        from scipy.sparse import csr_matrix

        pos = {i: k for k, i in enumerate(self.id_order)}
        cols = [sorted(pos[j] for j in self.neighbors[i]) for i in self.id_order]
        card = np.array([len(c) for c in cols], int)
        indptr = np.r_[0, np.cumsum(card)]
        indices = np.fromiter((j for c in cols for j in c), int, count=int(indptr[-1]))
        data = np.ones(len(indices))
        if self._transform == "r":
            data = data / np.repeat(np.maximum(card, 1), card)
        return csr_matrix((data, indices, indptr), shape=(self.n, self.n))

    @property
    def s0(self) -> float:
        """The sum of all weights."""
        return float(self.sparse.sum())

    def full(self) -> tuple[np.ndarray, list]:
        """The dense matrix and the ids of its rows, as libpysal's ``W.full()``."""
        return self.sparse.toarray(), list(self.id_order)

    def subset(self, ids: list) -> Weights:
        """The weights among ``ids`` only (their links to the others dropped), in that order."""
        keep = set(ids)
        w = Weights({i: [j for j in self.neighbors[i] if j in keep] for i in ids}, list(ids))
        w.transform = self._transform
        return w

    def to_libpysal(self):
        """The same weights as a ``libpysal.weights.W`` (imports libpysal: seconds)."""
        import warnings

        from libpysal.weights import W

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")   # islands are reported by libpysal as a warning
            w = W(dict(self.neighbors), id_order=list(self.id_order))
            w.transform = self._transform
        return w


def queen_weights(polygons, id_column: str) -> Weights:
    """Queen contiguity of a GeoDataFrame of polygons, keyed by ``id_column``.

    Two regions are neighbours when their boundaries (outer rings and holes) share a vertex,
    coordinates compared exactly: libpysal's ``Queen.from_dataframe``.

    Parameters
    ----------
    polygons : GeoDataFrame
        One polygon (or multipolygon) per region.
    id_column : str
        The column naming each region (the ids of the weights).

    Returns
    -------
    Weights
        Binary contiguity; regions without a neighbour are in ``w.islands``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> g = gpd.GeoDataFrame({"id": ["a", "b", "c"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 5, 6, 6)])
    >>> w = queen_weights(g, "id")
    >>> dict(w.neighbors)
    {'a': ['b'], 'b': ['a'], 'c': []}
    """
    import shapely

    ids = polygons[id_column].astype(str).tolist()
    if len(set(ids)) != len(ids):
        dup = pd.Series(ids)[pd.Series(ids).duplicated()].iloc[0]
        raise DataError(f"queen_weights: {id_column} {dup!r} names two polygons")
    xy, owner = shapely.get_coordinates(np.asarray(polygons.geometry), return_index=True)
    links: dict[int, set] = {k: set() for k in range(len(ids))}
    if len(xy):
        _, vertex = np.unique(xy, axis=0, return_inverse=True)
        pairs = pd.DataFrame({"v": vertex.ravel(), "p": owner}).drop_duplicates()
        shared = pairs[pairs.groupby("v")["p"].transform("size") > 1]
        both = shared.merge(shared, on="v")
        for a, b in zip(both["p_x"].to_numpy(), both["p_y"].to_numpy(), strict=True):
            if a != b:
                links[int(a)].add(int(b))
    return Weights({ids[k]: [ids[j] for j in sorted(links[k])] for k in range(len(ids))}, ids)


def adjacency_weights(neighbours: dict) -> Weights:
    """Weights from an adjacency list ``{unit: [neighbours]}``, made symmetric.

    Parameters
    ----------
    neighbours : dict
        Region → list of its neighbours (a framework's declared adjacency list).

    Returns
    -------
    Weights

    Examples
    --------
    >>> dict(adjacency_weights({"a": ["b"], "b": [], "c": []}).neighbors)
    {'a': ['b'], 'b': ['a'], 'c': []}
    """
    sym = {str(k): set(map(str, v or [])) for k, v in neighbours.items()}
    for k, vs in list(sym.items()):
        for v in vs:
            if v not in sym:
                raise DataError(f"adjacency list: {k!r} names the neighbour {v!r}, which is not a unit of the list")
            sym[v].add(k)
    return Weights({k: sorted(v) for k, v in sym.items()}, list(sym))


def weights_among(w: Weights, ids: list[str]) -> Weights:
    """``w`` restricted to the regions ``ids`` that have at least one neighbour among them.

    Parameters
    ----------
    w : Weights
    ids : list of str

    Returns
    -------
    Weights
        ``w`` itself when every region of it is in ``ids``.

    Examples
    --------
    >>> w = adjacency_weights({"a": ["b"], "b": ["c"], "c": []})
    >>> sorted(weights_among(w, ["a", "b"]).id_order), sorted(weights_among(w, ["a", "c"]).id_order)
    (['a', 'b'], [])
    """
    keep = set(ids)
    if keep >= set(w.id_order):
        return w
    sub = w.subset([i for i in w.id_order if i in keep])
    linked = [i for i in sub.id_order if sub.neighbors[i]]
    return sub if len(linked) == sub.n else sub.subset(linked)
