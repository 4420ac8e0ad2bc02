"""Set-up files agree with each other: environment.yml ≡ pyproject.toml; constraints pin all."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict[str, str]:
    doc = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    reqs = doc["project"]["dependencies"] + doc["project"]["optional-dependencies"]["dev"]
    return {_norm(r.name): str(r.specifier) for r in map(Requirement, reqs)}


def _environment() -> dict[str, str]:
    doc = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))
    out = {}
    for dep in doc["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-") or item in ("pip",) or item.startswith("python="):
                continue
            r = Requirement(item)
            out[_norm(r.name)] = str(r.specifier)
    return out


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    py, env = _pyproject(), _environment()
    assert set(env) == set(py), f"only in pyproject: {set(py) - set(env)}; only in environment.yml: {set(env) - set(py)}"
    for name, spec in py.items():
        assert Requirement(f"x{env[name]}").specifier == Requirement(f"x{spec}").specifier, name


def test_constraints_pin_every_dependency_within_its_bounds():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            pins[_norm(name)] = version.strip()
    for name, spec in _pyproject().items():
        assert name in pins, f"{name} is not pinned in constraints.txt"
        assert Requirement(f"x{spec}").specifier.contains(pins[name]), f"{name}=={pins[name]} outside {spec}"


def test_ci_calls_make_test_and_readme_shows_it():
    assert (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()[-1] == "make test"
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make test" in readme.split("\n## ")[0]  # in the opening section
