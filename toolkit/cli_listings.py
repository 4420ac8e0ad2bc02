"""The tables the ``framework`` and ``methods`` commands print: the codebook of a framework and the
methods of every step (from the methods registry), with headings and words in Chinese or English.
"""

from __future__ import annotations

from .cli_text import LANGS, check_lang

__all__ = ["FRAMEWORK_COLUMNS", "METHOD_COLUMNS", "codebook", "methods_table"]

#: column headings of the codebook (``framework`` command)
FRAMEWORK_COLUMNS = {
    "zh": {"code": "代码", "dimension": "维度", "name_zh": "名称", "unit": "单位", "type": "类型",
           "direction": "方向"},
    "en": {"code": "code", "dimension": "dimension", "name_en": "name", "unit": "unit", "type": "type",
           "direction": "direction"},
}


#: words of the codebook's type and direction columns
_TYPES = {"amount": ("金额", "amount"), "count": ("计数", "count"), "share": ("比例", "share"),
          "ratio": ("比率", "ratio"), "signed": ("可为负", "signed"), "ordinal": ("等级", "ordinal"),
          "checklist": ("勾选项", "checklist"), "binary": ("是/否", "binary")}
_DIRECTIONS = {1: ("正向", "benefit"), -1: ("逆向", "cost")}


def codebook(framework, lang: str):
    """The table the ``framework`` command prints: one row per indicator, in ``lang``.

    Parameters
    ----------
    framework : Framework
        The framework (:func:`toolkit.load_framework`).
    lang : {"zh", "en"}
        Language of the headings, names, types and directions.

    Returns
    -------
    DataFrame
        Columns code, dimension, name, unit, type, direction (headings in ``lang``).

    Examples
    --------
    >>> import toolkit
    >>> book = codebook(toolkit.load_framework(), "zh")
    >>> list(book.columns), book.iloc[0].tolist()
    (['代码', '维度', '名称', '单位', '类型', '方向'], ['L1P1', 'L1', '产业规模', '亿元', '金额', '正向'])
    """
    check_lang(lang)
    i = LANGS.index(lang)
    table = framework.indicators[["dimension", f"name_{lang}", "unit", "type", "direction"]]
    table = table.rename_axis("code").reset_index()
    table["type"] = [_TYPES.get(t, (t, t))[i] for t in table["type"]]
    table["direction"] = [_DIRECTIONS.get(d, (d, d))[i] for d in table["direction"]]
    return table.rename(columns=FRAMEWORK_COLUMNS[lang])


METHOD_COLUMNS = {"zh": {"step": "步骤", "method": "方法", "label": "名称", "does": "说明"},
                  "en": {"step": "step", "method": "method", "label": "name", "does": "what it does"}}


def methods_table(lang: str, step: str | None = None):
    """The table the ``methods`` command prints, generated from the methods registry
    (:func:`toolkit.methods.registry.table`), in ``lang``.

    Parameters
    ----------
    lang : {"zh", "en"}
    step : str, optional
        Only this step (a registry's step, or ``imputation``/``normalisation``/``weighting``/
        ``aggregation``).

    Returns
    -------
    DataFrame
        Columns step, method, label, what it does (headings in ``lang``).

    Examples
    --------
    >>> t = methods_table("zh", "weighting")
    >>> t.set_index("方法").loc["entropy", "名称"]
    '熵权法'
    """
    from .methods.registry import registry_of, table

    check_lang(lang)
    rows = table(lang)
    if step is not None:
        rows = rows[rows["step"] == registry_of(step).step]
    return rows[["step", "method", "label", "does"]].rename(columns=METHOD_COLUMNS[lang]).reset_index(drop=True)
