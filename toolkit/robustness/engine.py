"""The vectorised replication engine behind :func:`toolkit.robustness.uncertainty.uncertainty`.

A replication is the index rebuilt under one draw of the uncertain factors. It is *not* a call
of :func:`toolkit.build_index`:

1. The **data path** (imputation × outliers × normalisation × panel scope) has few distinct
   values. Each one present in the design is compiled once into a plan
   (:func:`toolkit.index.plan.compile_plan`) and run once, up front, through build_index's own
   public steps (:func:`~toolkit.index.steps.data_path`, :func:`~toolkit.index.steps.blocks`,
   :func:`~toolkit.index.steps.normalise_block`): the normalised and treated leaf matrices of
   every block. No step reads a spec.
2. The replications sharing a data path are then aggregated bottom-up through ``index_tree``,
   as arrays. Each node is held as (distinct value rows U × units, replication → row), so a node
   is computed once per distinct *signature* — its children's rows, weighting choice, exclusion
   mask, noise set and aggregation choice — not once per replication.
3. Weights per node (:mod:`toolkit.robustness.node_weights`): fixed methods (equal, framework, manual, file, AHP) come from
   :func:`~toolkit.index.steps.fixed_weights` once and are cached; data-driven methods run the
   registry's batch kernels (:func:`~toolkit.index.steps.weight_stack`, the same kernels
   build_index runs on a batch of one), cached too when the children are leaves (their values
   depend on the data path only); combinations use :func:`~toolkit.index.steps.combine_stack`.
   Noise multiplies them (pre-drawn sets), exclusion zeroes them.
4. Aggregation uses :func:`~toolkit.index.steps.aggregate_stack` (the registry's kernels, with
   build_index's na rule); ranks use :func:`toolkit.index.plan.rank_rows`, build_index's one
   ranking routine, within each year. The tree, the walk's order and each node's nominal
   choices come from the plan the nominal build_index ran (``result.plan``).
5. **Screening as an uncertain factor**: a data path whose screening drops units gives those
   units no composite (NaN) and no rank (NaN, never a made-up rank) in its replications; the
   others are ranked among the units it keeps, as :func:`toolkit.build_index` with that
   screening ranks them. The units of the analysis (:attr:`Engine.rows`) are the union of the
   units the nominal index keeps and those any prepared data path keeps, in the order of the
   data; ranks are ``int32`` when every path keeps every unit, else ``float64`` with NaN.

The engine is a plain picklable object; executors ship it to worker processes, with the methods
registered in the parent process (:func:`toolkit.methods.registry.pack_plugins`): a method a
researcher registers in a notebook is seen by a spawned worker too.
"""

from __future__ import annotations

import json

import numpy as np

from ..errors import DataError
from ..index import steps
from ..index.plan import compile_plan, rank_rows
from ..methods.checks import BatchError
from ..methods.registry import install_plugins, pack_plugins
from .node_weights import NodeWeights, ReplicationError, canonical, stack_columns, unique_rows
from .spec import METHOD_ROOTS, UncertaintySpec, apply_values

__all__ = ["BATCH_BYTES", "Engine"]

BATCH_BYTES = 64 * 2**20
"""The default memory budget of one batch of replications (and of one stack of weights computed
up front), in bytes: :meth:`Engine.batch_size` turns it into replications per batch."""

# an estimate of the copies of a node's (replications × units × children) stack alive while it is
# weighted and aggregated (the gathered stack, the kernel's min–max, shares, logs)
_STACK_COPIES = 4


class Engine(NodeWeights):
    """Evaluates design rows u (replications × factors) into composites and ranks.

    Build it with the nominal :class:`~toolkit.index.build.IndexResult` and the uncertainty spec, call
    :meth:`prepare` with the whole design (in the parent process), then :meth:`run` on any
    slice of it (anywhere: the engine pickles without the nominal result).
    """

    def __init__(self, result, uspec: UncertaintySpec, noise_seed: int):
        self.fw = fw = result.framework
        self.uspec = uspec
        self.factors = uspec.factors
        # the nominal spec compiled once, by build_index: the tree, the walk's order, each node's
        # choices and the ranking precision all come from the plan it ran
        self.plan = plan = result.plan
        self.tree = tree = plan.tree
        self.leaves = list(plan.leaves)
        self.leaf_set = set(self.leaves)
        self.directions = {c: float(d) for c, d in fw.directions.items()}
        self.order = list(plan.order)
        self.root = plan.root
        self.level = plan.levels
        self.parent_of = {c: p for p, cs in tree.items() for c in cs}
        self.input_rows = result.input_raw.index  # every unit read, before screening
        self._set_rows(result.raw.index)  # the nominal units, until prepare() adds the others
        self.complete = True  # every prepared data path keeps every unit of self.rows
        nom = uspec.nominal.to_dict()
        self.rank_decimals = plan.rank_decimals  # rank on rounded composites, as build_index does
        self.nominal_sections = {k: nom[k] for k in METHOD_ROOTS}
        self.dp_idx = [j for j, f in enumerate(self.factors) if f.data_path]
        self.method_idx = [j for j, f in enumerate(self.factors) if f.kind == "choice" and not f.data_path]
        self.excl_idx = [j for j, f in enumerate(self.factors) if f.kind == "exclude"]
        self.noise_of: dict[str, int] = {}
        rng = np.random.default_rng(noise_seed)
        self.noise_u: dict[tuple[int, str], np.ndarray] = {}
        for j, f in enumerate(self.factors):
            if f.kind != "weight_noise":
                continue
            for p in tree:
                if self.level[p] in f.levels:
                    self.noise_of[p] = j
                    self.noise_u[(j, p)] = rng.random((f.sets, len(tree[p])))
        self.static = self._static_nodes()
        self.paths: dict[tuple, dict] = {}
        self._result = result  # only in the parent process (dropped when pickled)
        self._choice_ids: dict[tuple[str, str], dict[str, int]] = {}
        self._choices: dict[tuple[str, str], list[dict]] = {}
        self._mask_ids: dict[str, dict[tuple, int]] = {p: {} for p in tree}
        self._masks: dict[str, list[np.ndarray]] = {p: [] for p in tree}
        self._cache: dict = {}

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_result"] = None  # the weights cached by prepare() travel with the engine
        state["uspec"] = None  # (not needed once prepared)
        # methods registered in the parent (a notebook, a script's __main__) travel by value: a
        # spawned worker imports a toolkit whose registries hold the built-in methods only
        state["_plugins"] = pack_plugins()
        return state

    def __setstate__(self, state):
        install_plugins(state.pop("_plugins", None))
        self.__dict__.update(state)

    def _set_rows(self, rows) -> None:
        self.rows = rows
        years = rows.get_level_values("year")
        self.year_cols = [(int(y), np.flatnonzero(years == y)) for y in sorted(years.unique())]

    def _static_nodes(self) -> set[str]:
        """Leaves, and parents that no factor but the data path touches (no weight or aggregation
        choice at their level, no noise, no excluded child, only static children): their values
        depend on the data path alone and are computed once per path in :meth:`prepare`."""
        touched = set()
        for j in self.method_idx:
            parts = self.factors[j].address.split(".")
            touched |= {p for p in self.tree if self.level[p] == parts[1]}
        touched |= set(self.noise_of)
        for j in self.excl_idx:
            touched |= {self.parent_of[c] for c in self.factors[j].options if c is not None}
        static = set(self.leaves)
        for p in self.order:
            if p not in touched and all(c in static for c in self.tree[p]):
                static.add(p)
        return static

    # -- data paths (parent process) -------------------------------------------------------------
    def prepare(self, u: np.ndarray, stack_bytes: int = BATCH_BYTES) -> None:
        """Run every data path that ``u`` uses through build_index's treatment and normalisation,
        compute the static nodes of each, and the data-driven weights the design needs.

        The weights of nodes whose children are static are computed here, stacked across data
        paths and left-out variants in stacks of at most ``stack_bytes``, when at least 16
        matrices fit in one stack (small data: one call for many matrices pays); otherwise
        (large data) each batch computes the ones it needs, once, in whichever process runs it.
        Either way the weights are the same numbers (each matrix is weighted on its own)."""
        res = self._result
        keys = unique_rows(self._dp_keys(u))[0]
        tr_cache: dict = {}
        todo = []
        # every data path's spec compiled once, into the plan its steps run
        plans = [(key, compile_plan(self.uspec.spec_for({self.factors[j].name: k
                                                         for j, k in zip(self.dp_idx, key, strict=True)})))
                 for key in map(tuple, keys.tolist()) if key not in self.paths]
        for key, plan in plans:
            d = plan.data
            tk = canonical([plan.scope, d.denominators, d.imputation, d.screening, d.outliers])
            if tk not in tr_cache:
                # build_index's own data steps (denominate → impute → screen → treat) on every
                # unit read: the units this path's screening keeps
                tr_cache[tk] = steps.data_path(res.input_raw, res.input_units, plan).treated
            todo.append((key, plan, tr_cache[tk]))
        kept = self.rows.append([t.index for _, _, t in todo]).unique() if todo else self.rows
        if len(kept) > len(self.rows):
            if self.paths:
                raise DataError("Engine.prepare: these data paths keep units the paths prepared before do not; "
                                "prepare the whole design at once")
            self._set_rows(self.input_rows[self.input_rows.isin(kept)])  # the union, in the data's order
        shared_t: dict = {}  # the treated leaves, one set per treatment (paths differ by normalisation)
        for key, plan, treated in todo:
            self.complete &= len(treated) == len(self.rows)
            blocks = steps.blocks(treated, plan.scope)
            na = plan.na
            blist = []
            for bi, idx in enumerate(blocks.values()):
                normalised = steps.normalise_block(treated.loc[idx], plan)
                N = normalised[self.leaves].to_numpy(dtype=float)
                if (id(treated), bi) not in shared_t:
                    T = treated.loc[idx, self.leaves].to_numpy(dtype=float)
                    shared_t[(id(treated), bi)] = {c: T[:, j] for j, c in enumerate(self.leaves)}
                blk = {"rows": self.rows.get_indexer(idx), "index": idx,
                       "V": {c: N[:, j] for j, c in enumerate(self.leaves)},
                       "T": shared_t[(id(treated), bi)]}
                self._static_values(key, len(blist), blk, na)
                blist.append(blk)
            self.paths[key] = {"blocks": blist, "na": na}
        kmax = max(len(c) for c in self.tree.values())
        per_matrix = _STACK_COPIES * 8 * len(self.rows) * kmax
        if 16 * per_matrix <= stack_bytes:
            self._precompute(u, max(1, stack_bytes // per_matrix))

    def batch_size(self, batch_bytes: int = BATCH_BYTES) -> int:
        """Replications per batch within ``batch_bytes``: each replication holds its composites and
        ranks and, at every node it does not share with others, a stack of (units × children)
        values and its temporaries (:data:`BATCH_BYTES`).

        Examples
        --------
        A replication of 2,800 units on a tree of 8 parents (at most 10 children) takes
        8 · 2,800 · (4 · 10 + 8 + 3) bytes ≈ 1.1 MB, so 64 MiB hold 58 of them.
        """
        kmax = max(len(c) for c in self.tree.values())
        per_rep = 8 * len(self.rows) * (_STACK_COPIES * kmax + len(self.tree) + 3)
        return int(max(1, batch_bytes // per_rep))

    def run_order(self, u: np.ndarray) -> np.ndarray:
        """The order in which to run the design rows ``u``: grouped by data path, then by the other
        factors' values, so that a batch holds few data paths and many shared signatures. Each
        replication's numbers do not depend on its batch, so the order changes speed only."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        codes = [self._dp_keys(u)] + [f.decode(u[:, j])[:, None] for j, f in enumerate(self.factors)
                                      if not f.data_path]
        keys = np.column_stack(codes) if codes else np.zeros((len(u), 0))
        return np.lexsort(keys.T[::-1]) if keys.shape[1] else np.arange(len(u))

    def _static_values(self, key, b, blk, na) -> None:
        """Values of the static parents of one block (nominal choices, nothing left out)."""
        m = len(blk["rows"])
        for p in self.order:
            if p not in self.static:
                continue
            kids = self.tree[p]
            w = self._intern_choice("weights", p, self.plan.nodes[p].weights)
            a = self._intern_choice("aggregation", p, self.plan.nodes[p].aggregation)
            mk = self._intern_mask(p, (False,) * len(kids))
            one = np.ones(1, dtype=np.int64)
            W = self._weights(key, b, blk, p, np.zeros((1, len(kids)), dtype=np.int64), one * w, one * mk, None)
            C = stack_columns([blk["V"][c] for c in kids])[None]
            choice = self._choices[("aggregation", p)][a]
            try:
                blk["V"][p] = steps.aggregate_stack(choice, C, W, na=na, index=blk["index"], columns=kids)[0]
            except BatchError as exc:
                raise DataError(f"{p}: {exc}") from None
            assert blk["V"][p].shape == (m,)

    def _precompute(self, u, per_stack: int) -> None:
        """Data-driven weights of every node whose children are static, for every (data path,
        weighting choice, exclusion mask) the design uses, stacked across paths and masks (at most
        ``per_stack`` matrices a call) so that each method runs as a few large batch calls instead
        of many small ones."""
        keys = self._dp_keys(u)
        wid, _ = self._method_ids(u)
        mid = self._mask_ids_of(u)
        for p, kids in self.tree.items():
            if p in self.static or len(kids) == 1 or not all(c in self.static for c in kids):
                continue
            combos, _, first = unique_rows(np.column_stack([keys, wid[p], mid[p]]))
            masks = np.asarray(self._masks[p])
            todo: dict[tuple, list] = {}
            for row, r0 in zip(combos.tolist(), first.tolist(), strict=True):
                key, w, mk = tuple(row[:-2]), row[-2], row[-1]
                choice = self._choices[("weights", p)][w]
                if self._depends(choice, kids) != "static":
                    continue
                for b, blk in enumerate(self.paths[key]["blocks"]):
                    group = (w, int((~masks[mk]).sum()), len(blk["rows"]))
                    todo.setdefault(group, []).append((key, b, mk, r0))
            for (w, _, _), all_items in todo.items():
                choice = self._choices[("weights", p)][w]
                for i0 in range(0, len(all_items), per_stack):
                    self._precompute_stack(u, p, kids, w, choice, masks, all_items[i0:i0 + per_stack])

    def _precompute_stack(self, u, p, kids, w, choice, masks, items) -> None:
        blks = [self.paths[key]["blocks"][b] for key, b, _, _ in items]
        try:
            Wg = self._data(p, kids, choice, masks[[mk for _, _, mk, _ in items]], blks, None)
        except DataError as exc:
            r0 = items[getattr(exc, "g", 0)][3]
            raise self._named(u, 0, r0, f"weights of {p} ({choice['method']}): {exc}") from None
        for (key, b, mk, _), row in zip(items, Wg, strict=True):
            self._cache[("static", key, b, p, w, mk)] = row

    def _dp_keys(self, u):
        if not self.dp_idx:
            return np.zeros((len(u), 0), dtype=np.int64)
        return np.column_stack([self.factors[j].decode(u[:, j]) for j in self.dp_idx])

    # -- per-batch choices -------------------------------------------------------------------------
    def _intern_choice(self, section: str, parent: str, choice: dict) -> int:
        key = (section, parent)
        ids = self._choice_ids.setdefault(key, {})
        c = canonical(choice)
        if c not in ids:
            ids[c] = len(ids)
            self._choices.setdefault(key, []).append(choice)
        return ids[c]

    def _intern_mask(self, p: str, mask: tuple) -> int:
        table = self._mask_ids[p]
        if mask not in table:
            table[mask] = len(table)
            self._masks[p].append(np.array(mask, dtype=bool))
        return table[mask]

    def _method_ids(self, u):
        """Per parent: weighting and aggregation choice ids of each replication."""
        n = len(u)
        if self.method_idx:
            vals = np.column_stack([self.factors[j].decode(u[:, j]).astype(float) for j in self.method_idx])
            uniq, inv = np.unique(vals, axis=0, return_inverse=True)
            inv = inv.ravel()
        else:
            uniq, inv = np.zeros((1, 0)), np.zeros(n, dtype=np.int64)
        wids = {p: np.empty(len(uniq), dtype=np.int64) for p in self.tree}
        aids = {p: np.empty(len(uniq), dtype=np.int64) for p in self.tree}
        for r, row in enumerate(uniq):
            key = ("methods", tuple(row.tolist()))
            if key not in self._cache:
                doc = apply_values(json.loads(json.dumps(self.nominal_sections)),
                                   [(self.factors[j], v) for j, v in zip(self.method_idx, row, strict=True)])
                self._cache[key] = {p: (self._intern_choice("weights", p, w), self._intern_choice("aggregation", p, a))
                                    for p, (w, a) in self.plan.choices(doc).items()}
            for p, (w, a) in self._cache[key].items():
                wids[p][r], aids[p][r] = w, a
        return {p: wids[p][inv] for p in self.tree}, {p: aids[p][inv] for p in self.tree}

    def _mask_ids_of(self, u):
        n = len(u)
        if not self.excl_idx:
            combos, inv = np.zeros((1, 0), dtype=np.int64), np.zeros(n, dtype=np.int64)
        else:
            combos, inv, _ = unique_rows(np.column_stack([self.factors[j].decode(u[:, j]) for j in self.excl_idx]))
        ids = np.empty((len(self.tree), len(combos)), dtype=np.int64)
        for r, row in enumerate(map(tuple, combos.tolist())):
            key = ("masks", row)  # each combination's masks once per engine, not once per batch
            if key not in self._cache:
                gone = {self.factors[j].options[v] for j, v in zip(self.excl_idx, row, strict=True)}
                masks = []
                for p, kids in self.tree.items():
                    mask = tuple(k in gone for k in kids)
                    if all(mask):
                        raise DataError(f"exclusion leaves {p} with no children ({sorted(map(str, gone))})")
                    masks.append(self._intern_mask(p, mask))
                self._cache[key] = masks
            ids[:, r] = self._cache[key]
        return {p: ids[i][inv] for i, p in enumerate(self.tree)}

    # -- evaluation ---------------------------------------------------------------------------------
    def run(self, u: np.ndarray, start: int = 0, ids=None):
        """Composite (B × rows, float64) and ranks (B × rows) of design rows ``u``.

        A unit the replication's screening drops has a NaN composite and a NaN rank; the others
        are ranked among the units kept (within each year). Ranks are int32 when every prepared
        data path keeps every unit (:attr:`complete`), float64 otherwise. An error names the
        replication ``start + r`` of row r, or ``ids[r]`` when the rows are a selection."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        n = len(u)
        wid, aid = self._method_ids(u)
        mid = self._mask_ids_of(u)
        nid = {p: (self.factors[self.noise_of[p]].decode(u[:, self.noise_of[p]]) if p in self.noise_of
                   else np.full(n, -1, dtype=np.int64)) for p in self.tree}
        comp = np.full((n, len(self.rows)), np.nan)
        kept = np.zeros(comp.shape, dtype=bool)
        ukeys, kinv, _ = unique_rows(self._dp_keys(u))
        for g, key in enumerate(map(tuple, ukeys.tolist())):
            if key not in self.paths:
                raise DataError(f"data path {key} was not prepared; call Engine.prepare first")
            reps = np.flatnonzero(kinv == g)
            ctx = {"w": {p: a[reps] for p, a in wid.items()}, "a": {p: a[reps] for p, a in aid.items()},
                   "m": {p: a[reps] for p, a in mid.items()}, "n": {p: a[reps] for p, a in nid.items()}}
            path = self.paths[key]
            for b, blk in enumerate(path["blocks"]):
                try:
                    comp[np.ix_(reps, blk["rows"])] = self._block(key, b, blk, path["na"], ctx, len(reps))
                    kept[np.ix_(reps, blk["rows"])] = True
                except ReplicationError as exc:
                    raise self._named(u, start, reps[exc.row], str(exc), ids) from None
        bad = (~np.isfinite(comp) & kept).any(axis=1)
        if bad.any():
            r = int(np.flatnonzero(bad)[0])
            raise self._named(u, start, r, "the composite is not finite for some unit", ids)
        # the one ranking routine (build_index's too); screened-out units have no rank
        ranks = rank_rows(comp, [cols for _, cols in self.year_cols], self.rank_decimals)
        return comp, (ranks.astype(np.int32) if self.complete else ranks)

    def _clean(self, ck, choice, C, na) -> bool:
        """Whether a node's static children (one matrix per data path and block) pass the
        aggregation's data checks with every child live: checked once, then every batch skips
        the checks (:func:`~toolkit.index.steps.aggregation_checks`); when they fail, each
        batch runs them, and the first replication they stop is named."""
        if ck not in self._cache:
            self._cache[ck] = steps.aggregation_checks(choice, C[:1], na=na)
        return self._cache[ck]

    def _named(self, u, start, r, message, ids=None) -> DataError:
        vals = ", ".join(f"{f.name}={f.value_labels(f.decode(u[r:r + 1, j]))[0]}"
                         for j, f in enumerate(self.factors))
        which = start + int(r) if ids is None else int(ids[int(r)])
        return DataError(f"replication {which} ({vals}): {message}")

    def _block(self, key, b, blk, na, ctx, n):
        m = len(blk["rows"])
        zero = np.zeros(n, dtype=np.int64)
        vals = {c: (blk["V"][c][None, :], zero) for c in self.static}
        for p in self.order:
            if p in self.static:
                continue
            kids = self.tree[p]
            k = len(kids)
            static_kids = all(c in self.static for c in kids)
            sig = np.column_stack([vals[c][1] for c in kids] + [ctx["w"][p], ctx["m"][p], ctx["n"][p] + 1,
                                                                ctx["a"][p]])
            usig, inv, _ = unique_rows(sig)

            def gather(child_rows, kids=kids):
                """The children's values (G, m, k), units contiguous (stack_columns); one matrix
                broadcast when every signature shares the children's rows."""
                if (child_rows == child_rows[0]).all():
                    one = stack_columns([vals[c][0][child_rows[0, j]] for j, c in enumerate(kids)])
                    return np.broadcast_to(one, (len(child_rows),) + one.shape)
                return stack_columns([vals[c][0][child_rows[:, j]] for j, c in enumerate(kids)])

            try:
                W = self._weights(key, b, blk, p, usig[:, :k], usig[:, k], usig[:, k + 1], gather)
                W = self._noise(p, W, usig[:, k + 2] - 1)
                out = np.empty((len(usig), m))
                masks = np.asarray(self._masks[p])
                for a in np.unique(usig[:, k + 3]):
                    sel = np.flatnonzero(usig[:, k + 3] == a)
                    choice = self._choices[("aggregation", p)][int(a)]
                    excl = masks[usig[sel, k + 1]]
                    C = gather(usig[sel, :k])
                    try:
                        out[sel] = steps.aggregate_stack(choice, C, W[sel], na=na,
                                                         excluded=excl if excl.any() else None, index=blk["index"],
                                                         columns=kids, checked=static_kids and self._clean(
                                                             ("clean", key, b, p, int(a)), choice, C, na))
                    except BatchError as exc:
                        raise ReplicationError(int(sel[exc.g]), f"{p}: {exc}") from None
            except ReplicationError as exc:
                raise ReplicationError(int(np.flatnonzero(inv == exc.row)[0]), str(exc)) from None
            vals[p] = (out, inv)
        arr, inv = vals[self.root]
        return np.broadcast_to(arr[0], (n, m)) if self.root in self.static else arr[inv]
