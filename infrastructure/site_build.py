"""The site's one page layout: a page of `static_site/` holds only what is its own and is
rendered into a full document here, by the local site server on request and by the
deployment into the directory it uploads.

A page's source starts with one `<page …>` line whose attributes say what the layout needs,
followed by the content of its `<main>` and a closing `</page>`:

    <page title="Mis trámites · Portal Médico" heading="Mis trámites" back="/asegurados/"
          scripts="/js/asegurados/tramites.js">
        <p class="lead">…</p>
    </page>

- `title`: the document's `<title>` (required).
- `heading`: the text of the page's `<h1>`; a page whose heading holds markup writes its own
  `<h1>` at the start of its content instead.
- `back`: the link above the heading; a portal's home is labelled by itself, any other target
  needs `back-label`.
- `scripts`, `styles`: the page's own module scripts and style sheets, space-separated, after
  the layout's `layout.js` and `portal.css`.
- `class`: classes of `<main>` besides `container`; `data-*` attributes go onto `<main>`.
- `own-main`: the content is the whole body (a page with its own header and `<main>`).

A line `<include part="name">` stands for the shared fragment `static_site/_parts/name.part`
(markup that several pages show the same way), indented as the line is. Fragments are not
pages: they are neither deployed nor served.

A source that is already a whole document (it starts with `<!doctype`) is served unchanged.
"""

from __future__ import annotations

import re
import shutil
from html import escape
from html.parser import HTMLParser
from pathlib import Path, PurePath

PORTAL_HOMES = {
    "/asegurados/": "Portal de Asegurados",
    "/prestadores/": "Portal de Prestadores",
    "/afiliados/": "Portal de Afiliados",
    "/operadores/": "Portal de Operadores",
}
PARTS = "_parts"
INCLUDE = re.compile(r'^([ \t]*)<include part="([a-z0-9-]+)">[ \t]*$', re.MULTILINE)
ATTRIBUTES = {"title", "heading", "back", "back-label", "scripts", "styles", "class", "own-main"}

HEAD = """<!doctype html>
<html lang="es">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/css/portal.css">
{styles}  <script type="module" src="/js/layout.js"></script>
{scripts}</head>
<body>
"""
FOOT = "</body>\n</html>\n"


class PageError(ValueError):
    """A page source the layout cannot render; the message names the page."""


class _PageTag(HTMLParser):
    """The attributes and the exact text of a source's first tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag = ""
        self.text = ""
        self.attributes: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self.tag:
            self.tag, self.text = tag, self.get_starttag_text() or ""
            self.attributes = {name: value or "" for name, value in attrs}


def _attribute(name: str, value: str) -> str:
    return f' {name}="{escape(value)}"'


def render_page(source: str, path: PurePath | str, parts: Path | None = None) -> str:
    """The full document of the page at `path` (used only to name it in errors), its
    `<include part=…>` lines filled from the folder `parts`."""
    if source.lstrip()[:9].lower() == "<!doctype":
        return source
    source = _include_parts(source.lstrip(), path, parts)
    parser = _PageTag()
    parser.feed(source)
    content, closing, tail = source[len(parser.text) :].rpartition("</page>")
    if parser.tag != "page" or not source.startswith(parser.text) or not closing or tail.strip():
        raise PageError(f"{path}: a page starts with <page …> and ends with </page>")
    attributes = parser.attributes
    unknown = {
        name for name in attributes if name not in ATTRIBUTES and not name.startswith("data-")
    }
    if unknown:
        raise PageError(f"{path}: unknown <page> attributes {sorted(unknown)}")
    if not attributes.get("title"):
        raise PageError(f"{path}: <page> needs a title")

    def links(name: str, template: str) -> str:
        return "".join(template.format(escape(href)) for href in attributes.get(name, "").split())

    head = HEAD.format(
        title=escape(attributes["title"], quote=False),
        styles=links("styles", '  <link rel="stylesheet" href="{}">\n'),
        scripts=links("scripts", '  <script type="module" src="{}"></script>\n'),
    )
    body = content.lstrip("\n")
    if "own-main" in attributes:
        if set(attributes) - {"title", "scripts", "styles", "own-main"}:
            raise PageError(f"{path}: a page with its own <main> takes only title, scripts, styles")
        return head + body + FOOT
    return head + _main_opening(attributes, path) + body + "  </main>\n" + FOOT


def _include_parts(source: str, path: PurePath | str, parts: Path | None) -> str:
    def part(found: re.Match[str]) -> str:
        indent, name = found.group(1), found.group(2)
        file = parts / f"{name}.part" if parts is not None else None
        if file is None or not file.is_file():
            raise PageError(f"{path}: no shared part {name!r}")
        lines = file.read_text(encoding="utf-8").rstrip("\n").split("\n")
        return "\n".join(indent + line if line else line for line in lines)

    return INCLUDE.sub(part, source)


def _main_opening(attributes: dict[str, str], path: PurePath | str) -> str:
    classes = " ".join(["container", *attributes.get("class", "").split()])
    data = "".join(
        _attribute(name, value) for name, value in attributes.items() if name.startswith("data-")
    )
    opening = f'  <main id="contenido" class="{escape(classes)}"{data}>\n'
    if "back" in attributes:
        back = attributes["back"]
        label = attributes.get("back-label") or PORTAL_HOMES.get(back)
        if not label:
            raise PageError(f"{path}: back={back!r} needs a back-label")
        opening += f'    <p><a href="{escape(back)}">← {escape(label, quote=False)}</a></p>\n'
    if "heading" in attributes:
        opening += f"    <h1>{escape(attributes['heading'], quote=False)}</h1>\n"
    return opening


def build_site(source_dir: Path, dest_dir: Path) -> None:
    """Writes the site into `dest_dir` (emptied first): every page rendered through the
    layout, every other file copied as it is."""
    if dest_dir.exists():
        shutil.rmtree(dest_dir)
    for source in sorted(source_dir.rglob("*")):
        if not source.is_file() or source.relative_to(source_dir).parts[0] == PARTS:
            continue
        target = dest_dir / source.relative_to(source_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".html":
            page = render_page(
                source.read_text(encoding="utf-8"),
                source.relative_to(source_dir),
                source_dir / PARTS,
            )
            target.write_text(page, encoding="utf-8")
        else:
            shutil.copy2(source, target)
