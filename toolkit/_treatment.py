"""Private helpers shared by :mod:`toolkit.impute` and :mod:`toolkit.outliers`.

Both write a tidy log of every changed cell (``old`` and ``new`` as float); :func:`_log_frame`
builds it. Not part of the public API (see :mod:`toolkit.treat`).
"""

from __future__ import annotations

import pandas as pd

# ----------------------------------------------------------------------------------------
# Shared helpers
# ----------------------------------------------------------------------------------------


def _log_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=columns)
    for col in ("old", "new"):
        frame[col] = frame[col].astype(float)
    return frame.reset_index(drop=True)
