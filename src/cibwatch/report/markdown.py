"""report.md: the same findings as report.html in Markdown, for wikis, tickets and diffs.

Untrusted strings are escaped for Markdown (no links, emphasis, headings or raw HTML can be
injected: `[x](javascript:...)` renders as text), newlines inside them are flattened, and
bidirectional control characters are shown as their code points because Markdown has no way
to isolate them. Links are written only for http(s) URLs, inside angle brackets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader

from cibwatch.report import Report
from cibwatch.report.html import lang_name, number, pct, safe_href, upfirst

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~=:&])")
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def md(value: Any, limit: int = 600) -> str:
    """Escape one untrusted value for inline Markdown."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    text = _BIDI.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)
    text = re.sub(r"[\r\n\t]+", " ", text)
    text = "".join(c for c in text if c >= " ")
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_link(url: Any) -> str:
    href = safe_href(url)
    if href and not re.search(r"[<>\s]", href):
        return f"<{href}>"
    return md(url, 200)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("cibwatch.report", "templates"),
        autoescape=False,  # Markdown, not HTML: every untrusted value goes through `md`
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md, md_link=md_link, lang_name=lang_name, pct=pct, number=number, upfirst=upfirst
    )
    return env


def render(report: Report) -> str:
    return environment().get_template("report.md.j2").render(r=report)


def write(report: Report, path: Path) -> None:
    path.write_text(render(report), encoding="utf-8")
