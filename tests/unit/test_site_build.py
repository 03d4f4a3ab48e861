"""The page layout (infrastructure/site_build.py): what a page source becomes, and every page of
static_site/ rendered into a document with the site's one head and landmarks."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from infrastructure.site_build import PageError, build_site, render_page

SITE = Path(__file__).resolve().parents[2] / "static_site"

PAGE = """<page title="Mis trámites · Portal Médico" back="/asegurados/" heading="Mis trámites" \
class="narrow" data-duty="dictamen" styles="/css/settlement.css" \
scripts="/js/asegurados/tramites.js /js/asegurados/tramites-lista.js">
    <div data-error hidden></div>
    <p>Contenido</p>
</page>
"""


class Document(HTMLParser):
    """Counts of the tags that matter and where the scripts, sheets and texts are."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}
        self.decl = ""
        self._open: list[str] = []
        self.feed(text)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.decl = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in {"meta", "link", "input", "br", "img"}:
            self._open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts.setdefault(self._open[-1], []).append(data)

    def all(self, tag: str, **wanted: str) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.starts
            if name == tag and all(attrs.get(k.replace("_", "-")) == v for k, v in wanted.items())
        ]

    def scripts(self) -> list[str | None]:
        return [attrs.get("src") for attrs in self.all("script")]


def test_a_page_gets_the_one_head_exactly_once() -> None:
    document = Document(render_page(PAGE, "asegurados/tramites.html"))

    assert document.decl.lower() == "doctype html"
    assert document.all("html", lang="es")
    assert len(document.all("html")) == 1
    assert len(document.all("head")) == 1
    assert len(document.all("body")) == 1
    assert len(document.all("meta", charset="utf-8")) == 1
    viewport = "width=device-width, initial-scale=1"
    assert len(document.all("meta", name="viewport", content=viewport)) == 1
    assert len(document.all("link", rel="icon", href="/favicon.svg")) == 1
    sheets = [attrs["href"] for attrs in document.all("link", rel="stylesheet")]
    assert sheets == ["/css/portal.css", "/css/settlement.css"]
    assert document.scripts() == [
        "/js/layout.js",
        "/js/asegurados/tramites.js",
        "/js/asegurados/tramites-lista.js",
    ]
    assert all(attrs.get("type") == "module" for attrs in document.all("script"))
    assert document.texts["title"] == ["Mis trámites · Portal Médico"]


def test_the_page_content_sits_in_main_after_the_back_link_and_heading() -> None:
    rendered = render_page(PAGE, "asegurados/tramites.html")

    assert (
        '  <main id="contenido" class="container narrow" data-duty="dictamen">\n'
        '    <p><a href="/asegurados/">← Portal de Asegurados</a></p>\n'
        "    <h1>Mis trámites</h1>\n"
        "    <div data-error hidden></div>\n"
        "    <p>Contenido</p>\n"
        "  </main>\n</body>\n</html>\n"
    ) in rendered
    assert "<page" not in rendered
    assert "</page>" not in rendered


def test_a_back_link_elsewhere_than_a_portal_home_carries_its_label() -> None:
    source = '<page title="T" back="/prestadores/ordenes.html" back-label="Mis órdenes">\n</page>'

    rendered = render_page(source, "prestadores/factura.html")

    assert '<p><a href="/prestadores/ordenes.html">← Mis órdenes</a></p>' in rendered
    with pytest.raises(PageError, match=r"factura\.html.*back-label"):
        render_page('<page title="T" back="/prestadores/ordenes.html">\n</page>', "factura.html")


def test_a_page_without_heading_or_back_link_starts_main_with_its_content() -> None:
    source = '<page title="Factura">\n    <h1 data-title>Factura <span data-n></span></h1>\n</page>'

    rendered = render_page(source, "prestadores/factura.html")

    assert (
        '  <main id="contenido" class="container">\n'
        "    <h1 data-title>Factura <span data-n></span></h1>\n  </main>\n"
    ) in rendered
    assert Document(rendered).scripts() == ["/js/layout.js"]


def test_title_heading_and_links_are_escaped() -> None:
    source = (
        '<page title="A &amp; B &lt;script&gt;" heading="Uno <b> &amp; dos"'
        ' back="/x/?a=1&amp;b=&quot;2" back-label="<i>Volver</i>"'
        ' data-note="&quot;x&quot;">\n</page>\n'
    )

    rendered = render_page(source, "x.html")

    assert "<title>A &amp; B &lt;script&gt;</title>" in rendered
    assert "<h1>Uno &lt;b&gt; &amp; dos</h1>" in rendered
    assert '<a href="/x/?a=1&amp;b=&quot;2">← &lt;i&gt;Volver&lt;/i&gt;</a>' in rendered
    assert 'data-note="&quot;x&quot;"' in rendered
    document = Document(rendered)
    assert document.texts["title"] == ["A & B <script>"]
    assert document.all("script") == [{"type": "module", "src": "/js/layout.js"}]


def test_a_page_with_its_own_main_gets_only_the_head_and_body() -> None:
    source = (
        '<page title="Portal Médico" scripts="/js/health.js" own-main>\n'
        '  <header class="site-header"></header>\n'
        '  <main id="contenido" class="container"><h1>Hola</h1></main>\n'
        "</page>\n"
    )

    rendered = render_page(source, "index.html")

    assert rendered.endswith(
        '<body>\n  <header class="site-header"></header>\n'
        '  <main id="contenido" class="container"><h1>Hola</h1></main>\n</body>\n</html>\n'
    )
    assert Document(rendered).scripts() == ["/js/layout.js", "/js/health.js"]
    with pytest.raises(PageError, match="own <main>"):
        render_page('<page title="T" heading="H" own-main>\n</page>', "index.html")


def test_a_whole_document_passes_through_unchanged() -> None:
    document = "<!DOCTYPE html>\n<html lang='es'><head><title>Ya</title></head><body></body></html>"

    assert render_page(document, "otra.html") == document
    assert render_page("\n" + document, "otra.html") == "\n" + document


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("<main>sin página</main>", "starts with <page"),
        ('<page title="T">\n<p>sin cierre</p>\n', "ends with </page>"),
        ('<page title="T">\n</page>\n<p>después</p>', "ends with </page>"),
        ('<page heading="Sin título">\n</page>', "needs a title"),
        ('<page title="T" script="/js/x.js">\n</page>', r"unknown <page> attributes \['script'\]"),
    ],
)
def test_a_malformed_page_is_refused_with_its_name(source: str, message: str) -> None:
    with pytest.raises(PageError, match=message) as refused:
        render_page(source, "roto.html")

    assert str(refused.value).startswith("roto.html: ")


def test_the_build_renders_pages_and_copies_everything_else(tmp_path: Path) -> None:
    source = tmp_path / "site"
    (source / "js").mkdir(parents=True)
    (source / "js" / "app.js").write_bytes(b"export {};\n")
    (source / "favicon.svg").write_bytes(b"<svg/>")
    (source / "docs").mkdir()
    (source / "docs" / "index.html").write_text(PAGE, encoding="utf-8")
    destination = tmp_path / "out"
    (destination / "viejo").mkdir(parents=True)

    build_site(source, destination)

    built = sorted(str(p.relative_to(destination)) for p in destination.rglob("*") if p.is_file())
    assert built == ["docs/index.html", "favicon.svg", "js/app.js"]
    assert (destination / "js" / "app.js").read_bytes() == b"export {};\n"
    page = (destination / "docs" / "index.html").read_text(encoding="utf-8")
    assert page == render_page(PAGE, "docs/index.html")


def test_a_shared_part_is_included_indented_as_its_line(tmp_path: Path) -> None:
    parts = tmp_path / "_parts"
    parts.mkdir()
    (parts / "codigo.part").write_text('<div class="field">\n  <input id="code">\n\n</div>\n')
    source = (
        '<page title="T" heading="H">\n    <form>\n      <include part="codigo">\n'
        "    </form>\n</page>\n"
    )
    rendered = render_page(source, "entrar.html", parts)
    assert '      <div class="field">\n        <input id="code">\n\n      </div>\n' in rendered
    assert "<include" not in rendered
    with pytest.raises(PageError, match=r"entrar\.html: no shared part 'otro'"):
        render_page(source.replace("codigo", "otro"), "entrar.html", parts)
    with pytest.raises(PageError, match="no shared part"):
        render_page(source, "entrar.html")  # no folder of parts given


def test_the_build_leaves_the_shared_parts_out(tmp_path: Path) -> None:
    source = tmp_path / "site"
    (source / "_parts").mkdir(parents=True)
    (source / "_parts" / "aviso.part").write_text("<p>Aviso</p>\n")
    (source / "index.html").write_text(
        '<page title="T" heading="H">\n    <include part="aviso">\n</page>\n'
    )
    build_site(source, tmp_path / "out")
    built = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*"))
    assert built == ["index.html"]
    assert "    <p>Aviso</p>\n" in (tmp_path / "out" / "index.html").read_text()


PAGES = sorted(str(p.relative_to(SITE)) for p in SITE.rglob("*.html"))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_of_the_site_renders_to_one_document(name: str) -> None:
    document = Document(
        render_page((SITE / name).read_text(encoding="utf-8"), name, SITE / "_parts")
    )

    assert document.decl.lower() == "doctype html"
    assert [attrs.get("lang") for attrs in document.all("html")] == ["es"]
    assert len(document.all("main")) == 1
    assert len(document.all("main", id="contenido")) == 1
    assert len(document.all("title")) == 1
    assert "".join(document.texts["title"]).strip()
    assert len(document.all("meta", charset="utf-8")) == 1
    assert document.scripts().count("/js/layout.js") == 1
    scripts = document.all("script")
    assert all(attrs.get("src") and attrs.get("type") == "module" for attrs in scripts)
    assert len(document.all("h1")) == 1
    assert not document.all("page")


def test_the_site_has_its_pages() -> None:
    assert len(PAGES) >= 45
