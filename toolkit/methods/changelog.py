"""The change log shared by :mod:`toolkit.methods.imputation.impute` and :mod:`toolkit.methods.treatment.outliers`.

Both write a tidy log of every changed cell (``old`` and ``new`` as float); :func:`change_log`
builds it. Not part of the public API (see :mod:`toolkit.methods.treatment.treat`).
"""

from __future__ import annotations

import pandas as pd

# ----------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------


def change_log(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """A tidy log of changed cells: one row per cell, with ``old`` and ``new`` as float."""
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("old", "new"):
        frame[col] = frame[col].astype(float)
    return frame.reset_index(drop=True)
