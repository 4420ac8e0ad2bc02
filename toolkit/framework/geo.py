"""Shandong's 16 prefecture-level cities and their GB/T 2260 codes."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml


@lru_cache(maxsize=1)
def _doc() -> dict:
    text = (resources.files("toolkit") / "reference" / "cities.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def cities() -> pd.DataFrame:
    """The 16 cities: index = GB/T 2260 code (str, e.g. ``"370100"``), columns zh, en.

    371200 (莱芜市, merged into 济南 in 2019) is deliberately absent.

    Returns
    -------
    pandas.DataFrame
        One row per city, indexed by its six-digit code, with columns ``zh`` and ``en``.

    Examples
    --------
    >>> table = cities()
    >>> table.shape
    (16, 2)
    >>> table.loc["370100", "zh"], table.loc["370100", "en"]
    ('济南市', 'Jinan')
    >>> "371200" in table.index
    False
    """
    return pd.DataFrame(_doc()["cities"]).set_index("code")


def city_code(name: str) -> str | None:
    """GB/T 2260 code of a city given its Chinese name with or without 市, or its English name.

    Parameters
    ----------
    name : str
        ``"济南市"``, ``"济南"`` or ``"Jinan"`` (English names match case-insensitively).

    Returns
    -------
    str or None
        The six-digit code, or None when no Shandong city has that name.

    Examples
    --------
    >>> city_code("济南"), city_code("青岛市"), city_code("qingdao")
    ('370100', '370200', '370200')
    >>> city_code("莱芜") is None
    True
    """
    key = str(name).strip()
    for code, row in cities().iterrows():
        if key in (row["zh"], row["zh"].removesuffix("市")) or key.lower() == row["en"].lower():
            return code
    return None


def city_name(code: str, lang: str = "zh") -> str | None:
    """Name of the city with GB/T 2260 code ``code``.

    Parameters
    ----------
    code : str
        Six-digit code, e.g. ``"370200"``.
    lang : {"zh", "en"}
        Language of the name.

    Returns
    -------
    str or None
        The name, or None when the code is not one of the 16 cities.

    Examples
    --------
    >>> city_name("370200"), city_name("370200", "en")
    ('青岛市', 'Qingdao')
    >>> city_name("371200") is None
    True
    """
    table = cities()
    return table.loc[code, lang] if code in table.index else None
