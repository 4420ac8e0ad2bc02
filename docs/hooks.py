"""MkDocs hooks of the documentation site (``hooks:`` in mkdocs.yml).

- ``<!-- cli-reference -->`` in a page becomes the ``--help`` of every command, in English and in
  Chinese, taken from :func:`toolkit.cli_parser.build_parser`: the reference cannot drift from the code.
- The API reference pages ``api/<subpackage>.md`` are generated from the package tree: one
  mkdocstrings block (``::: toolkit.x.y``) per module, so a new module appears without an edit.
- A link to one of :data:`PENDING` (pages other issues add) is shown as plain text while that page is
  not in ``docs/``, and becomes a live link, checked like any other, once it is.
- Sphinx roles left in docstrings (``:func:``, ``:mod:`` …) are dropped from the API pages.
- After the build, ``assets/cjk-font.css`` is replaced by an ``@font-face`` embedding a subset of the
  bundled Noto Sans SC (:func:`toolkit.viz.fonts.font_face_css`) with every character the site
  uses, so Chinese renders in a browser on a machine without a Chinese font.
"""

from __future__ import annotations

import posixpath
import re
import sys
from pathlib import Path

#: pages written under other issues; links to them stay plain text until they exist
PENDING = ("architecture.md", "methods-registry.md", "safety.md", "frameworks.md", "reports.md",
           "studio.md")

_LINK = re.compile(r"\[([^\]]+)\]\(([^)#\s]+\.md)(#[^)]*)?\)")


#: API page → (title, package directory relative to toolkit/ or "" for the top-level modules)
API_PAGES = {
    "api/framework.md": ("toolkit.framework", "framework"),
    "api/data.md": ("toolkit.data", "data"),
    "api/methods.md": ("toolkit.methods", "methods"),
    "api/index-engine.md": ("toolkit.index", "index"),
    "api/analysis.md": ("toolkit.analysis", "analysis"),
    "api/robustness.md": ("toolkit.robustness", "robustness"),
    "api/dynamics.md": ("toolkit.dynamics", "dynamics"),
    "api/reports.md": ("toolkit.reports", "reports"),
    "api/viz.md": ("toolkit.viz", "viz"),
    "api/notebooks.md": ("toolkit.notebooks", "notebooks"),
    "api/publish.md": ("toolkit.publish", "publish"),
    "api/cli.md": ("Command line, files and notebook tooling", ""),
}


def api_page(root: Path, title: str, package: str) -> str:
    """Markdown of one API page: the package's docstring, then one ``:::`` block per module."""
    base = root / "toolkit" / package if package else root / "toolkit"
    prefix = "toolkit." + (package + "." if package else "")
    # the package's modules, and those of its subpackages (methods/ is grouped by step)
    files = base.glob("*.py") if not package else base.rglob("*.py")
    modules = sorted(".".join(p.relative_to(base).with_suffix("").parts) for p in files
                     if p.stem not in ("__init__", "__main__"))
    lines = [f"# {title}", ""]
    if package:
        lines += [f"::: toolkit.{package}", "    options:", "      members: false", "      show_root_heading: false", ""]
    lines += [f"::: {prefix}{m}\n" for m in modules]
    return "\n".join(lines)


def toolkit_page() -> str:
    """Markdown of the names ``import toolkit`` exports, each linked to where it is documented."""
    import inspect

    import toolkit

    rows, modules = [], []
    for name in toolkit.__all__:
        obj = getattr(toolkit, name)
        if inspect.ismodule(obj):
            modules.append(f"`toolkit.{name}` = [`{obj.__name__}`][{obj.__name__}]")
        elif inspect.isclass(obj) or inspect.isfunction(obj):
            doc = (inspect.getdoc(obj) or "").split("\n")[0]
            rows.append(f"| [`{name}`][{obj.__module__}.{name}] | `{obj.__module__}` | {doc} |")
    return "\n".join([
        "# toolkit", "",
        "The names `import toolkit` exports. Each is imported lazily (`toolkit.lazy`) from the module",
        "that defines it, where it is documented.", "",
        "| name | defined in | summary |", "|---|---|---|", *rows, "",
        f"`toolkit.__version__` is the installed version. Step modules under short names: {', '.join(modules)}.", ""])


def on_files(files, config):
    from mkdocs.structure.files import File

    root = Path(config.config_file_path).resolve().parent
    pages = {uri: api_page(root, title, pkg) for uri, (title, pkg) in API_PAGES.items()}
    pages["api/toolkit.md"] = toolkit_page()
    for uri, content in pages.items():
        files.append(File.generated(config, uri, content=content))
    return files


def cli_reference() -> str:
    """Markdown of every command's help in English, then in Chinese."""
    import os

    from toolkit.cli_help_text import COMMANDS
    from toolkit.cli_parser import build_parser

    os.environ["COLUMNS"] = "100"  # argparse wraps to the terminal; the page should not depend on it
    out = []
    for lang, title in (("en", "English"), ("zh", "中文")):
        parser = build_parser(lang)
        sub = next(a for a in parser._actions if hasattr(a, "choices") and isinstance(a.choices, dict))
        out.append(f"## {title}\n")
        out.append(f"### python -m toolkit\n\n```text\n{parser.format_help().rstrip()}\n```\n")
        for name, cmd in sub.choices.items():
            summary = COMMANDS.get(name, {}).get("help", ("", ""))[0 if lang == "zh" else 1]
            out.append(f"### {name} ({lang})\n\n{summary}\n\n```text\n{cmd.format_help().rstrip()}\n```\n")
    return "\n".join(out)


def on_config(config):
    root = str(Path(config.config_file_path).resolve().parent)
    if root not in sys.path:  # document this checkout's toolkit, not whichever one is installed
        sys.path.insert(0, root)
    return config


def api_table(root: Path) -> str:
    """The table of API pages and the modules on each."""
    rows = ["| page | modules |", "|---|---|", "| [toolkit](toolkit.md) | the names `import toolkit` exports |"]
    for uri, (title, pkg) in API_PAGES.items():
        base = root / "toolkit" / pkg if pkg else root / "toolkit"
        mods = sorted(p.stem for p in base.glob("*.py") if p.stem not in ("__init__", "__main__"))
        rows.append(f"| [{title}]({uri.removeprefix('api/')}) | " + ", ".join(f"`{m}`" for m in mods) + " |")
    return "\n".join(rows)


def on_page_markdown(markdown, page, config, files):
    if "<!-- cli-reference -->" in markdown:
        markdown = markdown.replace("<!-- cli-reference -->", cli_reference())
    if "<!-- api-modules -->" in markdown:
        markdown = markdown.replace("<!-- api-modules -->",
                                    api_table(Path(config.config_file_path).resolve().parent))
    present = {f.src_uri for f in files}
    here = posixpath.dirname(page.file.src_uri)

    def link(m):
        target = posixpath.normpath(posixpath.join(here, m.group(2)))
        if target in PENDING and target not in present:
            return f"{m.group(1)} (*{target}, to come*)"
        return m.group(0)
    return _LINK.sub(link, markdown)


_ROLE = re.compile(r":(?:mod|func|class|meth|attr|data|obj|exc|py:\w+):(?=<code)")


def on_page_content(html, page, config, files):
    """Drop Sphinx roles (``:func:`x```) that some docstrings use: mkdocstrings shows the code only."""
    return _ROLE.sub("", html)


def on_post_build(config):
    from toolkit.viz.fonts import font_face_css

    site = Path(config["site_dir"])
    chars = set()
    for html in site.rglob("*.html"):
        chars.update(html.read_text("utf-8"))
    text = "".join(sorted(c for c in chars if ord(c) > 0x2000))
    css = font_face_css(text)
    extra = ('code,pre,kbd,.md-typeset code{font-family:var(--md-code-font-family),'
             '"Noto Sans SC Embedded",monospace}\n')
    (site / "assets" / "cjk-font.css").write_text(css + extra, "utf-8")
