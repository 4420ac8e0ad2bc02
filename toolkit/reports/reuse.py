"""Whether a run can reuse a results bundle: the digests a bundle records (its source's sha256, the
spec's and the framework's, the toolkit's version, the replications and the seed) compared with
what a run wants, its own bundle or another run's in the same output folder, and the targets a
saved bundle holds, read without loading the rest.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..publish.staging import resumable_staging

__all__ = ["bundle_matches", "bundle_targets", "matching_bundle", "source_digest", "up_to_date_bundle"]


def source_digest(data_path: Path) -> str | None:
    """The sha256 of a raw return's bytes, as its bundle records it (``None`` for a processed
    parquet file, whose source is named inside it, or a file that cannot be read: reading it in
    full says why)."""
    if data_path.suffix == ".parquet":
        return None
    from ..data.collect import file_sha256

    try:
        return file_sha256(data_path)
    except OSError:
        return None


def bundle_matches(bundle_dir: Path, wanted: dict) -> bool:
    """True when the bundle in ``bundle_dir`` records exactly ``wanted`` (its source's sha256,
    the spec's and the framework's, the toolkit's version, the replications and the seed).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "meta.json").write_text('{"source_sha256": "ab", "seed": 1, "spec": "x"}')
    >>> bundle_matches(d, {"source_sha256": "ab", "seed": 1}), bundle_matches(d, {"source_sha256": "cd", "seed": 1})
    (True, False)
    >>> bundle_matches(d / "missing", {"seed": 1})
    False
    """
    try:
        meta = json.loads((bundle_dir / "meta.json").read_text("utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and all(meta.get(k) == v for k, v in wanted.items())


def up_to_date_bundle(final_dir: Path, out: Path, wanted: dict) -> Path | None:
    """The bundle a run into ``final_dir`` will use without computing, if one records ``wanted``:
    its own (in the staging copy a killed run left, else in the published run folder), else
    another run's in ``out`` (:func:`matching_bundle`)."""
    staging = resumable_staging(final_dir)
    own = (staging if staging.is_dir() else final_dir) / "_bundle"
    if bundle_matches(own, wanted):
        return own
    return matching_bundle(out, wanted)


def bundle_targets(bundle_dir: Path, region: str | None):
    """The ids, years and regions of a saved bundle's summary (what ``--only`` and ``--year``
    are checked against), read without the rest of the bundle."""
    import pyarrow.parquet as pq

    path = bundle_dir / "summary.parquet"
    names = set(pq.read_schema(path).names)
    return pq.read_table(path, columns=[c for c in ("unit_id", "year", region) if c in names]).to_pandas()


def matching_bundle(out: Path, wanted: dict) -> Path | None:
    """A bundle of another run in ``out`` computed from the same inputs, if there is one."""
    for meta_path in sorted(out.glob("*/_bundle/meta.json")):
        if meta_path.parts[-3].startswith("."):  # a staging copy, not a run
            continue
        if bundle_matches(meta_path.parent, wanted):
            return meta_path.parent
    return None
