"""The checks of an index specification: every section, method, parameter, level and node
against the registries (:mod:`toolkit.methods.registry`) and the framework, each failure a
:class:`~toolkit.errors.SpecError` naming the key (:func:`toolkit.index.spec.load_spec` runs them)."""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import SpecError


def suggest_key(key, allowed) -> str:
    from ..framework.units import suggest

    return suggest(key, allowed)


def _one_of(value, allowed, what: str, where: str) -> None:
    if value not in allowed:
        raise SpecError(f"{where}: {what} must be one of {list(allowed)}, got {value!r}")


def _keys(d: Mapping, allowed: set, what: str, where: str) -> None:
    extra = set(d) - allowed
    if extra:
        raise SpecError(f"{where}: unknown key(s) {sorted(extra)} in {what}; allowed: {sorted(allowed)}")


def _mapping(value, what: str, where: str, example: str) -> None:
    if not isinstance(value, Mapping):
        raise SpecError(f"{where}: {what} must be a mapping such as {example}, got {value!r}")


def check_sections(s: dict, where: str, fw) -> None:
    """Every choice of the spec dict ``s`` (plain, every section present) against the registries
    (:mod:`toolkit.methods.registry`) and the framework ``fw``; raises :class:`SpecError` naming
    the key (``where``: the file or "spec")."""
    from ..framework.tree import index_tree
    from ..methods import registry as reg

    if s["spec_version"] != 1:
        raise SpecError(f"{where}: unsupported spec_version {s['spec_version']!r} (expected 1)")
    for section in ("panel", "denomination", "imputation", "screening", "outliers", "normalisation", "weights",
                    "aggregation", "ranking"):
        _mapping(s[section], section, where, "{method: …}")
    _keys(s["panel"], {"scope"}, "panel", where)
    _one_of(s["panel"]["scope"], ("pooled", "per_year"), "panel.scope", where)
    if s["years"] is not None and not (isinstance(s["years"], list) and s["years"]
                                       and all(isinstance(y, int) and not isinstance(y, bool) for y in s["years"])):
        raise SpecError(f"{where}: years must be a non-empty list of integers or null, got {s['years']!r}")
    if s["years"] is not None and len(set(s["years"])) != len(s["years"]):
        twice = sorted({y for y in s["years"] if s["years"].count(y) > 1})
        raise SpecError(f"{where}: years names {twice} more than once")
    if not isinstance(s["name"], str) or not s["name"].strip():
        raise SpecError(f"{where}: name must be a non-empty text (it names the run folder), got {s['name']!r}")
    imp = s["imputation"]
    _keys(imp, {"panel", "method", "by", "params"}, "imputation", where)
    reg.PANEL.get(imp["panel"], where, "imputation.panel")
    imputer = reg.IMPUTATION.get(imp["method"], where, "imputation.method")
    if imputer.grouped:
        _one_of(imp["by"], tuple(fw.group_columns), f"imputation.by (needed by group methods; the group "
                f"columns framework {fw.id} declares)", where)
    elif imp["by"] is not None:
        raise SpecError(f"{where}: imputation.by is only used by "
                        f"{'/'.join(m.name for m in reg.IMPUTATION if m.grouped)}, not {imp['method']!r}")
    reg.IMPUTATION.check_params(imp["method"], imp["params"], f"{where}: imputation.params")
    _check_denomination(s["denomination"], fw, where, reg)
    scr = s["screening"]
    _keys(scr, {"method"} | {p.name for m in reg.SCREENING for p in m.params}, "screening", where)
    method = reg.SCREENING.get(scr["method"], where, "screening.method")
    for p in reg.SCREENING["byNA"].params:
        p.check(scr.get(p.name, p.default), f"{where}: screening.{p.name}", method.name)
    rk = s["ranking"]
    _keys(rk, {"round"}, "ranking", where)
    if rk["round"] is not None and (isinstance(rk["round"], bool) or not isinstance(rk["round"], int)
                                    or rk["round"] < 0):
        raise SpecError(f"{where}: ranking.round must be a number of decimals (0, 1, 2, …) or null, "
                        f"got {rk['round']!r}")
    out = s["outliers"]
    treat_keys = {p.name for m in reg.TREATMENT for p in m.params}
    _keys(out, {"method", "skip_types", "skip"} | treat_keys, "outliers", where)
    method = reg.TREATMENT.get(out["method"], where, "outliers.method")
    for p in method.params:
        p.check(out.get(p.name, p.default), f"{where}: outliers.{p.name}", method.name)
    for key in ("skip_types", "skip"):
        if not isinstance(out[key], list) or not all(isinstance(c, str) for c in out[key]):
            raise SpecError(f"{where}: outliers.{key} must be a list of names, got {out[key]!r}")
    for code in out["skip"]:
        if code not in fw:
            raise SpecError(f"{where}: outliers.skip names {code!r}, which is not in framework {fw.id}")
    full, fw = fw, _without_excluded(s, fw, where)
    if fw is not full:  # settings keyed by an excluded code have nothing left to set
        from ..framework.exclude import gone_codes, scrub

        s = scrub(s, gone_codes(full, fw))
    _check_normalisation(s["normalisation"], where, fw, reg)
    from .params import check_indicator_params

    check_indicator_params(s, fw, where)
    tree = index_tree(fw)
    parents = fw.levels[:-1]
    for section in ("weights", "aggregation"):
        for level, choice in s[section].items():
            if level not in parents:
                raise SpecError(f"{where}: {section}.{level}: no such parent level; the framework's "
                                f"levels that have children are {list(parents)}")
            what = f"{section}.{level}"
            _mapping(choice, what, where, "{method: equal}")
            overrides = choice.get("overrides") or {}
            _mapping(overrides, f"{what}.overrides", where, "{L1: {method: entropy}}")
            nodes = [p for p in tree if fw.node(p).level == level]
            for node, o in overrides.items():
                if node not in fw or fw.node(node).level != level:
                    raise SpecError(f"{where}: {what}.overrides names {node!r}, which is not "
                                    f"a {level} of framework {fw.id}")
                _mapping(o, f"{what}.overrides.{node}", where, "{method: entropy}")
            base = {k: v for k, v in choice.items() if k != "overrides"}
            check = _check_weights if section == "weights" else _check_aggregation
            rest = [p for p in nodes if p not in overrides]
            check(base, what, where, reg, fw, tree, rest, top=True)
            for node, o in overrides.items():
                if "overrides" in o:
                    raise SpecError(f"{where}: {what}.overrides.{node}: an override cannot have overrides")
                check({**base, **o}, f"{what}.overrides.{node}", where, reg, fw, tree, [node], top=False)
    _check_optimal_parents(s, where, fw, tree)


def _without_excluded(s: dict, fw, where: str):
    """The framework the rest of the spec is checked against: without the ``exclude:`` codes."""
    from ..framework.exclude import without

    exclude = s.get("exclude")
    if exclude is None:
        return fw
    if not isinstance(exclude, list) or not all(isinstance(c, str) for c in exclude):
        raise SpecError(f"{where}: exclude must be a list of indicator or aggregate codes, got {exclude!r}")
    return without(fw, exclude, where)


def _node_choice(section: Mapping, level: str, node: str) -> dict:
    choice = dict(section.get(level) or {})
    over = (choice.pop("overrides", None) or {}).get(node) or {}
    return {**choice, **over}


def _check_optimal_parents(s: dict, where: str, fw, tree) -> None:
    """``optimal`` weights equalise each child's correlation with the weighted *arithmetic* mean
    of the children; under another aggregation they would optimise an index that is not built."""
    for node, kids in tree.items():
        if len(kids) < 2:
            continue
        level = fw.node(node).level
        w = _node_choice(s["weights"], level, node)
        methods = [w.get("method")] + [sub.get("method") for sub in w.get("of") or [] if isinstance(sub, Mapping)]
        if "optimal" not in methods:
            continue
        a = _node_choice(s["aggregation"], level, node)
        method = a.get("method", "arithmetic")
        p = (a.get("params") or {}).get("p", 1.0)
        if isinstance(p, Mapping):
            p = p.get(node, 1.0)
        if method == "arithmetic" or (method == "generalised_mean" and p == 1):
            continue
        raise SpecError(f"{where}: weights.{level}: optimal weights for {node} equalise the children's correlations "
                        f"with their weighted arithmetic mean, but aggregation.{level} is {method!r}; use "
                        "arithmetic aggregation there, or another weighting")


def _check_denomination(den, fw, where: str, reg) -> None:
    _keys(den, {"method", "by"}, "denomination", where)
    reg.DENOMINATION.get(den["method"], where, "denomination.method")
    by = den["by"] or {}
    if not isinstance(by, Mapping):
        raise SpecError(f"{where}: denomination.by must map indicator → denominator column, got {by!r}")
    if by and den["method"] == "none":
        raise SpecError(f"{where}: denomination.by is given but denomination.method is none")
    columns = set(fw.unit_role("denominator"))
    for code, d in by.items():
        if code not in fw.columns:
            raise SpecError(f"{where}: denomination.by names {code!r}, which is not a data column of framework "
                            f"{fw.id}{suggest_key(code, fw.columns)}")
        column = d.get("denominator") if isinstance(d, Mapping) else d
        if d is not None and column not in columns:
            raise SpecError(f"{where}: denomination.by.{code}: {column!r} is not a denominator column of framework "
                            f"{fw.id}; declared: {sorted(columns)}")
        scale = d.get("scale", 1) if isinstance(d, Mapping) else 1
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not scale > 0:
            raise SpecError(f"{where}: denomination.by.{code}.scale must be a positive number, got {scale!r}")


def _check_normalisation(norm: Mapping, where: str, fw, reg) -> None:
    _keys(norm, {"method", "params", "overrides"}, "normalisation", where)

    def one(method, params, what):
        reg.NORMALISATION.get(method, where, f"{what}.method")
        reg.NORMALISATION.check_params(method, params, f"{where}: {what}.params")
        for p in reg.NORMALISATION[method].params:
            value = (params or {}).get(p.name)
            if p.per_indicator and isinstance(value, Mapping):
                unknown = [c for c in value if c not in fw]
                if unknown:
                    raise SpecError(f"{where}: {what}.params.{p.name} names {unknown}, not in framework {fw.id}"
                                    f"{suggest_key(unknown[0], [n.code for n in fw.leaves()])}")

    one(norm["method"], norm["params"], "normalisation")
    overrides = norm["overrides"] or {}
    _mapping(overrides, "normalisation.overrides", where, "{L1P1: {method: rank}}")
    for code, o in overrides.items():
        if code not in fw:
            raise SpecError(f"{where}: normalisation.overrides names {code!r}, which is not in framework {fw.id}")
        _mapping(o, f"normalisation.overrides.{code}", where, "{method: rank}")
        _keys(o, {"method", "params"}, f"normalisation.overrides.{code}", where)
        m = o.get("method", norm["method"])
        one(m, o.get("params", norm["params"] if m == norm["method"] else {}), f"normalisation.overrides.{code}")


def _choice_nodes(tree, fw, nodes, top) -> list:
    """The parents a level's choice (``top``) reaches: all of its level (an override that sets no
    ``params`` keeps the level's), or the one node of an override."""
    if not top or not nodes:
        return list(nodes)
    level = fw.node(nodes[0]).level
    return [p for p in tree if fw.node(p).level == level]


def _check_aggregation(choice, what, where, reg, fw, tree, nodes, top) -> None:
    from .params import check_node_params

    entry = reg.AGGREGATION.get(choice.get("method"), where, f"{what}.method")
    _keys(choice, {"method", "params"}, what, where)
    reg.AGGREGATION.check_params(entry.name, choice.get("params"), f"{where}: {what}.params")
    check_node_params(entry, choice.get("params") or {}, _choice_nodes(tree, fw, nodes, top), f"{where}: {what}.params")
    if entry.name == "bod":
        _check_bod_blocks(entry, choice.get("params") or {}, nodes, tree, what, where)


def _check_bod_blocks(entry, params, nodes, tree, what, where) -> None:
    """BoD's share bounds, parent by parent: k children can meet them only when
    k·lower ≤ 1 ≤ k·upper (a parent with one child needs upper ≥ 1)."""
    from ..methods.aggregation.bod import check_share_bounds
    from .params import node_params

    for node in nodes:
        p = node_params(entry, params, node)
        lo, hi = p.get("lower"), p.get("upper")
        check_share_bounds(lo, hi, len(tree[node]), where=f"{where}: {what}.params (parent {node})")


def _check_weights(choice, what, where, reg, fw, tree, nodes, top, nested=False) -> None:
    entry = reg.WEIGHTING.get(choice.get("method"), where, f"{what}.method")
    if nested and entry.name == "combine":
        raise SpecError(f"{where}: {what}: a combination cannot combine another combination")
    _keys(choice, {"method", "params"} | {p.name for p in entry.settings}, f"{what} ({entry.name})", where)
    reg.WEIGHTING.check_params(entry.name, choice.get("params"), f"{where}: {what}.params")
    from .params import check_node_params

    check_node_params(entry, choice.get("params") or {}, _choice_nodes(tree, fw, nodes, top), f"{where}: {what}.params")
    for p in entry.settings:
        if p.name in choice:
            p.check(choice[p.name], f"{where}: {what}", entry.name)
        elif p.required:
            raise SpecError(f"{where}: {what}: {entry.name} weights need `{p.name}`: {p.doc}")
    kids_of = {n: tree[n] for n in nodes if len(tree[n]) > 1}
    level_kids = {k for n in tree if fw.node(n).level == fw.node(nodes[0]).level for k in tree[n]} if nodes else set()
    if entry.name == "manual":
        values = choice["values"]
        stray = [k for k in values if k not in level_kids]
        if stray and nodes:
            raise SpecError(f"{where}: {what}.values names {stray}, which are not children of a "
                            f"{fw.node(nodes[0]).level} of framework {fw.id} (known: {sorted(level_kids)})")
        for k, v in values.items():
            x = reg.as_number(v)
            if x is None or x < 0:
                raise SpecError(f"{where}: {what}.values.{k}: a weight must be a non-negative number or a "
                                f"simple fraction such as 1/3, got {v!r}")
        for n, kids in kids_of.items():
            absent = [k for k in kids if k not in values]
            if absent:
                raise SpecError(f"{where}: {what}.values: no weight for {absent} (children of {n})")
            if not sum(reg.as_number(values[k]) for k in kids) > 0:
                raise SpecError(f"{where}: {what}.values: the weights of the children of {n} sum to 0")
    if entry.name == "ahp":
        matrix = choice["matrix"]
        for n, A in matrix.items():
            if n not in tree or (nodes and fw.node(n).level != fw.node(nodes[0]).level):
                raise SpecError(f"{where}: {what}.matrix names {n!r}, which is not a parent at this level")
            size = len(tree[n])
            ok = isinstance(A, list) and len(A) == size and all(isinstance(r, list) and len(r) == size for r in A)
            if not ok:
                raise SpecError(f"{where}: {what}.matrix.{n} must be a {size}×{size} list of rows "
                                f"(children {tree[n]})")
            for r in A:
                for v in r:
                    if reg.as_number(v) is None or reg.as_number(v) <= 0:
                        raise SpecError(f"{where}: {what}.matrix.{n}: judgement {v!r} is not a positive number "
                                        "or a simple fraction such as 1/3")
        for n in kids_of:
            if n not in matrix:
                raise SpecError(f"{where}: {what}: AHP needs a pairwise matrix for {n} (children {tree[n]})")
    if entry.name == "combine":
        of = choice["of"]
        if len(of) < 2:
            raise SpecError(f"{where}: {what}: combine needs `of:` with at least two weight choices")
        rule = reg.COMBINATION.get(choice.get("combine", reg.COMBINATION.default), where, f"{what}.combine")
        coef = choice.get("coefficients")
        if coef is not None:
            if rule.name != "linear":
                raise SpecError(f"{where}: {what}.coefficients only apply to combine: linear, not {rule.name!r}")
            labels = [f"{i}:{sub.get('method') if isinstance(sub, Mapping) else sub}" for i, sub in enumerate(of)]
            if isinstance(coef, Mapping) and set(coef) != set(labels):
                raise SpecError(f"{where}: {what}.coefficients must be keyed by {labels}, got {sorted(coef)}")
            if not isinstance(coef, Mapping) and len(coef) != len(of):
                raise SpecError(f"{where}: {what}.coefficients: {len(coef)} given for {len(of)} weight choices")
        for i, sub in enumerate(of):
            _mapping(sub, f"{what}.of[{i}]", where, "{method: critic}")
            _check_weights(sub, f"{what}.of[{i}]", where, reg, fw, tree, nodes, top=False, nested=True)
