"""Email templates (Spanish, text and HTML) kept in the repository, rendered by our code.

A template is `templates/<name>.txt`: its first line is `Asunto: …`, the rest the text body;
and `templates/<name>.html`: the HTML body, placed inside `templates/_layout.html`. Values
are substituted with `string.Template` (`$name`) and HTML-escaped in the HTML version.

An email of an insurer's people wears its brand: the values `insurer_name` (and
`insurer_color`, `#RRGGBB`, as the header's accent line) put the insurer's name in the
layout's header (`insurers.service.email_brand` gives them); without them the header says
"Portal Médico".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=64)
def _read(name: str) -> str:
    path = (TEMPLATES / name).resolve()
    if path.parent != TEMPLATES.resolve():
        raise ValueError(f"unknown template {name}")
    return path.read_text(encoding="utf-8")


PLATFORM_NAME = "Portal Médico"
PLATFORM_COLOR = "#0b4f8a"
_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def _header(values: dict[str, str]) -> dict[str, str]:
    name = values.get("insurer_name") or PLATFORM_NAME
    color = values.get("insurer_color") or ""
    return {
        "brand_name": html.escape(name),
        "brand_color": color if _COLOR.fullmatch(color) else PLATFORM_COLOR,
        "platform_line": "" if name == PLATFORM_NAME else f" · {PLATFORM_NAME}",
    }


def render(name: str, values: dict[str, str]) -> RenderedEmail:
    text_source = _read(f"{name}.txt")
    first, _, body = text_source.partition("\n")
    if not first.startswith("Asunto:"):
        raise ValueError(f"template {name}.txt must start with 'Asunto:'")
    subject = Template(first.removeprefix("Asunto:").strip()).substitute(values)
    text = Template(body.strip() + "\n").substitute(values)
    escaped = {key: html.escape(value, quote=True) for key, value in values.items()}
    content = Template(_read(f"{name}.html")).substitute(escaped)
    page = Template(_read("_layout.html")).substitute(
        subject=html.escape(subject), content=content, **_header(values)
    )
    return RenderedEmail(subject=subject, text=text, html=page)
