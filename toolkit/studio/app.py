"""The weighting studio (ipywidgets): sliders, method selectors, an AHP editor and live outputs.

Every widget change updates the :class:`~toolkit.studio.model.StudioModel` and re-renders the
outputs (rank table against the nominal ranks, bump chart, Spearman/Kendall, top N kept). The
studio holds no computation of its own; tests drive its widgets from Python.
"""

from __future__ import annotations

import time
from functools import lru_cache
from html import escape

import pandas as pd

from ..errors import ToolkitError
from .ahp_editor import AHPEditor
from .model import StudioModel
from .rankings import bump_svg

__all__ = ["AGGREGATION_CHOICES", "Studio", "WEIGHT_CHOICES"]

#: Weighting methods offered per level (those that need only the data or the studio's inputs).
WEIGHT_CHOICES = ("framework", "equal", "manual", "entropy", "critic", "pca", "ahp", "optimal")
#: Aggregation methods offered per level (filtered by what the registry holds).
AGGREGATION_CHOICES = ("arithmetic", "geometric", "harmonic", "topsis", "bod", "copeland")


def _accepted(section: str, methods) -> list[str]:
    """The offered methods that the registry of ``section`` knows."""
    from ..methods.registry import AGGREGATION, WEIGHTING

    reg = WEIGHTING if section == "weights" else AGGREGATION
    return [m for m in methods if m in reg]


@lru_cache(maxsize=8)
def _font_face(text: str) -> str:
    """The embedded CJK font subset for ``text`` (memoised: subsetting takes seconds)."""
    from ..viz.fonts import font_face_css

    return font_face_css(text)


class Studio:
    """The weighting studio on a checked return.

    Parameters
    ----------
    data : IndicatorData
    spec : base specification (path, mapping, IndexSpec or None)
    year : int, optional (default the latest)
    top_n : int
    save_path : str
        Default path of the "save spec" button (a relative path is taken from the repository root).

    Attributes
    ----------
    model : StudioModel
    widget : ipywidgets.VBox (display it)
    dimension_sliders : dict code → FloatSlider (weights of the dimensions in the index)
    indicator_sliders : dict code → FloatSlider (indicators of the chosen dimension)
    dimension_picker : Dropdown (which dimension's indicators the sliders show)
    weight_method, aggregation_method : dict level → Dropdown
    ahp_target : Dropdown (the node whose children the AHP editor compares)
    ahp : AHPEditor
    summary, table, bump, message : ipywidgets.HTML outputs
    save_button, save_path : Button and Text
    last_seconds : float (time of the last update)

    Examples
    --------
    >>> studio = Studio(toolkit.read_indicators("data/raw/demo_synthetic_returns.csv"))  # doctest: +SKIP
    >>> studio.dimension_sliders["L1"].value = 0.6  # doctest: +SKIP
    >>> studio.comparison.kept, studio.comparison.spearman  # doctest: +SKIP
    """

    def __init__(self, data, spec=None, year: int | None = None, top_n: int = 10,
                 save_path: str = "configs/studio.yaml"):
        import ipywidgets as w

        self._w = w
        self.model = m = StudioModel(data, spec, year=year, top_n=top_n)
        fw = m.framework
        self.root = fw.root.code
        self.dimensions = m.children(self.root)
        self._quiet = False
        self.last_seconds = 0.0
        nominal_w = m.nominal.weights
        block = nominal_w["block"].iloc[0]
        nominal_w = nominal_w[nominal_w["block"] == block].set_index("child")["weight"]
        slider = dict(min=0.0, max=1.0, step=0.01, readout_format=".2f", continuous_update=False,
                      style={"description_width": "220px"}, layout=w.Layout(width="460px"))

        def label(code):
            return f"{code} {fw.node(code).name('zh')}"

        self.dimension_sliders = {c: w.FloatSlider(value=round(float(nominal_w.get(c, 0.2)), 2),
                                                   description=label(c), **slider) for c in self.dimensions}
        for s in self.dimension_sliders.values():
            s.observe(self._on_dimension_slider, names="value")
        self.dimension_picker = w.Dropdown(options=[(label(c), c) for c in self.dimensions], value=self.dimensions[0],
                                           description="dimension", layout=w.Layout(width="460px"))
        self.dimension_picker.observe(self._on_pick, names="value")
        self.indicator_box = w.VBox()
        self.indicator_sliders: dict[str, w.FloatSlider] = {}
        self._nominal_w = nominal_w
        self._slider = slider
        self._label = label
        self._build_indicator_sliders()

        self.weight_method, self.aggregation_method = {}, {}
        levels = m.levels[:2]  # index (dimensions → index), dimension (indicators → dimension)
        wopts, aopts = _accepted("weights", WEIGHT_CHOICES), _accepted("aggregation", AGGREGATION_CHOICES)
        rows = []
        for level in levels:
            wm = m.weights_choice(level).get("method", "framework")
            am = m.aggregation_choice(level).get("method", "arithmetic")
            self.weight_method[level] = w.Dropdown(options=list(dict.fromkeys([wm, *wopts])), value=wm,
                                                   description="weights", layout=w.Layout(width="180px"),
                                                   style={"description_width": "55px"})
            self.aggregation_method[level] = w.Dropdown(options=list(dict.fromkeys([am, *aopts])), value=am,
                                                        description="aggregation", layout=w.Layout(width="200px"),
                                                        style={"description_width": "75px"})
            self.weight_method[level].observe(lambda ch, lv=level: self._on_method(lv), names="value")
            self.aggregation_method[level].observe(lambda ch, lv=level: self._on_method(lv), names="value")
            what = "dimensions → index" if level == levels[0] else "indicators → dimension"
            rows.append(w.HBox([w.HTML(f"<b>{level}</b><br><small>{what}</small>", layout=w.Layout(width="150px")),
                                self.weight_method[level], self.aggregation_method[level]]))

        self.ahp_target = w.Dropdown(options=[(label(self.root), self.root)] + [(label(c), c) for c in self.dimensions],
                                     value=self.root, description="AHP of", layout=w.Layout(width="460px"))
        self.ahp_target.observe(self._on_ahp_target, names="value")
        self.ahp_box = w.VBox()
        self.ahp = None
        self._ahp_matrices: dict[str, list] = {}
        self._build_ahp()

        self.summary, self.table, self.bump, self.message = w.HTML(), w.HTML(), w.HTML(), w.HTML()
        self.save_path = w.Text(value=save_path, description="save as", layout=w.Layout(width="460px"))
        self.save_button = w.Button(description="save spec YAML", icon="save")
        self.save_button.on_click(self._on_save)
        self.saved = w.HTML()
        note = ""
        if getattr(data, "is_synthetic", False):
            note = ("<p style='color:#b45309'><b>SYNTHETIC demo data 模拟数据</b> — not real returns.</p>")
        controls = w.VBox([
            w.HTML(f"{self._font_css()}<h3>Weighting studio · {escape(m.base.name)} · {m.year}</h3>{note}"),
            w.HTML("<b>Methods per level</b>"), *rows,
            w.HTML("<b>Dimension weights</b> (moving a slider switches the index level to manual weights)"),
            *self.dimension_sliders.values(),
            w.HTML("<b>Indicator weights within a dimension</b>"), self.dimension_picker, self.indicator_box,
            w.HTML("<b>AHP editor</b> (applies when a level's weights are <code>ahp</code>)"), self.ahp_target,
            self.ahp_box, w.HBox([self.save_path, self.save_button]), self.saved,
        ], layout=w.Layout(width="520px", min_width="520px"))
        outputs = w.VBox([self.message, self.summary, self.bump, self.table], layout=w.Layout(flex="1 1 auto"))
        self.widget = w.HBox([controls, outputs])
        self.widget.add_class("toolkit-studio")
        self.refresh()

    def _font_css(self) -> str:
        """A <style> embedding the CJK glyphs the studio shows (brain and indicator names), so a
        browser without a Chinese font (a served Voilà page) still renders them."""
        fw = self.model.framework
        text = "".join(self.model.nominal.units["brain_name"].astype(str).unique())
        text += "".join(n.name("zh") for n in fw.nodes()) + "模拟数据"
        css = _font_face("".join(sorted(set(text))))
        return f"<style>{css}.widget-html-content,.widget-label,.widget-dropdown select,svg text{{font-family:" \
               f"'Noto Sans SC Embedded','Noto Sans SC',sans-serif}}</style>" if css else ""

    # -- building pieces ------------------------------------------------------------------------
    def _build_indicator_sliders(self) -> None:
        w = self._w
        dim = self.dimension_picker.value
        kids = self.model.children(dim)
        override = (self.model.choices["weights"].get("dimension", {}).get("overrides") or {}).get(dim, {})
        values = override.get("values") if override.get("method") == "manual" else None
        self.indicator_sliders = {}
        for k in kids:
            v = float(values[k]) if values else float(self._nominal_w.get(k, 1.0 / len(kids)))
            s = w.FloatSlider(value=round(v, 2), description=self._label(k), **self._slider)
            s.observe(self._on_indicator_slider, names="value")
            self.indicator_sliders[k] = s
        self.indicator_box.children = list(self.indicator_sliders.values())

    def _build_ahp(self) -> None:
        node = self.ahp_target.value
        kids = self.model.children(node)
        names = {k: self.model.framework.node(k).name("zh") for k in kids}
        self.ahp = AHPEditor(kids, names=names, matrix=self._ahp_matrices.get(node), on_change=self._on_ahp)
        self.ahp_box.children = [self.ahp.widget]

    # -- callbacks ------------------------------------------------------------------------------
    def _on_dimension_slider(self, _change) -> None:
        if self._quiet:
            return
        self._quiet = True
        self.weight_method["index"].value = "manual"
        self._quiet = False
        self._apply_level("index")
        self.refresh()

    def _on_indicator_slider(self, _change) -> None:
        if self._quiet:
            return
        dim = self.dimension_picker.value
        self.model.set_node_weights(dim, {"method": "manual",
                                          "values": {k: float(s.value) for k, s in self.indicator_sliders.items()}})
        self.refresh()

    def _on_pick(self, _change) -> None:
        self._build_indicator_sliders()

    def _on_method(self, level: str) -> None:
        if self._quiet:
            return
        self._apply_level(level)
        self.refresh()

    def _on_ahp_target(self, _change) -> None:
        self._build_ahp()

    def _on_ahp(self, editor: AHPEditor) -> None:
        node = self.ahp_target.value
        self._ahp_matrices[node] = editor.matrix_spec()
        level = "index" if node == self.root else "dimension"
        if node != self.root:
            self.model.set_node_weights(node, {"method": "ahp", "matrix": {node: editor.matrix_spec()},
                                               "allow_inconsistent": True})
            self.refresh()
        elif self.weight_method[level].value == "ahp":
            self._apply_level(level)
            self.refresh()

    def _apply_level(self, level: str) -> None:
        method = self.weight_method[level].value
        if method == "manual" and level == "index":
            choice = {"method": "manual", "values": {c: float(s.value) for c, s in self.dimension_sliders.items()}}
        elif method == "manual":
            choice = {"method": "equal"}  # per-dimension manual weights are node overrides (the sliders)
        elif method == "ahp":
            nodes = [self.root] if level == "index" else self.dimensions
            mats = {}
            for n in nodes:
                kids = self.model.children(n)
                mats[n] = self._ahp_matrices.get(n) or [["1"] * len(kids) for _ in kids]
            choice = {"method": "ahp", "matrix": mats, "allow_inconsistent": True}
        else:
            choice = {"method": method}
        self.model.set_weights(level, choice)
        self.model.set_aggregation(level, self.aggregation_method[level].value)

    def _on_save(self, _button) -> None:
        from ..notebooks import resolve

        try:
            path = self.model.save(resolve(self.save_path.value))  # relative: to the repository root
            self.saved.value = f"saved <code>{escape(str(path))}</code>"
        except (ToolkitError, OSError) as exc:
            self.saved.value = f"<span style='color:#d62728'>not saved: {escape(str(exc))}</span>"

    # -- outputs --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute and re-render every output (called after each change)."""
        t0 = time.perf_counter()
        try:
            comp = self.model.comparison()
        except ToolkitError as exc:
            self.message.value = f"<p style='color:#d62728'><b>Not computed:</b> {escape(str(exc))}</p>"
            self.last_seconds = time.perf_counter() - t0
            return
        self.message.value = ""
        self.comparison = comp
        left = ", ".join(comp.left) or "none"
        entered = ", ".join(comp.entered) or "none"
        self.summary.value = (
            f"<p><b>Spearman ρ</b> {comp.spearman:.3f} · <b>Kendall τ</b> {comp.kendall:.3f} · "
            f"<b>top {comp.top_n} kept</b> {comp.kept}/{comp.top_n} (left: {escape(left)}; entered: "
            f"{escape(entered)})</p>")
        ranks = comp.table[["nominal", "current"]].sort_values("nominal")
        self.bump.value = bump_svg(ranks, width=560, row=11)
        t = comp.table.copy()
        t["composite"] = t["composite"].round(2)
        t["change"] = t["change"].map(lambda v: f"▲{v}" if v > 0 else (f"▼{-v}" if v < 0 else "–"))
        self.table.value = t.to_html(classes="studio-ranks", border=0)
        self.last_seconds = time.perf_counter() - t0

    def current_ranks(self) -> pd.Series:
        """The current ranks of the studio's year, indexed by unit_id."""
        return self.comparison.table["current"]
