"""Where the public data sets of ../shared/data are (README there): beside the repository, or
where ``TOOLKIT_SHARED_DATA`` points (a git worktree elsewhere). Tests skip without them."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TOOLKIT_SHARED_DATA") or ROOT.parent / "shared" / "data")
