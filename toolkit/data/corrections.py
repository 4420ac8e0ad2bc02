"""Which file of a round corrects which (the correction rule of docs/collect.md).

- a file whose name ends in ``更正``, ``修正``, ``correction`` or ``corrected`` (after a space,
  ``_``, ``-`` or in brackets, optionally followed by a number: ``济南市_更正.xlsx``,
  ``jinan (correction 2).csv``) corrects the file of the same folder with the same name without
  that ending (any format);
- or a file has a column ``corrects`` (``更正``, ``更正的文件``) naming the file it corrects;
- a valid correction replaces every row of the file it corrects; a correction with problems
  replaces nothing (the earlier file stays, and both are shown);
- corrections of corrections chain: the latest replaces every earlier one, whatever the order
  of the files in the folder (``yantai_july.csv`` naming ``yantai_june.csv``, which names
  ``yantai_may.csv``: only July's rows are collected);
- numbered corrections of one file by the name rule are read in their order (no number counts
  as 1): ``烟台市_更正2.csv`` replaces ``烟台市_更正.csv`` as well as ``烟台市.csv``;
- two files that would replace each other (each naming the other) replace nothing: both are
  collected, and a remark says why.
"""

from __future__ import annotations

import re
from pathlib import Path

CORRECTION_NAME = re.compile(
    r"^(?P<base>.*?)[\s_\-—.·]*[（(]?\s*(?:更正|修正|corrections?|corrected)\s*(?P<n>\d*)\s*[)）]?$", re.IGNORECASE)


def correction_base(stem: str) -> str | None:
    """The name a file corrects by the name rule, or None.

    Examples
    --------
    >>> correction_base("济南市_更正"), correction_base("jinan (correction 2)"), correction_base("济南市")
    ('济南市', 'jinan', None)
    """
    m = CORRECTION_NAME.match(stem)
    return m["base"] if m and m["base"] else None


def correction_number(stem: str) -> int:
    """The number of a correction by the name rule (1 when it has none; 0 for a file that is none).

    Examples
    --------
    >>> correction_number("济南市_更正"), correction_number("jinan (correction 2)"), correction_number("济南市")
    (1, 2, 0)
    """
    m = CORRECTION_NAME.match(stem)
    return 0 if not (m and m["base"]) else int(m["n"] or 1)


def _targets(r, returns: list, by_dir: dict[str, list]) -> tuple[str | None, list]:
    """The name ``r`` declares it corrects (column first, else its name) and the returns it names."""
    base = correction_base(Path(r.name).stem)
    wanted = r.corrects or base
    if not wanted:
        return None, []
    if r.corrects:
        return wanted, [s for s in returns if s is not r and s.status != "copy"
                        and wanted in (s.name, Path(s.name).name, Path(s.name).stem)]
    folder = r.name.rpartition("/")[0]
    return wanted, [s for s in by_dir[folder] if s is not r and s.status != "copy" and Path(s.name).stem == base]


def resolve_corrections(returns: list) -> None:
    """Apply the correction rule (module docstring) in place: set ``status``, ``other`` and remarks.

    Parameters
    ----------
    returns : list of toolkit.data.collect.Return
        From :func:`toolkit.data.collect.read_returns` (copies already marked ``copy``).
    """
    by_dir: dict[str, list] = {}
    for r in returns:
        by_dir.setdefault(r.name.rpartition("/")[0], []).append(r)
    edges: dict[int, list] = {}  # id(correction) -> the returns it replaces
    for r in returns:
        if r.status == "copy":
            continue
        wanted, targets = _targets(r, returns, by_dir)
        if wanted is None:
            continue
        if not targets:
            r.remarks.append((f"声明为对 {wanted} 的更正，但文件夹中没有该文件：按普通文件收集",
                              f"declares itself a correction of {wanted}, which is not in the folder: collected as "
                              "an ordinary return"))
            continue
        if not r.valid:
            r.remarks.append((f"对 {targets[0].name} 的更正有问题，未采用：仍使用原文件",
                              f"correction of {targets[0].name} has problems and was not applied: the earlier file stays"))
            continue
        edges[id(r)] = targets
    # numbered corrections of one file by the name rule: the highest number also replaces the lower ones
    by_target: dict[int, list] = {}
    for r in returns:
        if id(r) in edges and not r.corrects:
            for t in edges[id(r)]:
                by_target.setdefault(id(t), []).append(r)
    for rivals in by_target.values():
        latest = max(rivals, key=lambda s: correction_number(Path(s.name).stem))
        top = correction_number(Path(latest.name).stem)
        edges[id(latest)] += [r for r in rivals if correction_number(Path(r.name).stem) < top
                              and r not in edges[id(latest)]]
    # files that would replace each other (directly or along a chain): none of them replaces
    node = {id(r): r for r in returns}

    def reaches(a, b) -> bool:
        seen, todo = set(), [a]
        while todo:
            for t in edges.get(id(todo.pop()), []):
                if t is b:
                    return True
                if id(t) not in seen:
                    seen.add(id(t))
                    todo.append(t)
        return False

    cyclic = {k for k in edges if reaches(node[k], node[k])}
    for k in cyclic:
        node[k].remarks.append(("与其所更正的文件互相声明为更正：未采用，按普通文件收集",
                                "it and the file it corrects name each other as corrections: not applied, "
                                "collected as an ordinary return"))
    applied = {k: ts for k, ts in edges.items() if k not in cyclic}
    replaced = {id(t) for ts in applied.values() for t in ts}
    for k, targets in applied.items():
        node[k].status, node[k].other = "correction", " / ".join(t.name for t in targets)
    for k, targets in sorted(applied.items(), key=lambda kv: kv[0] not in replaced):
        for t in targets:  # replaced by the correction that stays, when a chain gives several
            t.status, t.other = "replaced", node[k].name
