"""AHP editor: a labelled pairwise matrix of Saaty-scale inputs with a live λmax, CI and CR, and
the judgements that make it inconsistent pointed out.

The numbers come from :func:`toolkit.methods.weighting.subjective.ahp`. The pairs pointed out are those
whose judgement departs most from the ratio the priorities imply, ``e_ij = a_ij · w_j / w_i``
(1 for a consistent matrix), largest ``|ln e_ij|`` first (Saaty 2003, "Decision-making with
the AHP: why is the principal eigenvector necessary", EJOR 145, 85–91, §4: revise the
judgement with the largest ``e_ij``).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from ..methods.weighting.subjective import ahp
from .looks import Looks
from .words import say

__all__ = ["AHPEditor", "SAATY_SCALE", "inconsistent_pairs", "saaty_label"]

#: Saaty's 1–9 scale and reciprocals, as (label, value), strongest for the column first.
SAATY_SCALE: list[tuple[str, float]] = (
    [(f"1/{k}", 1.0 / k) for k in range(9, 1, -1)] + [(str(k), float(k)) for k in range(1, 10)]
)


def saaty_label(value: float) -> str:
    """The Saaty label of a judgement (``3``, ``1/5``), else the number.

    Examples
    --------
    >>> saaty_label(0.2), saaty_label(3.0), saaty_label(2.5)
    ('1/5', '3', '2.5')
    """
    for label, v in SAATY_SCALE:
        if abs(v - value) < 1e-9:
            return label
    return f"{value:g}"


def inconsistent_pairs(matrix, labels=None, top: int = 3) -> pd.DataFrame:
    """The judgements that depart most from the priorities of the matrix.

    Parameters
    ----------
    matrix : array-like or DataFrame (n × n), positive reciprocal
    labels : sequence, optional
    top : int
        How many pairs to return (upper triangle only).

    Returns
    -------
    DataFrame with columns ``row, column, judgement, implied, error`` (``implied`` = w_i/w_j,
    ``error`` = |ln(a_ij w_j / w_i)|), largest error first.

    Examples
    --------
    Judgements from w = (8, 4, 2, 1) except a vs d, typed the wrong way round:

    >>> A = [[1, 2, 4, 1/8], [1/2, 1, 2, 4], [1/4, 1/2, 1, 2], [8, 1/4, 1/2, 1]]
    >>> inconsistent_pairs(A, list("abcd"), top=1)[["row", "column"]].values.tolist()
    [['a', 'd']]
    """
    res = ahp(matrix, labels=labels, allow_inconsistent=True)
    w = res.weights.to_numpy()
    A = matrix.to_numpy(dtype=float) if isinstance(matrix, pd.DataFrame) else np.asarray(matrix, dtype=float)
    names = list(res.weights.index)
    rows = []
    n = len(names)
    for i in range(n):
        for j in range(i + 1, n):
            implied = w[i] / w[j]
            rows.append({"row": names[i], "column": names[j], "judgement": float(A[i, j]), "implied": float(implied),
                         "error": float(abs(np.log(A[i, j] / implied)))})
    out = pd.DataFrame(rows, columns=["row", "column", "judgement", "implied", "error"])
    return out.sort_values("error", ascending=False, kind="stable").head(top).reset_index(drop=True)


class AHPEditor:
    """ipywidgets editor of one pairwise matrix (upper triangle; the lower is reciprocal).

    Parameters
    ----------
    labels : sequence of criterion codes
    names : mapping code → display name, optional
        What the rows, columns and messages show (the code where a name is missing).
    matrix : initial matrix (default all 1)
    on_change : callable(editor), optional
        Called after every edit.
    lang : {"en", "zh"}
        The language of the editor's words.
    looks : Looks, optional
        The layouts and styles to share (a studio's: :mod:`toolkit.studio.looks`); default its own.

    Attributes
    ----------
    widget : ipywidgets.VBox
    cells : dict (i, j) → Dropdown, for i < j
    status : ipywidgets.HTML (λmax, CI, CR and the pairs to revise)

    Examples
    --------
    >>> ed = AHPEditor(["a", "b", "c"])
    >>> ed.set("a", "b", 3)
    >>> ed.matrix_spec()[1][0], round(float(ed.result().weights["a"]), 2)
    ('1/3', 0.46)
    """

    def __init__(self, labels, names=None, matrix=None, on_change=None, lang: str = "en", looks: Looks | None = None):
        import html

        import ipywidgets as w

        look = looks if looks is not None else Looks()  # one layout and style per look (toolkit.studio.looks)
        text = {"style": look.style(w.HTML)}

        self.labels = list(labels)
        self.names = {c: str((names or {}).get(c) or c) for c in self.labels}
        self.lang = lang
        n = len(self.labels)
        A = np.ones((n, n)) if matrix is None else np.asarray(
            [[float(Fraction(str(v))) for v in row] for row in matrix], dtype=float)
        self.on_change = on_change
        options = [(lab, v) for lab, v in SAATY_SCALE]
        self.cells: dict[tuple[int, int], w.Dropdown] = {}
        grid = []
        label = {c: html.escape(n) for c, n in self.names.items()}
        side, cell = look(width="120px"), look(width="70px")
        head = [w.HTML(f"<b>{html.escape(say('ahp_corner', lang))}</b>", layout=side, **text)]
        head += [w.HTML(f"<b class='ahp-head'>{label[c]}</b>", layout=cell, **text) for c in self.labels]
        grid.append(w.HBox(head, layout=look()))
        for i, r in enumerate(self.labels):
            row = [w.HTML(f"<b>{label[r]}</b>", layout=side, **text)]
            for j in range(n):
                if j > i:
                    value = min(options, key=lambda o: abs(np.log(o[1]) - np.log(A[i, j])))[1]
                    d = w.Dropdown(options=options, value=value, layout=cell, style=look.style(w.Dropdown),
                                   description_allow_html=False)
                    d.observe(self._changed, names="value")
                    self.cells[(i, j)] = d
                    row.append(d)
                else:
                    row.append(w.HTML("1" if i == j else "", layout=cell, **text))
            grid.append(w.HBox(row, layout=look()))
        self.status = w.HTML(layout=look(max_width="100%"), **text)
        # the matrix scrolls sideways on a narrow screen (a phone); the status wraps
        self.widget = w.VBox([w.VBox(grid, layout=look(overflow_x="auto", max_width="100%")), self.status],
                             layout=look(max_width="100%"))
        self._update_status()

    @property
    def matrix(self) -> np.ndarray:
        """The current full reciprocal matrix."""
        n = len(self.labels)
        A = np.ones((n, n))
        for (i, j), d in self.cells.items():
            A[i, j] = d.value
            A[j, i] = 1.0 / d.value
        return A

    def matrix_spec(self) -> list[list[str]]:
        """The matrix as the spec writes it (strings such as ``"1/3"``)."""
        return [[saaty_label(v) for v in row] for row in self.matrix]

    def set(self, row: str, column: str, value: float) -> None:
        """Set judgement a[row, column] (either triangle) and update."""
        i, j = self.labels.index(row), self.labels.index(column)
        if i < j:
            self.cells[(i, j)].value = min((v for _, v in SAATY_SCALE), key=lambda v: abs(v - value))
        elif j < i:
            self.cells[(j, i)].value = min((v for _, v in SAATY_SCALE), key=lambda v: abs(v - 1.0 / value))

    def result(self):
        """The AHP result of the current matrix (never raises for inconsistency)."""
        return ahp(self.matrix, labels=self.labels, allow_inconsistent=True)

    def _update_status(self) -> None:
        import html

        r = self.result()
        ok = r.cr < 0.1
        colour = "#2ca02c" if ok else "#d62728"
        verdict = say("ahp_consistent" if ok else "ahp_inconsistent", self.lang)
        parts = [f"<span style='color:{colour}'>" + html.escape(say("ahp_stats", self.lang, lam=r.lambda_max, ci=r.ci,
                                                                   cr=r.cr, verdict=verdict)) + "</span>"]
        if len(self.labels) > 2:
            pairs = inconsistent_pairs(self.matrix, self.labels, top=3)
            if not ok:
                items = "".join("<li>" + html.escape(say("ahp_pair", self.lang, row=self.names[p.row],
                                                         column=self.names[p.column],
                                                         judged=saaty_label(p.judgement), implied=p.implied))
                                + "</li>" for p in pairs.itertuples())
                parts.append(f"<div class='ahp-pairs'>{html.escape(say('ahp_revise', self.lang))}<ul>{items}</ul></div>")
        sep = "、" if self.lang == "zh" else ", "
        parts.append(html.escape(say("ahp_weights", self.lang) + sep.join(
            f"{self.names[k]} {v:.3f}" for k, v in r.weights.items())))
        self.status.value = "<br>".join(parts)

    def _changed(self, _change) -> None:
        self._update_status()
        if self.on_change is not None:
            self.on_change(self)
