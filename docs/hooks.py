"""MkDocs hooks of the documentation site (``hooks:`` in mkdocs.yml).

- ``<!-- cli-reference -->`` in a page becomes the ``--help`` of every command, in English and in
  Chinese, taken from :func:`toolkit.cli.build_parser`: the reference cannot drift from the code.
- A link to one of :data:`PENDING` (pages other issues add) is shown as plain text while that page is
  not in ``docs/``, and becomes a live link, checked like any other, once it is.
- After the build, ``assets/cjk-font.css`` is replaced by an ``@font-face`` embedding a subset of the
  bundled Noto Sans SC (:func:`toolkit.viz.fonts.font_face_css`) with every character the site
  uses, so Chinese renders in a browser on a machine without a Chinese font.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

#: pages written under other issues; links to them stay plain text until they exist
PENDING = ("architecture.md", "methods-registry.md", "safety.md", "frameworks.md", "reports.md",
           "studio.md")

_LINK = re.compile(r"\[([^\]]+)\]\(((?:\.\./)*)(" + "|".join(map(re.escape, PENDING)) + r")(#[^)]*)?\)")


def cli_reference() -> str:
    """Markdown of every command's help in English, then in Chinese."""
    from toolkit.cli import build_parser
    from toolkit.cli_text import COMMANDS

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


def on_page_markdown(markdown, page, config, files):
    if "<!-- cli-reference -->" in markdown:
        markdown = markdown.replace("<!-- cli-reference -->", cli_reference())
    present = {f.src_uri for f in files}

    def link(m):
        return m.group(0) if m.group(3) in present else f"{m.group(1)} (*{m.group(3)}, to come*)"
    return _LINK.sub(link, markdown)


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
