"""The layouts and styles of a studio's widgets, one of each look, shared by the widgets that have it.

An ipywidgets layout or style is a widget of its own: a comm the kernel opens, a model the server
passes on and the page builds. Made per widget (ipywidgets' default), they were two thirds of a
studio's 257 widgets — and a served kernel makes the studio in both languages before its visitor
comes. A widget may share its layout or style with others (ipywidgets draws each view from the
shared model), so a studio asks :class:`Looks` for them: one instance per look, per studio (a
studio closed with its widgets closes its own looks only).
"""

from __future__ import annotations

__all__ = ["Looks"]


class Looks:
    """One ipywidgets ``Layout`` per set of traits, and one style per widget class and traits,
    each made at its first request.

    Examples
    --------
    >>> import ipywidgets as w
    >>> looks = Looks()
    >>> looks(width="70px") is looks(width="70px"), looks(width="70px") is looks(width="120px")
    (True, False)
    >>> type(looks.style(w.HTML)).__name__, looks.style(w.Dropdown, description_width="55px").description_width
    ('HTMLStyle', '55px')
    """

    def __init__(self):
        self._made: dict[tuple, object] = {}

    def __call__(self, **traits):
        """The shared ``ipywidgets.Layout(**traits)``."""
        import ipywidgets as w

        return self._make(w.Layout, traits)

    def style(self, widget: type, **traits):
        """The shared style of ``widget`` (an ipywidgets class: ``HTML``, ``Dropdown``,
        ``FloatSlider``…) with ``traits`` (``description_width``…)."""
        return self._make(widget.class_traits()["style"].klass, traits)

    def _make(self, cls: type, traits: dict):
        key = (cls, tuple(sorted(traits.items())))
        if key not in self._made:
            self._made[key] = cls(**traits)
        return self._made[key]
