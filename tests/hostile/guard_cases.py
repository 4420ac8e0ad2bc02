"""The generated cases of the write guard's test (issue #19), and the helpers that run a command
in-process and snapshot a folder (shared by the other tests of ``tests/hostile``).

The cases are generated: every command that writes (``validate``, ``prepare``, ``index``,
``compare``, ``uncertainty``, ``reports``, ``template``, ``collect``, ``coinr import``,
``coinr export``, ``python -m toolkit.notebooks run`` and the screenshot tool) × each of its
inputs (data, spec, framework, a weights file a spec names, uncertainty file, notebook, page)
× each way of meeting it:

- ``self`` — ``--out`` names the input itself;
- ``self-symlink`` / ``self-hardlink`` — ``--out`` names a symbolic / hard link to the input
  (another path text, the same file);
- ``folder`` — the input lies in the folder the command writes (its own folder, or the spec
  inside ``--out``): the folder is replaced whole, or a file of the same name is written;
- ``folder-input-symlink`` — the same, with the input given through a symbolic link from elsewhere;
- ``folder-hardlink`` — the folder written holds a hard link to the input, which lies elsewhere;
- ``folder-out-symlink`` — ``--out`` is a symbolic link to the folder holding the input.

A clash must stop the run with exit 1 and a message naming the target and the input, before
anything is written: the whole scratch tree (every name, link target and byte) is compared
before and after, and the input's bytes, inode and mtime too. Where the command would not touch
the input (files written beside it in a shared folder), the run must succeed and leave the
input as it was: the guard refuses what would harm, not more.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.publish import InputClash

from .corpus import DEMO_CSV, DEMO_XLSX, FRAMEWORK, ROOT, SPEC, small_demo

#: the uncertainty file of ``compare`` and ``uncertainty``: the smallest valid one (one factor, two
#: options). What it holds does not matter to the guard (only where it lies); the run it drives in the
#: cases that are allowed costs a third of configs/uncertainty.yaml's (nine factors)
UNCERTAINTY_TEXT = ("uncertainty_version: 1\nname: guard\nfactors:\n  - name: index_aggregation\n"
                    "    address: aggregation.index.method\n    options: [arithmetic, geometric]\n")
NOTEBOOK_STEM = "01_data"

#: each command that writes, and the inputs it takes
ROLES = {
    "validate": ("data", "framework"),
    "prepare": ("data", "framework"),
    "index": ("data", "spec", "framework", "weights"),  # weights: a file the spec names
    "compare": ("data", "spec", "uncertainty", "framework"),
    "uncertainty": ("data", "spec", "uncertainty", "framework"),
    "reports": ("data", "spec", "framework"),
    "template": ("framework",),
    "collect": ("return", "roster", "framework"),
    "coinr": ("idata", "imeta"),  # coinr import iData.csv iMeta.csv --out DIR
    "coinr-export": ("data", "framework"),  # coinr export --framework F --data D --out DIR
    "notebooks": ("notebook",),
    "screenshot": ("page",),
}
SELF_MODES = ("self", "self-symlink", "self-hardlink")
FOLDER_MODES = ("folder", "folder-input-symlink", "folder-hardlink", "folder-out-symlink")
#: commands whose --out is one file: only the self modes apply
FILE_OUT = {"validate", "screenshot"}


def allowed(command: str, role: str, mode: str) -> str | None:
    """Why the run may go ahead (the input is not touched), or None when it must be refused."""
    if mode not in FOLDER_MODES:
        return None
    if command in ("template", "compare", "uncertainty"):
        return "writes only its own file names beside the input"
    if command == "coinr" and role == "imeta":
        return "writes only framework.yaml, spec.yaml and data.csv beside iMeta.csv"
    if command == "coinr-export" and role == "framework":
        return "writes only iMeta.csv and iData.csv beside the framework"
    if command == "prepare" and role == "framework":
        return "writes only <data stem>.* beside the framework"
    if command in ("index", "collect") and mode == "folder-out-symlink" and role == "framework":
        return "a linked --out is a shared folder: only the command's own file names are written"
    if command == "index" and mode == "folder-out-symlink" and role == "data":
        return "a linked --out is a shared folder: only the index's own file names are written"
    return None


def expected_exit(command: str, role: str, mode: str) -> int:
    """``collect`` checks its paths first (toolkit.data.round.check_paths): an --out that is, or
    holds, the returns' folder or the roster is a usage error (2) naming both."""
    if command == "collect" and role in ("return", "roster") and mode in (
            "folder", "folder-input-symlink", "folder-out-symlink"):
        return 2
    return 1


def _cases():
    for command, roles in ROLES.items():
        modes = SELF_MODES if command in FILE_OUT else SELF_MODES + FOLDER_MODES
        if command == "notebooks":  # the notebooks are found in notebooks/, not given through a link
            modes = tuple(m for m in modes if m != "folder-input-symlink")
        for role in roles:
            for mode in modes:
                yield pytest.param(command, role, mode, id=f"{command}-{role}-{mode}")


CASES = list(_cases())


@dataclass
class Case:
    argv: list[str]
    input: Path  # the real input file
    named: tuple[str, ...]  # paths the message must name
    runner: str = "cli"


def input_name(command: str, role: str) -> str:
    if command == "coinr-export" and role == "data":  # the data under the name coinr export writes
        return "iData.csv"
    if role in ("data", "return"):
        return "return.xlsx" if command == "validate" else "return.csv"
    if role == "roster":
        return "roster.csv"
    if role in ("idata", "imeta"):  # iData under the name coinr import writes its data as
        return "data.csv" if role == "idata" else "iMeta.csv"
    if role == "weights":  # the name the index writes its own weights as
        return "weights.csv"
    if role == "framework":
        return "fw.xlsx" if command == "validate" else "fw.yaml"  # validate --out must end .xlsx
    return {"spec": "spec.yaml", "uncertainty": "unc.yaml", "notebook": f"{NOTEBOOK_STEM}.ipynb",
            "page": "page.html"}[role]


#: a two-indicator coin (COINr's iData and iMeta layout), enough for ``coinr import``
COIN = {"idata": "uCode,a,b\nX,1,3\nY,2,1\nZ,3,2\n",
        "imeta": "Level,iCode,iName,Direction,Weight,Parent,Type\n1,a,A,1,1,I,Indicator\n"
                 "1,b,B,-1,1,I,Indicator\n2,I,Index,,1,,Aggregate\n"}


def fill(role: str, path: Path) -> None:
    if role in COIN:
        path.write_text(COIN[role], encoding="utf-8")
        return
    if role == "uncertainty":
        path.write_text(UNCERTAINTY_TEXT, encoding="utf-8")
        return
    if role == "weights":  # equal weights of the five dimensions, as index writes them
        path.write_text("code,weight\n" + "".join(f"L{k},0.2\n" for k in range(1, 6)), encoding="utf-8")
        return
    if role == "roster":  # the units expected: the demo's 50 brains
        rows = sorted({",".join(line.split(",")[:3:2]) for line in DEMO_CSV.read_text("utf-8").splitlines()[1:]
                       if line.startswith("SD-")})  # id and city
        path.write_text("单位编号,城市\n" + "\n".join(rows) + "\n", encoding="utf-8")
        return
    if role == "data" and path.suffix == ".csv":  # where the data lies matters to the guard, not its size
        small_demo(path)
        return
    source = {"data": DEMO_XLSX, "return": DEMO_CSV,
              "framework": FRAMEWORK,
              "spec": SPEC,
              "notebook": ROOT / "notebooks" / f"{NOTEBOOK_STEM}.ipynb"}.get(role)
    if source is None:
        path.write_text("<html><body>a report</body></html>", encoding="utf-8")
    else:
        shutil.copyfile(source, path)


def build_case(command: str, role: str, mode: str, d: Path) -> Case:
    """Lay out the scratch folder ``d`` (the working folder of the run) and the command line."""
    src, links, out = d / "src", d / "links", d / "OUT"
    for folder in (src, links, out):
        folder.mkdir()
    name = input_name(command, role)
    if command == "notebooks":  # a project of its own: the notebooks are read from <root>/notebooks
        (d / "pyproject.toml").write_text('[project]\nname = "sd-brain-toolkit"\n', encoding="utf-8")
        (d / "toolkit").mkdir()
        src = d / "notebooks"
        src.mkdir()
        if mode != "folder-hardlink":  # the notebooks' own folder as --out
            out = src
        shutil.copyfile(ROOT / "notebooks" / f"{NOTEBOOK_STEM}.py", src / f"{NOTEBOOK_STEM}.py")
    # where the real input lies, and the path given for it on the command line
    real = (out if mode in ("folder", "folder-input-symlink", "folder-out-symlink") else src) / name
    fill(role, real)
    given = real
    if mode == "folder-input-symlink":
        given = links / name
        given.symlink_to(real)
    if mode == "folder-hardlink":
        os.link(real, out / name)
    # --out
    if mode == "self":
        target = real
    elif mode in ("self-symlink", "self-hardlink"):
        target = links / ("o.png" if command == "screenshot" else "o.xlsx" if command == "validate" else name)
        target.symlink_to(real) if mode == "self-symlink" else os.link(real, target)
    elif mode == "folder-out-symlink":
        target = links / "out"
        target.symlink_to(out, target_is_directory=True)
    else:
        target = out
    rel = lambda p: os.path.relpath(p, d)  # noqa: E731 - paths as a user types them
    if command in ("compare", "uncertainty") and role != "uncertainty":  # not the input under test: beside it
        fill("uncertainty", d / "unc.yaml")
    # the data, when it is not the input under test: the small demo (corpus.small_demo), in src/ (never
    # in a folder written)
    data = src / "demo.csv"
    if role != "data" and command in ("index", "compare", "uncertainty", "reports", "prepare", "coinr-export"):
        small_demo(data)
    inputs = {"data": rel(data), "spec": rel(SPEC), "framework": None, "uncertainty": "unc.yaml",
              "roster": None}
    inputs[role] = rel(given)
    fw = ["--framework", inputs["framework"]] if inputs["framework"] else []
    named = (rel(given),) if mode == "folder-out-symlink" else (rel(given), rel(target))
    if command == "validate":
        data = inputs["data"] if role == "data" else rel(DEMO_XLSX)
        return Case(["validate", data, *fw, "--out", rel(target), "--lang", "en"], real, named)
    if command == "prepare":
        return Case(["prepare", inputs["data"], *fw, "--out", rel(target), "--lang", "en"], real, named)
    if command == "index":
        spec = inputs["spec"]
        if role == "weights":  # a spec of the user's naming the weights file (relative to the working folder)
            (d / "wspec.yaml").write_text(f"name: w\nweights:\n  index: {{method: file, path: {inputs['weights']}}}\n",
                                          encoding="utf-8")
            spec = "wspec.yaml"
        return Case(["index", inputs["data"], "--spec", spec, *fw, "--out", rel(target), "--lang", "en"], real, named)
    if command == "compare":
        return Case(["compare", "--data", inputs["data"], "--spec", inputs["spec"], "--spec", rel(SPEC), *fw,
                     "--uncertainty", inputs["uncertainty"], "--quota", "5", "--n", "4", "--out", rel(target),
                     "--lang", "en"], real, named)
    if command == "uncertainty":
        return Case(["uncertainty", inputs["data"], "--spec", inputs["spec"], *fw, "--uncertainty",
                     inputs["uncertainty"], "--n", "4", "--executor", "serial", "--out", rel(target), "--lang", "en"],
                    real, named)
    if command == "reports":
        # the run folder is --out/--run: the input's folder itself
        where = ["--out", rel(target)] if mode.startswith("self") else ["--out", rel(out.parent), "--run", out.name]
        if mode == "folder-out-symlink":  # --out a link to the folder holding the run folder
            (links / "parent").symlink_to(d, target_is_directory=True)
            where = ["--out", rel(links / "parent"), "--run", out.name]
        return Case(["reports", "--data", inputs["data"], "--spec", inputs["spec"], *fw, *where, "--only", "SD-B001",
                     "--uncertainty", "0", "--workers", "1", "--executor", "serial", "--no-progress",
                     "--lang", "en"], real, named)
    if command == "template":
        return Case(["template", *fw, "--out", rel(target), "--lang", "en"], real, named)
    if command == "collect":
        returns = d / "returns"  # the folder of returns: the input's folder when the return is the role
        if role == "return":
            returns = given.parent
            named = (rel(real.parent if mode != "folder-hardlink" else real), rel(target))
            if mode.startswith("self"):
                named = (rel(real), rel(target))
            if mode == "folder-input-symlink":  # the folder of returns given through a link
                given.unlink()
                (links / "returns").symlink_to(out, target_is_directory=True)
                returns, named = links / "returns", (rel(links / "returns"), rel(target))
            if mode == "folder-out-symlink":
                named = (rel(out), rel(target))
        else:
            returns.mkdir()
            shutil.copyfile(DEMO_CSV, returns / "return.csv")
        roster = ["--roster", inputs["roster"]] if inputs["roster"] else []
        return Case(["collect", rel(returns), *roster, *fw, "--out", rel(target), "--lang", "en"], real, named)
    if command == "coinr":
        tables = {}
        for r in ("idata", "imeta"):
            if r == role:
                tables[r] = rel(given)
            else:
                other = d / f"other-{input_name(command, r)}"
                fill(r, other)
                tables[r] = rel(other)
        return Case(["coinr", "import", tables["idata"], tables["imeta"], "--out", rel(target), "--lang", "en"],
                    real, named)
    if command == "coinr-export":
        return Case(["coinr", "export", *fw, "--data", inputs["data"], "--out", rel(target), "--lang", "en"],
                    real, named)
    if command == "notebooks":
        return Case(["run", "--only", NOTEBOOK_STEM, "--no-html", "--out", rel(target)], real, named,
                    runner="notebooks")
    if command == "screenshot":
        return Case([rel(given), rel(target)], real, named, runner="screenshot")
    raise AssertionError(command)


def tree(d: Path) -> dict[str, tuple]:
    """Every name under ``d`` (hidden ones too): a link's target, a file's bytes, inode and mtime."""
    seen = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = Path(root) / name
            st = os.lstat(p)
            if p.is_symlink():
                seen[str(p.relative_to(d))] = ("link", os.readlink(p))
            elif p.is_file():
                seen[str(p.relative_to(d))] = ("file", hashlib.sha256(p.read_bytes()).hexdigest(),
                                               st.st_ino, st.st_mtime_ns)
            else:
                seen[str(p.relative_to(d))] = ("dir",)
    return seen


def run(case: Case, cwd: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                if case.runner == "cli":
                    code = main(case.argv)
                elif case.runner == "notebooks":
                    from toolkit.notebooks.execute import main as notebooks_main

                    code = notebooks_main(case.argv)
                else:
                    from toolkit.reports.screenshot import screenshot

                    try:
                        screenshot(*case.argv)
                        code = 0
                    except InputClash as exc:
                        print(f"error: {exc}", file=sys.stderr)
                        code = 1
            except SystemExit as e:
                code = e.code
    finally:
        os.chdir(old)
    return code, out.getvalue() + err.getvalue()


