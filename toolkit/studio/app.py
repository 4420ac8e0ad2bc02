"""The weighting studio (ipywidgets): sliders, method selectors, an AHP editor and live outputs.

Every widget change updates the :class:`~toolkit.studio.model.StudioModel` and re-renders the
outputs (rank table against the nominal ranks, bump chart, Spearman/Kendall, top N kept). The
studio holds no computation of its own; tests drive its widgets from Python.
"""

from __future__ import annotations

import time
from html import escape

import pandas as pd

from ..errors import ToolkitError
from .ahp_editor import AHPEditor
from .glyphs import font_style
from .looks import Looks
from .model import StudioModel
from .rankings import bump_svg
from .words import all_text, method_choices
from .words import say as _t

__all__ = ["Studio", "method_choices", "studio_text", "unit_names"]


def unit_names(model: StudioModel, lang: str) -> dict:
    """unit_id → the unit's name in ``lang`` for the model's year (the reports' rule)."""
    from ..reports.text import unit_name

    units = model.nominal.units
    if "year" in units.index.names:
        units = units.xs(model.year, level="year")
    fw = model.framework
    return {u: unit_name({"unit_id": u, **row}, lang, fw) for u, row in units.to_dict("index").items()}


def studio_text(model: StudioModel) -> str:
    """Every character a studio on ``model`` may show, in either language (its font's subset)."""
    return all_text(model.framework, [*unit_names(model, "zh").values(), *unit_names(model, "en").values()])

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
    lang : {"en", "zh"}
        The studio's language: its words, the registry's method names with one line each, the
        names of units and nodes (the studio notebook passes its ``lang`` parameter, zh by default).

    Attributes
    ----------
    model : StudioModel
        Built from ``data``, ``spec``, ``year`` and ``top_n`` unless given (the served page
        prepares it before the visitor's language is known: :mod:`toolkit.studio.page`).
    embed_font : bool
        Embed the CJK font subset in the widget (False where the page already carries it:
        :func:`toolkit.studio.page.intro`).
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
                 save_path: str = "configs/studio.yaml", lang: str = "en", model: StudioModel | None = None,
                 embed_font: bool = True):
        import ipywidgets as w

        self.lang = lang
        from ..reports.text import level_name

        self._w = w
        self._looks = look = Looks()  # one layout and style per look, shared (toolkit.studio.looks)
        text = {"style": look.style(w.HTML), "layout": look()}
        self.model = m = model if model is not None else StudioModel(data, spec, year=year, top_n=top_n)
        fw = m.framework
        self.root = fw.root.code
        self.dimensions = m.block_children(self.root)
        self.levels = m.aggregation_levels  # every level the index aggregates, top first
        self._quiet = False
        self.last_seconds = 0.0
        self.result = m.nominal
        slider = dict(min=0.0, max=1.0, step=0.01, readout_format=".2f", continuous_update=False,
                      style=look.style(w.FloatSlider, description_width="40%"), layout=look(width="460px", max_width="100%"))

        def label(code):  # a name in the studio's language, never a code
            return fw.node(code).name(lang)

        self._slider = slider
        self._label = label
        top = m.current_weights(self.root, m.nominal)
        self.dimension_sliders = {c: w.FloatSlider(value=round(float(top.get(c, 0.2)), 2),
                                                   description=label(c), **slider) for c in self.dimensions}
        for s in self.dimension_sliders.values():
            s.observe(self._on_dimension_slider, names="value")
        blocks = m.blocks()
        first = next((b for b in blocks if fw.node(b).level == fw.dimension_level), blocks[0] if blocks else None)
        self.dimension_picker = w.Dropdown(options=[(f"{level_name(fw, fw.node(b).level, lang)} · {label(b)}", b)
                                                    for b in blocks],
                                           value=first, description=_t("block", lang),
                                           layout=look(width="460px", max_width="100%"), style=look.style(w.Dropdown))
        self.dimension_picker.observe(self._on_pick, names="value")
        self.indicator_box = w.VBox(layout=look())
        self.indicator_sliders: dict[str, w.FloatSlider] = {}
        self.block_reset = w.Button(description=_t("reset", lang), layout=look(width="220px", max_width="100%"),
                                    style=look.style(w.Button))
        self.block_reset.on_click(self._on_block_reset)
        self._build_indicator_sliders()

        self.weight_method, self.aggregation_method = {}, {}
        # the registry's names in the studio's language, each with its one line on what it does
        wchoices, achoices = method_choices("weights", lang), method_choices("aggregation", lang)
        self.method_lines = {n: line for n, _, line in (*wchoices, *achoices)}
        wlabels, alabels = {n: lab for n, lab, _ in wchoices}, {n: lab for n, lab, _ in achoices}
        self.method_help: dict[str, object] = {}
        rows = []
        for level in self.levels:
            wm = m.weights_choice(level).get("method", "framework")
            am = m.aggregation_choice(level).get("method", "arithmetic")
            self.weight_method[level] = w.Dropdown(
                options=[(wlabels.get(n, n), n) for n in dict.fromkeys([wm, *wlabels])], value=wm,
                description=_t("weights", lang), layout=look(width="180px"),
                style=look.style(w.Dropdown, description_width="55px"))
            self.aggregation_method[level] = w.Dropdown(
                options=[(alabels.get(n, n), n) for n in dict.fromkeys([am, *alabels])], value=am,
                description=_t("aggregation", lang), layout=look(width="200px"),
                style=look.style(w.Dropdown, description_width="75px"))
            self.weight_method[level].observe(lambda ch, lv=level: self._on_method(lv), names="value")
            self.aggregation_method[level].observe(lambda ch, lv=level: self._on_method(lv), names="value")
            below = fw.levels[fw.levels.index(level) + 1]
            what = f"{level_name(fw, below, lang)} → {level_name(fw, level, lang)}"
            self.method_help[level] = w.HTML(layout=look(width="500px", max_width="100%"), style=text["style"])
            rows.append(w.HBox([w.HTML(f"<b>{escape(level_name(fw, level, lang))}</b><br><small>{escape(what)}</small>",
                                       layout=look(width="150px"), style=text["style"]),
                                self.weight_method[level], self.aggregation_method[level]],
                               layout=look(flex_flow="row wrap", max_width="100%")))  # wraps on a phone
            rows.append(self.method_help[level])
            self._explain(level)

        self.ahp_target = w.Dropdown(options=[(label(self.root), self.root)] + [(label(b), b) for b in blocks],
                                     value=self.root, description=_t("ahp_of", lang),
                                     layout=look(width="460px", max_width="100%"), style=look.style(w.Dropdown))
        self.ahp_target.observe(self._on_ahp_target, names="value")
        self.ahp_box = w.VBox(layout=look())
        self.ahp = None
        self._ahp_matrices: dict[str, list] = {}
        self._build_ahp()

        self.summary, self.table, self.bump, self.message = (w.HTML(**text) for _ in range(4))
        self.save_path = w.Text(value=save_path, description=_t("save_as", lang),
                                layout=look(width="460px", max_width="100%"), style=look.style(w.Text))
        self.save_button = w.Button(description=_t("save", lang), icon="save", layout=look(), style=look.style(w.Button))
        self.save_button.on_click(self._on_save)
        self.saved = w.HTML(**text)
        note = ""
        if getattr(data, "is_synthetic", False):
            note = f"<p style='color:#b45309'><b>{escape(_t('synthetic', lang))}</b></p>"
        top_level = level_name(fw, fw.levels[1], lang)
        controls = w.VBox([
            w.HTML(f"{self._font_css() if embed_font else ''}<h3>{escape(_t('title', lang))} · {escape(fw.title(lang))} · {m.year}</h3>{note}", **text),
            w.HTML(f"<b>{escape(_t('methods', lang))}</b>", **text), *rows,
            w.HTML(f"<b>{escape(_t('index_weights', lang, level=top_level))}</b>", **text),
            *self.dimension_sliders.values(),
            w.HTML(f"<b>{escape(_t('block_weights', lang))}</b>", **text), self.dimension_picker,
            self.indicator_box, self.block_reset,
            w.HTML(f"<b>{escape(_t('ahp', lang))}</b>", **text), self.ahp_target,
            self.ahp_box, w.HBox([self.save_path, self.save_button], layout=look(flex_flow="row wrap", max_width="100%")),
            self.saved,
        ], layout=look(width="520px", min_width="0", max_width="100%"))
        outputs = w.VBox([self.message, self.summary, self.bump, self.table],
                         layout=look(flex="1 1 auto", min_width="0", overflow_x="auto"))
        # the controls and the outputs wrap onto two rows on a narrow screen (a phone), never cut off
        self.widget = w.HBox([controls, outputs], layout=look(flex_flow="row wrap", max_width="100%"))
        self.widget.add_class("toolkit-studio")
        self.refresh()

    def _font_css(self) -> str:
        """A <style> embedding the glyphs of every character the studio may show, in both
        languages (:func:`toolkit.studio.words.all_text`), so a browser without a Chinese font (a
        served Voilà page) draws every word, the ones a later change shows too."""
        return font_style(studio_text(self.model))

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
        fw = self.model.framework
        names = {k: fw.node(k).short(self.lang) for k in kids}
        self.ahp = AHPEditor(kids, names=names, matrix=self._ahp_matrices.get(node), on_change=self._on_ahp,
                             lang=self.lang, looks=self._looks)
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

    def _explain(self, level: str) -> None:
        """One line each on what the level's chosen weighting and aggregation do (from the registry)."""
        lines = [self.method_lines.get(self.weight_method[level].value, ""),
                 self.method_lines.get(self.aggregation_method[level].value, "")]
        self.method_help[level].value = "<small style='color:#555'>" + "<br>".join(
            escape(x) for x in lines if x) + "</small>"

    def _on_method(self, level: str) -> None:
        self._explain(level)
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
            self.saved.value = f"{escape(_t('saved', self.lang))} <code>{escape(str(path))}</code>"
        except (ToolkitError, OSError) as exc:
            self.saved.value = f"<span style='color:#d62728'>{escape(_t('not_saved', self.lang))}{escape(str(exc))}</span>"

    # -- outputs --------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute and re-render every output (called after each change)."""
        t0 = time.perf_counter()
        try:
            result = self.model.evaluate()
            comp = self.model.comparison(result)
        except ToolkitError as exc:
            self.message.value = (f"<p style='color:#d62728'><b>{escape(_t('not_computed', self.lang))}</b>"
                                  f"{escape(str(exc))}</p>")
            self.last_seconds = time.perf_counter() - t0
            return
        self.message.value = ""
        self.result = result
        self.comparison = comp
        self._sync_sliders()
        lang = self.lang
        sep = "、" if lang == "zh" else ", "
        name = self.unit_names()
        left = sep.join(name.get(u, u) for u in comp.left) or _t("none", lang)
        entered = sep.join(name.get(u, u) for u in comp.entered) or _t("none", lang)
        self.summary.value = "<p>" + escape(_t("agreement", lang, s=comp.spearman, k=comp.kendall, n=comp.top_n,
                                                kept=comp.kept, left=left, entered=entered)) + "</p>"
        ranks = comp.table[["nominal", "current"]].sort_values("nominal")
        ranks = ranks.set_axis([name.get(u, u) for u in ranks.index]).rename(
            columns={"nominal": _t("nominal", lang), "current": _t("current", lang)})
        self.bump.value = f"<div style='overflow-x:auto'>{bump_svg(ranks, width=560, row=11)}</div>"
        self.table.value = self.rank_table_html(comp.table)
        self.last_seconds = time.perf_counter() - t0

    def unit_names(self, lang: str | None = None) -> dict:
        """unit_id → the unit's name in ``lang`` (default the studio's language; the reports' rule)."""
        return unit_names(self.model, lang or self.lang)

    def rank_table_html(self, table: pd.DataFrame) -> str:
        """The rank table: names, nominal and current rank, change and composite, in the studio's words."""
        lang = self.lang
        name = self.unit_names()
        head = [_t("rank_nominal", lang), _t("rank_current", lang), _t("change", lang), _t("composite", lang)]
        from ..reports.scale import result_scale

        fmt = result_scale(self.model.nominal).fmt  # the run's scale and precision, as the reports show
        rows = []
        for u, r in table.sort_values("current").iterrows():
            ch = int(r["change"]) if r["change"] == r["change"] else 0
            change = f"▲{ch}" if ch > 0 else (f"▼{-ch}" if ch < 0 else "–")
            rows.append(f"<tr><td>{escape(str(name.get(u, u)))}</td><td>{int(r['nominal'])}</td>"
                        f"<td>{int(r['current'])}</td><td>{change}</td>"
                        f"<td data-score='{escape(str(u))}|{self.root}|{self.model.year}'>{fmt(r['composite'])}</td></tr>")
        cells = "".join(f"<th>{escape(h)}</th>" for h in ["", *head])
        return (f"<div style='overflow-x:auto'><table class='studio-ranks'><thead><tr>{cells}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table></div>")

    def current_ranks(self) -> pd.Series:
        """The current ranks of the studio's year, indexed by unit_id."""
        return self.comparison.table["current"]
