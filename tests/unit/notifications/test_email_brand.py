"""An email of an insurer's people wears the insurer's name and colour; others the platform's."""

from __future__ import annotations

from chalicelib.notifications.render import PLATFORM_COLOR, render

VALUES = {
    "name": "ANA",
    "folio": "RE-SEC-2026-000001-00",
    "status": "Aprobado",
    "sentence": "Tu trámite fue aprobado.",
    "note": "Procede.",
    "documents": "",
    "link": "https://portal.example/asegurados/tramite.html?id=1",
}


def test_an_insurers_email_names_it_in_the_header_with_its_colour() -> None:
    email = render(
        "claim_status",
        {**VALUES, "insurer_name": "Seguros <Ejemplo> & Co", "insurer_color": "#AA3300"},
    )
    assert "Seguros &lt;Ejemplo&gt; &amp; Co" in email.html
    assert "border-bottom:6px solid #AA3300" in email.html
    assert " · Portal Médico" in email.html
    assert "Seguros <Ejemplo>" not in email.text  # the text version needs no header


def test_without_an_insurer_or_with_a_bad_colour_the_platform_brand_stays() -> None:
    plain = render("claim_status", VALUES)
    assert ">Portal Médico<span" in plain.html
    assert f"border-bottom:6px solid {PLATFORM_COLOR}" in plain.html
    odd = render("claim_status", {**VALUES, "insurer_name": "X", "insurer_color": "red;x:y"})
    assert "red;x:y" not in odd.html
    assert f"border-bottom:6px solid {PLATFORM_COLOR}" in odd.html


def test_an_insurer_with_a_logo_shows_it_in_the_header_named_by_its_escaped_name() -> None:
    email = render(
        "claim_status",
        {
            **VALUES,
            "insurer_name": 'Seguros "Ejemplo" & Co',
            "insurer_logo": "https://api.example/v1/insurers/ejemplo/logo?a=1&b=2",
        },
    )
    assert (
        '<img alt="Seguros &quot;Ejemplo&quot; &amp; Co" '
        'src="https://api.example/v1/insurers/ejemplo/logo?a=1&amp;b=2"'
    ) in email.html
    assert email.html.count("<img") == 1


def test_without_a_logo_or_with_an_odd_address_there_is_no_image() -> None:
    named = render("claim_status", {**VALUES, "insurer_name": "Seguros Ejemplo"})
    assert "<img" not in named.html
    assert ">Seguros Ejemplo<span" in named.html
    odd = render(
        "claim_status",
        {**VALUES, "insurer_name": "X", "insurer_logo": "javascript:alert(1)"},
    )
    assert "<img" not in odd.html
    assert "javascript:" not in odd.html
    # The platform's own emails carry no insurer's logo even if one is passed.
    plain = render("claim_status", {**VALUES, "insurer_logo": "https://api.example/logo"})
    assert "<img" not in plain.html
