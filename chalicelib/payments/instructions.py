"""Where and how to pay a reference: printable instructions (data, in Spanish)."""

from __future__ import annotations

STORE_CHAINS: tuple[str, ...] = (
    "OXXO",
    "7-Eleven",
    "Farmacias del Ahorro",
    "Circle K",
    "Walmart y Bodega Aurrera",
)
BANKS: tuple[str, ...] = ("BBVA", "Banorte", "Santander", "HSBC", "Scotiabank")
BANK_AGREEMENT = "1234567"  # the platform's collection agreement (convenio CIE)


def for_method(method: str, amount: str, expires_on: str) -> list[str]:
    if method == "tienda":
        return [
            f"Acude a cualquiera de estas tiendas: {', '.join(STORE_CHAINS)}.",
            "Indica en caja que harás un pago de servicio y muestra el código de barras o "
            "dicta la referencia.",
            f"Paga exactamente {amount} en efectivo antes del {expires_on}.",
            "Conserva tu ticket. Te enviaremos el recibo por correo cuando la tienda "
            "confirme el pago (normalmente en minutos).",
        ]
    return [
        f"Deposita en ventanilla o transfiere desde la banca en línea de: {', '.join(BANKS)}.",
        f"Usa el convenio {BANK_AGREEMENT} y escribe la referencia completa, sin espacios.",
        f"Deposita exactamente {amount} antes del {expires_on}.",
        "Conserva tu comprobante. Te enviaremos el recibo por correo cuando el banco "
        "confirme el pago (hasta un día hábil).",
    ]
