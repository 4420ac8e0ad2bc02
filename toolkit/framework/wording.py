"""The words a report uses for a framework's units, regions, peer groups and levels.

A framework file may carry a ``reporting`` block saying what its units are called and which
unit columns the reports compare by, so a report on the HDI speaks of countries and a report on
the Shandong framework of 产业大脑, with no branch on the framework's id anywhere. Every key is
optional; unknown keys are an error that names the closest valid one.

``unit``
    the unit noun: ``zh``, ``en`` and ``en_plural`` (default 单位 / unit, units).
``region``
    the unit column the reports use as the region (Shandong: ``city``): ``column`` and,
    optionally, the noun (``zh``, ``zh_short`` as in 本市, ``en``, ``en_plural``; default from
    the column's labels) and ``detail``, a unit column shown after the region in a unit's
    headline (Shandong: ``county``; left out of an English page when it is in Chinese). Without
    it the region sections (city reports, same-city means, the tile map) are left out.
``peers``
    the unit column whose units are each other's peers (Shandong: ``industry``): ``column``,
    ``zh``, ``en``, ``en_plural``. Without it a report lists the units of nearest profile.
``whole``
    what all the regions together make (Shandong: 全省 / province, provincial): ``zh``, ``en``,
    ``en_adjective``. With it, data covering every region compare with the "provincial mean".
``levels``
    per level name (``dimension``, ``pillar``…): ``zh``, ``en``, ``en_plural`` (default: the
    level name itself, plural + s).
``title``
    the overview page's title: ``zh``, ``en`` (default: the index name + 评价总览 / : overview).
``name_en``
    an English name composed from unit columns, e.g. ``"{city} {industry} Industrial Brain"``,
    used when each named column's value has an English name and the Chinese name ends with the
    unit noun; otherwise the name is shown as written.

>>> w = parse_wording({"unit": {"zh": "国家", "en": "country", "en_plural": "countries"}},
...                   ["index", "dimension", "indicator"], {}, "f")
>>> w.unit.en_plural, w.level("dimension").zh, w.region_column
('countries', 'dimension', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import FrameworkError
from .units import check_keys, suggest

KEYS = ("unit", "region", "peers", "whole", "levels", "title", "name_en")
NOUN_KEYS = ("zh", "en", "en_plural")
_COLUMN_KEYS = ("column", "zh", "zh_short", "en", "en_plural")
_WHOLE_KEYS = ("zh", "en", "en_adjective")
_ZH_NUMBERS = "零一两三四五六七八九十"
_EN_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
               "twelve")


@dataclass(frozen=True)
class Noun:
    """A noun in both languages: Chinese, its short form (市 for 城市), English singular and plural,
    and an English adjective (``provincial``).

    Examples
    --------
    >>> Noun("国家", "country", "countries").en_plural
    'countries'
    """

    zh: str
    en: str
    en_plural: str
    zh_short: str = ""
    en_adjective: str = ""


@dataclass(frozen=True)
class Wording:
    """What a framework's reports call things (see the module docstring).

    Examples
    --------
    >>> w = Wording(Noun("产业大脑", "brain", "brains"), region_column="city",
    ...             region=Noun("城市", "city", "cities", "市"))
    >>> w.words("en", "dimension", 5)["Units"], w.words("zh", "dimension", 5)["region_short"]
    ('Brains', '市')
    """

    unit: Noun = Noun("单位", "unit", "units")
    region_column: str | None = None
    region: Noun | None = None
    peer_column: str | None = None
    peers: Noun | None = None
    whole: Noun | None = None
    levels: dict = field(default_factory=dict, hash=False, compare=False)
    title: tuple[str, str] | None = None
    name_en: str | None = None
    region_detail: str | None = None

    def level(self, name: str) -> Noun:
        """The noun of level ``name`` (declared, else the level name itself)."""
        return self.levels.get(name) or Noun(name, name, name + "s")

    def words(self, lang: str, dim_level: str, n_dims: int) -> dict[str, str]:
        """The placeholders of the report texts in ``lang``: ``unit``, ``units``, ``Unit``,
        ``Units``, ``region``, ``Region``, ``region_short``, ``peer``, ``Peer``, ``whole``,
        ``Whole``, ``whole_adj``, ``Whole_adj``, ``dim``, ``dims``, ``Dim``, ``Dims`` and
        ``n_dims`` (the number of dimensions in words: 五 / five).

        A region or peer word is absent when the framework declares no such column, so a text
        that needs it cannot be shown by mistake (formatting it raises KeyError).

        Examples
        --------
        >>> Wording().words("en", "pillar", 8)["n_dims"], Wording().words("zh", "pillar", 2)["n_dims"]
        ('eight', '两')
        """
        zh = lang == "zh"
        out: dict[str, str] = {}

        def add(key: str, noun: Noun | None) -> None:
            if noun is None:
                return
            if zh:
                for k in (key, key + "s", key.capitalize(), key.capitalize() + "s"):
                    out[k] = noun.zh
                out[key + "_short"] = noun.zh_short or noun.zh
            else:
                out[key], out[key + "s"] = noun.en, noun.en_plural
                out[key.capitalize()], out[key.capitalize() + "s"] = capitalise(noun.en), capitalise(noun.en_plural)

        add("unit", self.unit)
        add("region", self.region)
        add("peer", self.peers)
        add("dim", self.level(dim_level))
        whole = self.whole or Noun("样本", "sample", "samples", en_adjective="sample")
        out["whole"] = out["Whole"] = whole.zh if zh else whole.en
        if not zh:
            out["Whole"] = capitalise(whole.en)
        adj = whole.zh if zh else (whole.en_adjective or whole.en)
        out["whole_adj"], out["Whole_adj"] = adj, adj if zh else capitalise(adj)
        out["n_dims"] = count_word(n_dims, lang)
        return out


def capitalise(s: str) -> str:
    """The first letter in capitals (``brain`` → ``Brain``; ``GDP group`` unchanged).

    >>> capitalise("brain"), capitalise("GDP group")
    ('Brain', 'GDP group')
    """
    return s[:1].upper() + s[1:]


def lower_first(s: str) -> str:
    """A label as a noun inside a sentence: ``City`` → ``city``, ``GDP group`` unchanged.

    >>> lower_first("City"), lower_first("GDP group")
    ('city', 'GDP group')
    """
    return s if len(s) > 1 and s[1].isupper() else s[:1].lower() + s[1:]


def count_word(n: int, lang: str) -> str:
    """A small count in words (五 / five; two is 两 before a measure word), else in digits.

    >>> count_word(5, "zh"), count_word(5, "en"), count_word(2, "zh"), count_word(28, "en")
    ('五', 'five', '两', '28')
    """
    if lang == "zh":
        return _ZH_NUMBERS[n] if 0 <= n < len(_ZH_NUMBERS) else str(n)
    return _EN_NUMBERS[n] if 0 <= n < len(_EN_NUMBERS) else str(n)


def _text(raw: dict, key: str, ctx: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise FrameworkError(f"{ctx}: {key} must be text, got {value!r}")
    return value.strip()


def _noun(raw, ctx: str, keys, default: Noun | None = None) -> Noun:
    if not isinstance(raw, dict):
        raise FrameworkError(f"{ctx}: must be a mapping of {list(keys)}, got {raw!r}")
    check_keys(raw, keys, ctx)
    d = default or Noun("", "", "")
    zh, en = _text(raw, "zh", ctx) or d.zh, _text(raw, "en", ctx) or d.en
    if not zh and not en:
        raise FrameworkError(f"{ctx}: give zh and/or en")
    zh, en = zh or en, en or zh
    plural = _text(raw, "en_plural", ctx) or (d.en_plural if en == d.en and d.en_plural else en + "s")
    return Noun(zh, en, plural, _text(raw, "zh_short", ctx) or d.zh_short, _text(raw, "en_adjective", ctx))


def _unit_column(col, ctx: str, unit_columns: dict) -> str:
    col = str(col)
    if col not in unit_columns:
        raise FrameworkError(f"{ctx}: {col!r} is not a declared unit column"
                             f"{suggest(col, unit_columns)}; unit columns: {sorted(unit_columns)}")
    return col


def _column(raw, name: str, where: str, unit_columns: dict) -> tuple[str | None, Noun | None, str | None]:
    if raw is None:
        return None, None, None
    ctx = f"{where}: reporting.{name}"
    if not isinstance(raw, dict) or not raw.get("column"):
        raise FrameworkError(f"{ctx}: must be a mapping with a column (one of the unit columns)")
    keys = (*_COLUMN_KEYS, "detail") if name == "region" else _COLUMN_KEYS
    check_keys(raw, keys, ctx)
    col = _unit_column(raw["column"], f"{ctx}: column", unit_columns)
    detail = _unit_column(raw["detail"], f"{ctx}: detail", unit_columns) if raw.get("detail") else None
    c = unit_columns[col]
    default = Noun(c.label_zh or c.label_en or col, lower_first(c.label_en or c.label_zh or col), "")
    rest = {k: v for k, v in raw.items() if k not in ("column", "detail")}
    return col, _noun(rest, ctx, _COLUMN_KEYS, default), detail


def parse_wording(raw, levels, unit_columns: dict, where: str) -> Wording:
    """Check and build the ``reporting`` block of a framework file.

    Parameters
    ----------
    raw : mapping or None (the generic words)
    levels : the framework's level names
    unit_columns : name → UnitColumn of the declared unit columns
    where : the file, for messages

    Returns
    -------
    Wording

    Raises
    ------
    FrameworkError
        For an unknown key (naming the closest valid one), a column that is not a unit
        column, a level the framework does not have, or a name template naming an unknown column.

    Examples
    --------
    >>> parse_wording({"unit": {"zh": "国家", "en": "country", "en_plural": "countries"}}, ["index", "dimension"], {},
    ...               "f").unit.en_plural
    'countries'
    >>> parse_wording({"unti": {}}, ["index"], {}, "f")
    Traceback (most recent call last):
    ...
    toolkit.errors.FrameworkError: f: reporting: unknown key 'unti' (did you mean 'unit'?); allowed: ['levels', 'name_en', 'peers', 'region', 'title', 'unit', 'whole']
    """
    if raw is None:
        return Wording()
    if not isinstance(raw, dict):
        raise FrameworkError(f"{where}: reporting must be a mapping of {sorted(KEYS)}, got {raw!r}")
    check_keys(raw, KEYS, f"{where}: reporting")
    unit = _noun(raw["unit"], f"{where}: reporting.unit", NOUN_KEYS) if "unit" in raw else Wording().unit
    region_column, region, detail = _column(raw.get("region"), "region", where, unit_columns)
    peer_column, peers, _ = _column(raw.get("peers"), "peers", where, unit_columns)
    whole = _noun(raw["whole"], f"{where}: reporting.whole", _WHOLE_KEYS) if "whole" in raw else None
    lv = raw.get("levels") or {}
    if not isinstance(lv, dict):
        raise FrameworkError(f"{where}: reporting.levels must map level names to nouns, got {lv!r}")
    check_keys(lv, list(levels), f"{where}: reporting.levels")
    level_nouns = {str(k): _noun(v, f"{where}: reporting.levels.{k}", NOUN_KEYS, Noun(str(k), str(k), str(k) + "s"))
                   for k, v in lv.items()}
    title = None
    if "title" in raw:
        t = _noun(raw["title"], f"{where}: reporting.title", ("zh", "en"))
        title = (t.zh, t.en)
    name_en = raw.get("name_en")
    if name_en is not None:
        names = re.findall(r"{(\w+)}", str(name_en))
        bad = [n for n in names if n not in unit_columns]
        if bad or not names:
            raise FrameworkError(f"{where}: reporting.name_en {name_en!r} must name unit columns in braces, "
                                 f"e.g. '{{city}} …'; unknown: {bad}")
        name_en = str(name_en)
    return Wording(unit, region_column, region, peer_column, peers, whole, level_nouns, title, name_en, detail)
