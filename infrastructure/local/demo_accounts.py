"""Demo insurers and accounts (API.md "Local stack only"); their rosters and registry are
imported from files afterwards (`demo_imports`)."""

from __future__ import annotations

from chalicelib.accounts import service as accounts
from chalicelib.insurers import service as insurers
from chalicelib.insurers.schemas import InsurerIn
from chalicelib.policies.service import Insurer
from infrastructure.local.demo import DEMO_PASSWORD, DemoLogin

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - documented demo secret
SEC = Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8")
ADN = Insurer("adn", "ASEGURADORA DEMO DEL NORTE", "ADN050101AA4")


def _insurers() -> None:
    """SEC and ADN, created through the insurers service as a platform administrator would."""
    insurers.seed(
        InsurerIn.model_validate(
            {
                "id": SEC.insurer_id,
                "legal_name": SEC.name,
                "rfc": SEC.rfc,
                "country": "MX",
                "display_name": "Seguros Ejemplo del Centro",
                "brand_color": "#0B5394",
                "contact": {
                    "phone": "800 123 4567",
                    "email": "atencion@seguros-ejemplo-centro.mx",
                    "whatsapp": "https://wa.me/5215512345678",
                    "hours": "Lunes a viernes de 9:00 a 18:00",
                },
                # Its conditions' annex of response times, and its hospital network.
                "service_levels": {"reembolso": 45, "programacion": 18, "menores": 18},
                "catalog": {
                    "network": {
                        "notice": "SEGUROS EJEMPLO DEL CENTRO tiene convenio con los hospitales "
                        "de esta lista. Programa tu cirugía, quimioterapia o estudios en uno "
                        "de ellos para que el pago sea directo.",
                        "url": "https://www.seguros-ejemplo-centro.mx/red-hospitalaria",
                    }
                },
            }
        )
    )
    insurers.seed(
        InsurerIn.model_validate(
            {
                "id": ADN.insurer_id,
                "legal_name": ADN.name,
                "rfc": ADN.rfc,
                "country": "MX",
                "display_name": "Aseguradora Demo del Norte",
                "brand_color": "#7A1F2B",
                "contact": {"phone": "81 8000 1234", "hours": "Lunes a sábado de 8:00 a 20:00"},
                "retention": {"grace_days": 15},
            }
        )
    )


def load() -> list[DemoLogin]:
    # Their rosters and affiliate registry are imported from files (demo_imports).
    _insurers()
    accounts.seed_active_account(
        "operador",
        "operador@demo.mx",
        "OPERADORA DEMO CENTRO",
        DEMO_PASSWORD,
        insurer_ids=["sec"],
        totp_secret=DEMO_TOTP_SECRET,
    )
    accounts.seed_active_account(
        "operador",
        "operador.norte@demo.mx",
        "OPERADOR DEMO NORTE",
        DEMO_PASSWORD,
        insurer_ids=["adn"],
        totp_secret=DEMO_TOTP_SECRET,
    )
    accounts.seed_active_account(
        "operador",
        "admin.sec@demo.mx",
        "ADMINISTRADORA DEMO CENTRO",
        DEMO_PASSWORD,
        insurer_ids=["sec"],
        details={"duties": ["administracion"]},
        totp_secret=DEMO_TOTP_SECRET,
    )
    accounts.seed_active_account(
        "plataforma",
        "plataforma@demo.mx",
        "ADMINISTRADORA DE PLATAFORMA DEMO",
        DEMO_PASSWORD,
        totp_secret=DEMO_TOTP_SECRET,
    )
    accounts.seed_active_account(
        "asegurado",
        "asegurado@demo.mx",
        "ANA SOFIA TORRES VEGA",
        DEMO_PASSWORD,
        insurer_ids=["sec"],
        details={"policy_number": "GMM-2026-0000001", "insurer_id": "sec"},
    )
    accounts.seed_active_account(
        "prestador",
        "prestador@demo.mx",
        "JORGE ALBERTO RAMIREZ SOTO",
        DEMO_PASSWORD,
        insurer_ids=["sec"],
        details={
            "country": "MX",
            "rfc": "RASJ750312H42",
            "fiscal_regime": "612",
            "jalisco_cedular": False,
            "rfc_check_digit_ok": True,
        },
    )
    accounts.seed_active_account(
        "afiliado",
        "afiliado@demo.mx",
        "MARIA GUADALUPE HERNANDEZ RUIZ",
        DEMO_PASSWORD,
        phone="5512345678",
        details={"nss": "01234567897", "credential_serial": "SERIE-0001"},
    )
    accounts.seed_active_account(
        "prestador",
        "prestador.cl@demo.mx",
        "CENTRO MEDICO DEMO SPA",
        DEMO_PASSWORD,
        details={"country": "CL", "rut": "761234560"},
    )
    totp = f"TOTP {DEMO_TOTP_SECRET}"
    return [
        DemoLogin("Operadores", "operador@demo.mx", DEMO_PASSWORD, f"aseguradora SEC; {totp}"),
        DemoLogin(
            "Operadores", "operador.norte@demo.mx", DEMO_PASSWORD, f"aseguradora ADN; {totp}"
        ),
        DemoLogin(
            "Operadores", "admin.sec@demo.mx", DEMO_PASSWORD, f"administración de SEC; {totp}"
        ),
        DemoLogin("Plataforma", "plataforma@demo.mx", DEMO_PASSWORD, f"aseguradoras; {totp}"),
        DemoLogin("Asegurados", "asegurado@demo.mx", DEMO_PASSWORD, "póliza GMM-2026-0000001"),
        DemoLogin("Prestadores", "prestador@demo.mx", DEMO_PASSWORD, "RFC RASJ750312H42"),
        DemoLogin("Prestadores", "prestador.cl@demo.mx", DEMO_PASSWORD, "o RUT 76.123.456-0"),
        DemoLogin("Afiliados", "afiliado@demo.mx", DEMO_PASSWORD, "o NSS 01234567897"),
    ]
