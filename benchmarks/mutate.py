"""Mutation testing of ``toolkit/methods/``: how many small wrong changes do the tests catch?

A *mutant* is the package with one operator or constant changed (``<`` → ``<=``, ``+`` → ``-``,
``and`` → ``or``, ``~x`` → ``x``, ``0`` → ``1``, ``True`` → ``False`` …). It is *killed* when a
test fails on it. The script

1. maps every line of the mutated files to the tests that run it: one ``coverage run`` of the
   chosen test directories with ``dynamic_context = test_function`` (each line's contexts are
   the test functions that executed it);
2. lists every mutation site (AST walk) on a covered line and draws a seeded sample;
3. runs each mutant against **only the tests that cover its line** (``-x``, a time limit: a
   mutant that hangs counts as killed), in a private copy of the package and tests, so the
   working tree is never touched;
4. prints the kill rate per file and overall, and the survivors with their change, and writes
   them as JSON (``--out``).

A surviving mutant is either a missing test or *equivalent* (the change cannot alter any
result, e.g. ``>=`` against ``>`` on a value that is never equal). Equivalent survivors are
listed, with why, in ``docs/development.md``; the rate that matters leaves them out.

Run (a few minutes per 100 mutants on two cores)::

    .venv/bin/python benchmarks/mutate.py --sample 200 --seed 1 --out mutants.json
    .venv/bin/python benchmarks/mutate.py --sample 50 --files toolkit/methods/aggregation/copeland.py
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # replaced by a frozen copy of the tree while the script runs
PYTHON = sys.executable

_COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
            ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
_BINOP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
          ast.Pow: ast.Mult, ast.Mod: ast.FloorDiv, ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd}
_BOOL = {ast.And: ast.Or, ast.Or: ast.And}


@dataclass
class Mutant:
    file: str          # relative to the repository
    line: int
    kind: str          # compare, binop, boolop, unary, number, boolean
    before: str        # the source segment, as written
    after: str         # the same segment mutated (ast.unparse)
    index: int         # the node's position in the walk (identifies the site)
    status: str = ""   # killed, survived, timeout, error
    seconds: float = 0.0
    tests: int = 0


def _segment(source: str, node: ast.AST) -> str:
    return ast.get_source_segment(source, node) or ast.unparse(node)


def _mutations(node: ast.AST):
    """(kind, mutated copy) for every mutation of ``node`` itself."""
    import copy

    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                new = copy.deepcopy(node)
                new.ops[i] = _COMPARE[type(op)]()
                yield "compare", new
    elif isinstance(node, ast.BinOp) and type(node.op) in _BINOP:
        new = copy.deepcopy(node)
        new.op = _BINOP[type(node.op)]()
        yield "binop", new
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = _BOOL[type(node.op)]()
        yield "boolop", new
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not | ast.Invert | ast.USub):
        yield "unary", copy.deepcopy(node.operand)
    elif isinstance(node, ast.Constant) and type(node.value) is bool:
        yield "boolean", ast.Constant(not node.value)
    elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
        v = node.value
        yield "number", ast.Constant(type(v)(1) if v == 0 else (type(v)(0) if v == 1 else v + 1))


def _docstring_nodes(tree: ast.AST) -> set[int]:
    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and n.body:
            first = n.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def sites(path: Path) -> list[Mutant]:
    """Every mutation site of one file (docstrings, annotations and ``__all__`` left alone)."""
    source = path.read_text("utf-8")
    tree = ast.parse(source)
    skip = _docstring_nodes(tree)
    for n in ast.walk(tree):  # annotations and default-less signatures are not behaviour
        for a in ast.walk(n) if isinstance(n, ast.arg | ast.AnnAssign) and getattr(n, "annotation", None) else ():
            skip.add(id(a))
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.returns is not None:
            skip.update(id(a) for a in ast.walk(n.returns))
    out = []
    for i, node in enumerate(ast.walk(tree)):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        for kind, new in _mutations(node):
            out.append(Mutant(str(path.relative_to(ROOT)), node.lineno, kind, _segment(source, node),
                              ast.unparse(new), i))
    return out


def mutated_source(path: Path, m: Mutant) -> str:
    """The whole file with mutant ``m`` applied (re-found by its walk position and kind)."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes = list(ast.walk(tree))
    target = nodes[m.index]
    for kind, new in _mutations(target):
        if kind == m.kind and ast.unparse(new) == m.after:
            break
    else:  # pragma: no cover - the site list and the file disagree
        raise RuntimeError(f"mutant site not found: {m}")

    class Swap(ast.NodeTransformer):
        def generic_visit(self, node):
            for field, value in ast.iter_fields(node):
                if isinstance(value, list):
                    setattr(node, field, [new if v is target else self.visit(v) if isinstance(v, ast.AST) else v
                                          for v in value])
                elif value is target:
                    setattr(node, field, ast.copy_location(new, target))
                elif isinstance(value, ast.AST):
                    self.visit(value)
            return node

    return ast.unparse(ast.fix_missing_locations(Swap().visit(tree)))


def coverage_map(test_paths: list[str], files: list[Path], work: Path) -> dict[tuple[str, int], set[str]]:
    """(file, line) → test node ids (``path::function``) that execute it."""
    rc = work / "coveragerc"
    rc.write_text("[run]\ndynamic_context = test_function\nsource = toolkit/methods\n", "utf-8")
    data = work / ".coverage"
    cmd = [PYTHON, "-m", "coverage", "run", f"--rcfile={rc}", f"--data-file={data}", "-m", "pytest", *test_paths,
           "-q", "-p", "no:cacheprovider", "-m", "not slow", "--no-header"]
    subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True, text=True,
                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    from coverage import CoverageData

    cov = CoverageData(basename=str(data))
    cov.read()
    out: dict[tuple[str, int], set[str]] = defaultdict(set)
    wanted = {str((ROOT / f).resolve()) for f in files}
    for measured in cov.measured_files():
        if measured not in wanted:
            continue
        rel = str(Path(measured).relative_to(ROOT))
        for line, contexts in cov.contexts_by_lineno(measured).items():
            for ctx in contexts:
                if ctx:
                    out[(rel, line)].add(_node_id(ctx))
    return out


def _node_id(context: str) -> str:
    """``tests.methods.test_bod.test_x`` (coverage's test_function context) → a pytest node id."""
    parts = context.split(".")
    for k in range(len(parts) - 1, 0, -1):
        path = Path(*parts[:k]).with_suffix(".py")
        if (ROOT / path).is_file():
            return f"{path}::{'::'.join(parts[k:])}"
    return context


def run_mutant(m: Mutant, tests: list[str], shadow: Path, timeout: float) -> Mutant:
    target = shadow / m.file
    original = target.read_text("utf-8")
    target.write_text(mutated_source(ROOT / m.file, m), "utf-8")
    t0 = time.perf_counter()
    try:
        r = subprocess.run([PYTHON, "-m", "pytest", *sorted(tests), "-x", "-q", "-p", "no:cacheprovider",
                            "--no-header", "-m", "not slow"], cwd=shadow, capture_output=True, text=True,
                           timeout=timeout, env={**os.environ, "PYTHONPATH": str(shadow)})
        m.status = "killed" if r.returncode != 0 else "survived"
        if r.returncode in (2, 3, 4):  # interrupted, internal or usage error: the mutant broke the import
            m.status = "killed"
    except subprocess.TimeoutExpired:
        m.status = "timeout"
    finally:
        target.write_text(original, "utf-8")
    m.seconds, m.tests = time.perf_counter() - t0, len(tests)
    return m


def _copy_tree(src: Path, dst: Path) -> Path:
    """The parts of the repository the tests need, copied to ``dst``."""
    for part in ("toolkit", "tests", "configs", "data", "docs"):
        if (src / part).exists():
            shutil.copytree(src / part, dst / part, ignore=shutil.ignore_patterns("__pycache__", "_build", "processed"))
    for name in ("pyproject.toml", "mkdocs.yml"):
        if (src / name).exists():
            shutil.copy2(src / name, dst / name)
    return dst


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", nargs="*", default=None, help="files to mutate (default: toolkit/methods/**/*.py)")
    ap.add_argument("--tests", nargs="*", default=["tests/methods", "tests/index"], help="test paths mapped")
    ap.add_argument("--sample", type=int, default=200, help="mutants drawn (seeded)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=240.0, help="seconds per mutant before it counts as killed")
    ap.add_argument("--out", default=None, help="write every mutant and its outcome as JSON")
    args = ap.parse_args(argv)
    global ROOT
    shared = ROOT.parent / "shared" / "data"  # the frozen copy has no ../shared/data beside it
    if "TOOLKIT_SHARED_DATA" not in os.environ and shared.is_dir():
        os.environ["TOOLKIT_SHARED_DATA"] = str(shared)  # tests on the published data run, not skip
    files = [Path(f) for f in args.files] if args.files else sorted(
        p.relative_to(ROOT) for p in (ROOT / "toolkit" / "methods").rglob("*.py") if p.name != "__init__.py")
    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        work = Path(tmp)
        # a frozen copy of the tree: the sites, the coverage map and the mutants all come from it, so
        # editing the working tree while the script runs changes nothing
        ROOT = _copy_tree(ROOT, work / "frozen")
        t0 = time.perf_counter()
        covered = coverage_map(args.tests, files, work)
        print(f"coverage map: {len(covered)} covered lines in {time.perf_counter() - t0:.0f} s", flush=True)
        every = [m for f in files for m in sites(ROOT / f)]
        live = [m for m in every if (m.file, m.line) in covered]
        rng = random.Random(args.seed)
        sample = rng.sample(live, min(args.sample, len(live)))
        print(f"{len(every)} mutation sites, {len(live)} on covered lines; {len(sample)} drawn (seed {args.seed})",
              flush=True)
        shadow = _copy_tree(ROOT, work / "tree")
        for k, m in enumerate(sample, 1):
            run_mutant(m, sorted(covered[(m.file, m.line)]), shadow, args.timeout)
            print(f"[{k}/{len(sample)}] {m.status:8s} {m.file}:{m.line} {m.before!r} → {m.after!r} "
                  f"({m.tests} tests, {m.seconds:.0f} s)", flush=True)
    by_file: dict[str, list[Mutant]] = defaultdict(list)
    for m in sample:
        by_file[m.file].append(m)
    print("\nfile                                                   killed / mutants")
    for f, ms in sorted(by_file.items()):
        k = sum(m.status != "survived" for m in ms)
        print(f"{f:55s} {k:3d} / {len(ms):3d}  {100 * k / len(ms):5.1f} %")
    killed = sum(m.status != "survived" for m in sample)
    print(f"{'all':55s} {killed:3d} / {len(sample):3d}  {100 * killed / max(len(sample), 1):5.1f} %")
    print("\nsurvivors:")
    for m in sample:
        if m.status == "survived":
            print(f"  {m.file}:{m.line} [{m.kind}] {m.before!r} → {m.after!r}")
    if args.out:
        Path(args.out).write_text(json.dumps([asdict(m) for m in sample], indent=1, ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
