"""What each command of ``python -m toolkit`` writes, checked against its inputs first (issue #19).

A command whose ``--out`` is (or holds, or is reached through) one of its inputs is refused at
its edge, before it reads or computes anything: :func:`check_outputs` runs the write guard
(:mod:`toolkit.publish.guard`) on the files the command writes, with the inputs its command line
names (:func:`toolkit.cli.run_safely` declares them). The publishing functions check again when
they write, with every input read meanwhile (a weights file a spec names): the names here are
those their checks see (``compare`` and ``uncertainty`` check the same lists up front), so the
edge refuses nothing they would let through; it only fails fast.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["INDEX_FILES", "UNCERTAINTY_FILES", "check_outputs", "output_targets"]

#: the files ``index`` writes into its folder (:func:`toolkit.index.export.write_results`, and the
#: workbook of :func:`toolkit.reports.workbook.write_results_with_workbook`)
INDEX_FILES = ("scores.csv", "scores.parquet", "weights.csv", "effective_weights.csv", "normalised.parquet",
               "treated.parquet", "imputation_log.csv", "treatment_log.csv", "spec.yaml", "meta.json", "results.xlsx")
#: the files ``uncertainty`` writes (:func:`toolkit.robustness.outputs.write_uncertainty`)
UNCERTAINTY_FILES = ("rank_stats.csv", "sobol.csv", "run.json")


def output_targets(args) -> tuple[list[Path], Path | None]:
    """The files a parsed command will write, and the folder it writes as a folder of its own
    (:func:`toolkit.publish.write_folder_atomic`: swapped whole when it holds only files), or None.

    Parameters
    ----------
    args : argparse.Namespace
        From :func:`toolkit.cli_parser.build_parser`.

    Returns
    -------
    (list of Path, Path or None)

    Examples
    --------
    >>> from toolkit.cli_parser import build_parser
    >>> files, folder = output_targets(build_parser().parse_args(["prepare", "r.csv", "--out", "p"]))
    >>> [str(f) for f in files], folder
    (['p/r.parquet', 'p/r.csv', 'p/r.meta.json'], None)
    >>> output_targets(build_parser().parse_args(["index", "r.csv", "--out", "idx"]))[1]
    PosixPath('idx')
    """
    out = getattr(args, "out", None)
    command = args.command
    if not out or command in ("demo", "template"):  # the demo reads nothing; the template only a framework
        return [], None
    out = Path(out)
    if command == "validate":
        return [out], None
    if command == "prepare":
        stem = Path(args.file).stem
        return [out / f"{stem}{suffix}" for suffix in (".parquet", ".csv", ".meta.json")], None
    if command == "index":
        return [out / name for name in INDEX_FILES], out
    if command == "collect":
        from .data.collect import ReadCache
        from .data.round import STATUS, STEM

        names = [f"{STEM}.parquet", f"{STEM}.csv", f"{STEM}.meta.json", f"{STATUS}.xlsx", f"{STATUS}.html",
                 ReadCache.JSON, ReadCache.PARQUET]
        return [out / name for name in names], out
    if command == "compare":  # as toolkit.studio.compare.write_compare checks them
        return [out / "compare.html", out / "selection.html"], None
    if command == "uncertainty":
        return [out / name for name in UNCERTAINTY_FILES], None
    if command == "reports":
        if args.run:  # the run folder, replaced whole (toolkit.publish.open_staging)
            from .files import safe_child

            return [], safe_child(out, args.run)
        return [out], None  # the run folder is made inside --out: --out may not be an input file
    if command == "coinr":
        if args.action == "import":
            return [out / name for name in ("framework.yaml", "spec.yaml", "data.csv")], None
        return [out / "iMeta.csv", *([out / "iData.csv"] if args.data else [])], None
    return [], None


def check_outputs(args) -> None:
    """Refuse a command that would write over one of its inputs, before it reads anything.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command, run inside :func:`toolkit.publish.guard.protected_inputs` of its inputs.

    Returns
    -------
    None

    Raises
    ------
    toolkit.publish.InputClash
        Naming the target and the input.

    Examples
    --------
    >>> import argparse, tempfile, pathlib
    >>> from toolkit.publish.guard import InputClash, protected_inputs
    >>> d = pathlib.Path(tempfile.mkdtemp()); _ = (d / "r.csv").write_text("x")
    >>> args = argparse.Namespace(command="index", file=str(d / "r.csv"), out=str(d / "r.csv"))
    >>> with protected_inputs(args.file):
    ...     try:
    ...         check_outputs(args)
    ...     except InputClash as err:
    ...         print("refused:", err.source == args.file)
    refused: True
    """
    files, folder = output_targets(args)
    if args.command == "reports" and folder is not None:
        from .publish.guard import check_targets

        check_targets(folders=[folder])
    elif folder is not None:
        from .publish.folders import check_folder_targets

        check_folder_targets(folder, [f.name for f in files])
    elif files:
        from .publish.guard import check_targets

        check_targets(files=files)
