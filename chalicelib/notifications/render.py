"""Email templates (Spanish, text and HTML) kept in the repository, rendered by our code.

A template is `templates/<name>.txt`: its first line is `Asunto: …`, the rest the text body;
and `templates/<name>.html`: the HTML body, placed inside `templates/_layout.html`. Values
are substituted with `string.Template` (`$name`) and HTML-escaped in the HTML version.

An email of an insurer's people wears its brand: the values `insurer_name` (and
`insurer_color`, `#RRGGBB`, as the header's accent line, and `insurer_logo`, an https or http
address of its logo, shown before the name) put the insurer in the layout's header
(`insurers.service.email_brand` gives them); without them the header says "Portal Médico".
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
_LOGO_STYLE = "display:block;max-height:48px;max-width:200px;margin:0 0 8px 0;border:0"


def branded_header(values: dict[str, str]) -> dict[str, str]:
    """The layout header's values: the insurer's name (escaped), accent colour and logo, or
    the platform's brand when the email is not an insurer's."""
    name = values.get("insurer_name") or PLATFORM_NAME
    color = values.get("insurer_color") or ""
    logo = values.get("insurer_logo") or ""
    shown_logo = name != PLATFORM_NAME and logo.startswith(("https://", "http://"))
    return {
        "brand_name": html.escape(name),
        "brand_color": color if _COLOR.fullmatch(color) else PLATFORM_COLOR,
        "brand_logo": (
            f'<img alt="{html.escape(name, quote=True)}" src="{html.escape(logo, quote=True)}"'
            f' height="48" style="{_LOGO_STYLE}">'
            if shown_logo
            else ""
        ),
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
        subject=html.escape(subject), content=content, **branded_header(values)
    )
    return RenderedEmail(subject=subject, text=text, html=page)
