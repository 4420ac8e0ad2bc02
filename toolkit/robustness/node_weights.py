"""The weights of a node in the Monte Carlo engine (:class:`toolkit.robustness.engine.Engine`):
fixed methods once, data-driven ones once per data path and left-out variant (static children)
or per distinct children's values, combinations, and weight noise; with the helpers the engine
shares (one canonical form of a choice, fast unique rows, the error that names a replication).
"""

from __future__ import annotations

import json

import numpy as np
from scipy.special import gammaincinv

from ..errors import DataError
from ..index import steps
from ..methods.checks import BatchError
from ..methods.registry import WEIGHTING

__all__ = ["NodeWeights", "ReplicationError", "canonical", "stack_columns", "unique_rows"]


def canonical(obj) -> str:
    """One string per choice (sorted keys), to intern choices and key caches.

    Examples
    --------
    >>> canonical({"method": "equal", "params": {}}) == canonical({"params": {}, "method": "equal"})
    True
    """
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)


def unique_rows(a: np.ndarray):
    """``np.unique(a, axis=0, return_index=True, return_inverse=True)`` for small non-negative
    int rows, through one int64 key per row (much faster than the structured sort)."""
    a = np.asarray(a, dtype=np.int64)
    if a.shape[1] == 0:
        return a[:1], np.zeros(len(a), dtype=np.int64), np.zeros(min(len(a), 1), dtype=np.int64)
    lo = a.min(axis=0)
    dims = a.max(axis=0) - lo + 1
    if float(np.prod(dims.astype(float))) < 2.0 ** 62:
        keys = np.ravel_multi_index((a - lo).T, dims)
        _, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    else:
        _, first, inv = np.unique(a, axis=0, return_index=True, return_inverse=True)
    return a[first], inv.ravel(), first


def stack_columns(cols) -> np.ndarray:
    """Columns (each (..., m)) as a stack (..., m, k) whose units are contiguous in memory: a
    view of (..., k, m) storage.

    The kernels reduce over the units (axis −2) and broadcast per-column statistics back: on a
    C-ordered (…, m, k) stack with few children (k ≈ 5) each of those numpy passes runs an inner
    loop of k elements, 5–40× slower than over contiguous units. numpy's ufuncs and reductions
    follow the memory order of their operands, so the same kernel code runs on this layout at full
    speed; the numbers differ only where a sum's order does (pairwise along contiguous memory), far
    below the contract's 1e-9, and each matrix is summed the same way whatever the batch.

    Examples
    --------
    >>> x = stack_columns([np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])])
    >>> x.tolist(), x.strides
    ([[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]], (8, 24))
    """
    return np.swapaxes(np.stack(cols, axis=-2), -1, -2)


class ReplicationError(Exception):
    """A failure at row ``row`` of the signatures being computed (the engine names the replication)."""

    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row


class NodeWeights:
    """The engine's weighting of a node (a mixin of :class:`~toolkit.robustness.engine.Engine`,
    which holds the tree, the interned choices and masks, the prepared blocks and the cache).

    Examples
    --------
    >>> from toolkit.robustness.engine import Engine
    >>> issubclass(Engine, NodeWeights)
    True
    """

    def _depends(self, choice, kids) -> str:
        """What a weighting choice is computed from: 'none' (fixed weights), 'static' (children
        whose values depend on the data path only) or 'children' (values of the replication)."""
        method = choice["method"]
        if method == "combine":
            deps = {self._depends(s, kids) for s in choice["of"]}
            return "children" if "children" in deps else ("static" if deps - {"none"} else "none")
        if not WEIGHTING.get(method).data_driven:
            return "none"
        return "static" if all(c in self.static for c in kids) else "children"

    def _weights(self, key, b, blk, p, child_rows, wids, mids, gather):
        """Weights (U, k) of the distinct signatures of node ``p``: fixed methods once, data-driven
        ones once per data path and mask (static children) or per distinct children's values, in
        stacks of equal kept-children count so that every left-out variant is one batch call."""
        kids = self.tree[p]
        W = np.empty((len(wids), len(kids)))
        if len(kids) == 1:
            W[:] = 1.0
            return W
        masks = np.asarray(self._masks[p])
        for w in np.unique(wids):
            selw = np.flatnonzero(wids == w)
            choice = self._choices[("weights", p)][int(w)]
            dep = self._depends(choice, kids)
            try:
                if dep == "none":
                    for mk in np.unique(mids[selw]):
                        W[selw[mids[selw] == mk]] = self._fixed(p, kids, choice, masks[mk])
                elif dep == "static":
                    mks = np.unique(mids[selw])
                    todo = np.array([mk for mk in mks if ("static", key, b, p, int(w), int(mk)) not in self._cache],
                                    dtype=np.int64)
                    for grp in self._by_kept(masks[todo]):
                        try:
                            Wg = self._data(p, kids, choice, masks[todo[grp]], [blk] * len(grp), None)
                        except BatchError as exc:
                            raise ReplicationError(int(selw[mids[selw] == todo[grp][exc.g]][0]), str(exc)) from None
                        for mk, row in zip(todo[grp], Wg, strict=True):
                            self._cache[("static", key, b, p, int(w), int(mk))] = row
                    for mk in mks:
                        W[selw[mids[selw] == mk]] = self._cache[("static", key, b, p, int(w), int(mk))]
                else:
                    uc, cinv, _ = unique_rows(np.column_stack([child_rows[selw], mids[selw]]))
                    Wu = np.empty((len(uc), len(kids)))
                    for grp in self._by_kept(masks[uc[:, -1]]):
                        try:
                            Wu[grp] = self._data(p, kids, choice, masks[uc[grp, -1]], None, gather(uc[grp, :-1]))
                        except BatchError as exc:
                            raise ReplicationError(int(selw[np.flatnonzero(cinv == grp[exc.g])[0]]), str(exc)) from None
                    W[selw] = Wu[cinv]
            except ReplicationError as exc:
                raise ReplicationError(exc.row, f"weights of {p} ({choice['method']}): {exc}") from None
            except DataError as exc:
                raise ReplicationError(int(selw[0]), f"weights of {p} ({choice['method']}): {exc}") from None
        return W

    @staticmethod
    def _by_kept(masks):
        """Positions of ``masks`` grouped by their number of kept children."""
        counts = (~masks).sum(axis=1)
        return [np.flatnonzero(counts == c) for c in np.unique(counts)]

    def _fixed(self, p, kids, choice, mask):
        key = ("fixed", p, canonical(choice), mask.tobytes())
        if key in self._cache:
            return self._cache[key]
        w = steps.fixed_weights(kids, p, choice, self.fw).to_numpy(dtype=float)
        if mask.any():
            w = np.where(mask, 0.0, w)
            if not w.sum() > 0:
                raise DataError(f"{p}: every remaining child has weight 0 after the exclusion")
            w = w / w.sum()
        self._cache[key] = w
        return w

    def _data(self, p, kids, choice, masks, blks, C):
        """Weights (G, k) of a data-driven (or combined) choice, one row per mask (all masks keep
        the same number of children). ``C`` (G, m, k) holds the children's values, or is None
        when they are static: then row g takes them from block ``blks[g]`` — normalised values,
        or treated ones for ``on: raw`` when every child is a leaf (as build_index does)."""
        G, k = masks.shape
        kk = int((~masks[0]).sum())
        idx = np.argsort(masks, axis=1, kind="stable")[:, :kk]  # kept positions, in order
        method = choice["method"]
        out = np.zeros((G, k))
        if method == "combine":
            subs = [self._data(p, kids, s, masks, blks, C) if self._depends(s, kids) != "none"
                    else np.stack([self._fixed(p, kids, s, mk) for mk in masks]) for s in choice["of"]]
            kept = [np.take_along_axis(np.broadcast_to(s, (G, k)), idx, axis=1) for s in subs]
            np.put_along_axis(out, idx, steps.combine_stack(choice, kept), axis=1)
            return out
        if not WEIGHTING.get(method).data_driven:
            return np.stack([self._fixed(p, kids, choice, mk) for mk in masks])
        raw = C is None and steps.weights_input(choice, kids, self.leaf_set) == "raw"
        directions = np.array([self.directions[c] for c in kids])[idx] if raw else None  # (G, kept)
        if C is None:
            src = "T" if raw else "V"
            X = np.swapaxes(np.array([[blk[src][kids[j]] for j in row] for blk, row in zip(blks, idx, strict=True)]),
                            -1, -2)  # (G, m, kept), units contiguous (stack_columns)
        elif kk == k:  # every child kept: the gathered stack as it is (units contiguous, stack_columns)
            X = C
        else:  # the kept children, units contiguous
            X = np.swapaxes(np.take_along_axis(np.swapaxes(C, -1, -2), idx[:, :, None], axis=1), -1, -2)
        if kk == 1:
            np.put_along_axis(out, idx, 1.0, axis=1)
        else:
            np.put_along_axis(out, idx, steps.weight_stack(choice, X, directions,
                                                           columns=np.asarray(kids, dtype=object)[idx]), axis=1)
        return out

    def _noise(self, p, W, nids):
        if p not in self.noise_of or len(self.tree[p]) == 1:
            return W
        f = self.factors[self.noise_of[p]]
        U = self.noise_u[(self.noise_of[p], p)][nids]
        if f.distribution == "uniform":
            W = W * (1.0 + f.amount * (2.0 * U - 1.0))
        else:
            with np.errstate(all="ignore"):
                W = np.where(W > 0, gammaincinv(np.where(W > 0, f.amount * W, 1.0), U), 0.0)
        tot = W.sum(axis=1, keepdims=True)
        if not (tot > 0).all():
            raise DataError(f"weight noise left every weight of {p} at 0")
        return W / tot
