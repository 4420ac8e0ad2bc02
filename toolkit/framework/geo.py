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
    """
    return pd.DataFrame(_doc()["cities"]).set_index("code")


def city_code(name: str) -> str | None:
    """GB/T 2260 code of a city given its Chinese name with or without 市, or its English name."""
    key = str(name).strip()
    for code, row in cities().iterrows():
        if key in (row["zh"], row["zh"].removesuffix("市")) or key.lower() == row["en"].lower():
            return code
    return None


def city_name(code: str, lang: str = "zh") -> str | None:
    table = cities()
    return table.loc[code, lang] if code in table.index else None
