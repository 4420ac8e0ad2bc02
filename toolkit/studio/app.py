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

__all__ = ["Studio", "method_choices"]

#: fixed weighting methods whose inputs the studio itself provides (sliders, the AHP editor)
STUDIO_FIXED_WEIGHTS = ("framework", "equal", "manual", "ahp")


def method_choices(section: str, language: str = "en") -> list[tuple[str, str, str]]:
    """The methods a level's selector offers, read from the registry when the studio opens (so a
    method registered from a notebook appears): ``(name, label, one line on what it does)``.

    Weighting: the fixed methods whose inputs the studio provides (framework, equal, manual
    sliders, the AHP editor) and every data-driven method that needs no setting; aggregation:
    every method that needs no parameter.

    Parameters
    ----------
    section : {"weights", "aggregation"}
    language : {"en", "zh"}
        The language of the labels and lines.

    Returns
    -------
    list of (name, label, summary)

    Examples
    --------
    >>> [n for n, _, _ in method_choices("aggregation")][:3]
    ['arithmetic', 'geometric', 'harmonic']
    >>> dict((n, label) for n, label, _ in method_choices("weights", "zh"))["entropy"]
    '熵权法'
    """
    from ..methods.registry import AGGREGATION, WEIGHTING

    if section == "weights":
        offered = [m for m in WEIGHTING if m.name in STUDIO_FIXED_WEIGHTS or (
            m.data_driven and not any(p.required for p in (*m.params, *m.settings)))]
    else:
        offered = [m for m in AGGREGATION if not any(p.required for p in (*m.params, *m.settings))]
    return [(m.name, m.label(language), m.summary(language)) for m in offered]


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
    levels : list
        Every level the index aggregates, top first (``index, dimension, indicator`` for the
        Shandong framework; ``index, sub-index, pillar`` for COINr's ASEM): each has its own
        weighting and aggregation selector.
    dimension_sliders : dict code → FloatSlider (weights of the index's children)
    dimension_picker : Dropdown (the block — a parent at any level below the index — whose
        children's weights the block sliders show)
    indicator_sliders : dict code → FloatSlider (the chosen block's children: its current weights;
        moving one gives the block manual weights, an override of its level's method)
    block_reset : Button (drops the chosen block's override)
    weight_method, aggregation_method : dict level → Dropdown
    ahp_target : Dropdown (the node whose children the AHP editor compares)
    ahp : AHPEditor
    summary, table, bump, message : ipywidgets.HTML outputs
    save_button, save_path : Button and Text
    result : IndexResult (the index under the current choices)
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
        self.dimensions = m.block_children(self.root)
        self.levels = m.aggregation_levels  # every level the index aggregates, top first
        self._quiet = False
        self.last_seconds = 0.0
        self.result = m.nominal
        slider = dict(min=0.0, max=1.0, step=0.01, readout_format=".2f", continuous_update=False,
                      style={"description_width": "220px"}, layout=w.Layout(width="460px"))

        def label(code):
            return f"{code} {fw.node(code).name('zh')}"

        self._slider = slider
        self._label = label
        top = m.current_weights(self.root, m.nominal)
        self.dimension_sliders = {c: w.FloatSlider(value=round(float(top.get(c, 0.2)), 2),
                                                   description=label(c), **slider) for c in self.dimensions}
        for s in self.dimension_sliders.values():
            s.observe(self._on_dimension_slider, names="value")
        blocks = m.blocks()
        first = next((b for b in blocks if fw.node(b).level == fw.dimension_level), blocks[0] if blocks else None)
        self.dimension_picker = w.Dropdown(options=[(f"{fw.node(b).level} · {label(b)}", b) for b in blocks],
                                           value=first, description="block", layout=w.Layout(width="460px"))
        self.dimension_picker.observe(self._on_pick, names="value")
        self.indicator_box = w.VBox()
        self.indicator_sliders: dict[str, w.FloatSlider] = {}
        self.block_reset = w.Button(description="back to the level's method", layout=w.Layout(width="220px"))
        self.block_reset.on_click(self._on_block_reset)
        self._build_indicator_sliders()

        self.weight_method, self.aggregation_method = {}, {}
        wopts = [name for name, _, _ in method_choices("weights")]
        aopts = [name for name, _, _ in method_choices("aggregation")]
        rows = []
        for level in self.levels:
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
            below = fw.levels[fw.levels.index(level) + 1]
            what = f"{below} → {level}"
            rows.append(w.HBox([w.HTML(f"<b>{escape(level)}</b><br><small>{escape(what)}</small>",
                                       layout=w.Layout(width="150px")),
                                self.weight_method[level], self.aggregation_method[level]]))

        self.ahp_target = w.Dropdown(options=[(label(self.root), self.root)] + [(label(b), b) for b in blocks],
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
        top_level = fw.levels[1]
        controls = w.VBox([
            w.HTML(f"{self._font_css()}<h3>Weighting studio · {escape(m.base.name)} · {m.year}</h3>{note}"),
            w.HTML("<b>Methods per level</b> (each level's weights and aggregation)"), *rows,
            w.HTML(f"<b>Weights in the index</b> ({escape(top_level)}; moving a slider switches the index "
                   "level to manual weights)"),
            *self.dimension_sliders.values(),
            w.HTML("<b>Weights within a block</b> (any level below the index: the sliders show the block's "
                   "current weights; moving one makes them manual for this block)"), self.dimension_picker,
            self.indicator_box, self.block_reset,
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
        units = self.model.nominal.units
        name = self.model.name_column
        text = "".join(units[name].astype(str).unique()) if name in units.columns else ""
        text += "".join(n.name("zh") for n in fw.nodes()) + "模拟数据"
        css = _font_face("".join(sorted(set(text))))
        return f"<style>{css}.widget-html-content,.widget-label,.widget-dropdown select,svg text{{font-family:" \
               f"'Noto Sans SC Embedded','Noto Sans SC',sans-serif}}</style>" if css else ""

    # -- building pieces ------------------------------------------------------------------------
    def _level_of(self, node: str) -> str:
        return self.model.framework.node(node).level

    def _override(self, node: str) -> dict:
        level = self._level_of(node)
        return dict((self.model.choices["weights"].get(level, {}).get("overrides") or {}).get(node, {}))

    def _block_values(self, node: str) -> dict:
        """What the block's sliders show: its manual values if it has them, else its current weights."""
        override = self._override(node)
        if override.get("method") == "manual":
            return {k: float(v) for k, v in override["values"].items()}
        weights = self.model.current_weights(node, self.result)
        return {k: float(v) for k, v in weights.fillna(0.0).items()}

    def _build_indicator_sliders(self) -> None:
        w = self._w
        block = self.dimension_picker.value
        self.indicator_sliders = {}
        if block is None:
            self.indicator_box.children = []
            return
        values = self._block_values(block)
        for k in self.model.block_children(block):
            s = w.FloatSlider(value=round(values.get(k, 0.0), 2), description=self._label(k), **self._slider)
            s.observe(self._on_indicator_slider, names="value")
            self.indicator_sliders[k] = s
        self.indicator_box.children = list(self.indicator_sliders.values())
        self.block_reset.disabled = not self._override(block)

    def _sync_sliders(self) -> None:
        """After a change, let the sliders show the weights now in force (quietly): the index's
        unless they are manual (then they are the user's), the chosen block's likewise."""
        self._quiet = True
        try:
            if self.weight_method[self.levels[0]].value != "manual":
                top = self.model.current_weights(self.root, self.result)
                for c, s in self.dimension_sliders.items():
                    s.value = round(float(top.get(c, 0.0)), 2)
            block = self.dimension_picker.value
            if block is not None and self._override(block).get("method") != "manual":
                values = self._block_values(block)
                for k, s in self.indicator_sliders.items():
                    s.value = round(values.get(k, 0.0), 2)
            if block is not None:
                self.block_reset.disabled = not self._override(block)
        finally:
            self._quiet = False

    def _build_ahp(self) -> None:
        node = self.ahp_target.value
        kids = self.model.block_children(node)
        names = {k: self.model.framework.node(k).name("zh") for k in kids}
        self.ahp = AHPEditor(kids, names=names, matrix=self._ahp_matrices.get(node), on_change=self._on_ahp)
        self.ahp_box.children = [self.ahp.widget]

    # -- callbacks ------------------------------------------------------------------------------
    def _on_dimension_slider(self, _change) -> None:
        if self._quiet:
            return
        self._quiet = True
        self.weight_method[self.levels[0]].value = "manual"
        self._quiet = False
        self._apply_level(self.levels[0])
        self.refresh()

    def _on_indicator_slider(self, _change) -> None:
        if self._quiet:
            return
        block = self.dimension_picker.value
        self.model.set_node_weights(block, {"method": "manual",
                                            "values": {k: float(s.value) for k, s in self.indicator_sliders.items()}})
        self.refresh()

    def _on_block_reset(self, _button) -> None:
        block = self.dimension_picker.value
        if block is not None:
            self.model.set_node_weights(block, None)
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
        level = self._level_of(node)
        if node != self.root:
            self.model.set_node_weights(node, {"method": "ahp", "matrix": {node: editor.matrix_spec()},
                                               "allow_inconsistent": True})
            self.refresh()
        elif self.weight_method[level].value == "ahp":
            self._apply_level(level)
            self.refresh()

    def _apply_level(self, level: str) -> None:
        """Set ``level``'s weighting and aggregation from its selectors (for every block of the
        level; a block's own override, from its sliders or the AHP editor, stays)."""
        method = self.weight_method[level].value
        if method == "manual" and level == self.levels[0]:
            choice = {"method": "manual", "values": {c: float(s.value) for c, s in self.dimension_sliders.items()}}
        elif method == "manual":  # the weights now in force, frozen; the sliders edit them block by block
            values = {}
            for b in self.model.blocks(level):
                values.update(self.model.current_weights(b, self.result).fillna(0.0).to_dict())
            choice = {"method": "manual", "values": {k: float(v) for k, v in values.items()}}
        elif method == "ahp":
            mats = {}
            for n in self.model.blocks(level):
                kids = self.model.block_children(n)
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
            result = self.model.evaluate()
            comp = self.model.comparison(result)
        except ToolkitError as exc:
            self.message.value = f"<p style='color:#d62728'><b>Not computed:</b> {escape(str(exc))}</p>"
            self.last_seconds = time.perf_counter() - t0
            return
        self.message.value = ""
        self.result = result
        self.comparison = comp
        self._sync_sliders()
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
