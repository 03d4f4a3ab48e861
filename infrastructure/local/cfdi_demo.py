"""`make cfdi-demo` (`python -m infrastructure.local.cfdi_demo`): a genuine CFDI to try on the
local stack, and a forged copy of it.

Seals a fee invoice of the demo provider (prestador@demo.mx, RFC RASJ750312H42, regime 612)
to SEGUROS EJEMPLO DEL CENTRO for one of the demo care orders (SEC-2026-000101 by default),
with the CSD that the local stack's test authority (`.local/sat/`, made by `make run` or
here) issues, stamped with a fresh UUID. Writes `factura-<order>.xml` (genuine: accepted, and
the fake SAT answers Vigente) and `factura-<order>-alterada.xml` (the same invoice with the
patient's name changed after sealing: refused with `cfdi_seal_invalid`) and prints their paths
and the UUID (to set its answer at the fake SAT: `PUT /__fake/cfdi/<uuid>`).
"""

from __future__ import annotations

import argparse
import uuid as uuids
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from infrastructure.local.cfdi_authority import STACK_DIRECTORY, stack_authority
from infrastructure.local.demo_providers import ORDERS, PROVIDER_RFC

ISSUER_NAME = "JORGE ALBERTO RAMIREZ SOTO"
RECEIVER_RFC = "SEC0104236T8"
RECEIVER_NAME = "SEGUROS EJEMPLO DEL CENTRO"
CENT = Decimal("0.01")


def fee_invoice(
    account_number: str, patient: str, amount: str, uuid: str, issued: datetime
) -> bytes:
    """A one-concept fee invoice (regime 612: ISR 10% withheld, IVA exempt), PPD/99, stamped
    five seconds after `issued`; its seals are left for the authority to fill."""
    base = Decimal(amount)
    isr = (base * Decimal("0.10")).quantize(CENT, rounding=ROUND_HALF_UP)
    fecha = issued.strftime("%Y-%m-%dT%H:%M:%S")
    stamped = (issued + timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%S")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" Serie="D" '
        f'Folio="1" Fecha="{fecha}" Sello="" FormaPago="99" NoCertificado="" Certificado="" '
        f'SubTotal="{base:.2f}" Moneda="MXN" Total="{base - isr:.2f}" TipoDeComprobante="I" '
        'Exportacion="01" MetodoPago="PPD" LugarExpedicion="44100">'
        f'<cfdi:Emisor Rfc="{PROVIDER_RFC}" Nombre="{ISSUER_NAME}" RegimenFiscal="612"/>'
        f'<cfdi:Receptor Rfc="{RECEIVER_RFC}" Nombre="{RECEIVER_NAME}" '
        'DomicilioFiscalReceptor="06600" RegimenFiscalReceptor="601" UsoCFDI="G03"/>'
        '<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="85121600" Cantidad="1" ClaveUnidad="E48" '
        f'Unidad="Servicio" Descripcion="Consulta médica cuenta {account_number} paciente '
        f'{patient}" ValorUnitario="{base:.2f}" Importe="{base:.2f}" ObjetoImp="02">'
        f'<cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="{base:.2f}" Impuesto="002" '
        'TipoFactor="Exento"/></cfdi:Traslados><cfdi:Retenciones>'
        f'<cfdi:Retencion Base="{base:.2f}" Impuesto="001" TipoFactor="Tasa" '
        f'TasaOCuota="0.100000" Importe="{isr:.2f}"/></cfdi:Retenciones></cfdi:Impuestos>'
        "</cfdi:Concepto></cfdi:Conceptos>"
        f'<cfdi:Impuestos TotalImpuestosRetenidos="{isr:.2f}"><cfdi:Retenciones>'
        f'<cfdi:Retencion Impuesto="001" Importe="{isr:.2f}"/></cfdi:Retenciones>'
        f'<cfdi:Traslados><cfdi:Traslado Base="{base:.2f}" Impuesto="002" TipoFactor="Exento"/>'
        "</cfdi:Traslados></cfdi:Impuestos><cfdi:Complemento>"
        '<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" '
        f'Version="1.1" UUID="{uuid}" FechaTimbrado="{stamped}" RfcProvCertif="SAT970701NN3" '
        'SelloCFD="" NoCertificadoSAT="" SelloSAT=""/></cfdi:Complemento></cfdi:Comprobante>'
    ).encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infrastructure.local.cfdi_demo")
    parser.add_argument("--order", default=ORDERS[0][0], help="a demo order's account number")
    parser.add_argument("--out", type=Path, default=STACK_DIRECTORY)
    args = parser.parse_args(argv)
    found = [order for order in ORDERS if order[0] == args.order]
    if not found:
        parser.error(f"--order must be one of {', '.join(order[0] for order in ORDERS)}")
    account_number, patient, _, amount, _ = found[0]
    authority, authority_file = stack_authority()
    uuid = str(uuids.uuid4()).upper()
    issued = datetime.now(ZoneInfo("America/Mexico_City")) - timedelta(minutes=1)
    genuine = authority.seal(fee_invoice(account_number, patient, amount, uuid, issued))
    forged = genuine.replace(f"paciente {patient}".encode(), f"paciente {patient} X".encode())
    args.out.mkdir(parents=True, exist_ok=True)
    genuine_path = args.out / f"factura-{account_number}.xml"
    forged_path = args.out / f"factura-{account_number}-alterada.xml"
    genuine_path.write_bytes(genuine)
    forged_path.write_bytes(forged)
    print(f"Genuine CFDI (UUID {uuid}): {genuine_path}")
    print(f"Forged copy (refused, cfdi_seal_invalid): {forged_path}")
    print(f"Sealed with a CSD of the test authority {authority_file} (trusted by make run).")
    print("Upload them as prestador@demo.mx from Mis órdenes (order " + account_number + ").")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
