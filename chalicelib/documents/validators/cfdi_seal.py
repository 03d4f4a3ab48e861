"""Is the CFDI authentic? Offline: the issuer's seal over the *cadena original* 4.0 (SAT's own
XSLT, shipped beside the schemas, compiled once per process on first use), the certificate
that seal was made with, and SAT's stamp.

- `Sello` verifies (RSA-SHA256) over the cadena original with the key of `Certificado`;
- `NoCertificado` is that certificate's number (the 20 ASCII digits of its serial);
- the certificate is a CSD, not an e.firma: its key usage is digital signature and
  non-repudiation only, with no data encipherment or key agreement, and it has no extended
  key usage for e-mail or client authentication (what an e.firma carries);
- it is issued to the `Emisor` RFC (subject x500UniqueIdentifier, OID 2.5.4.45, before any
  "/" that adds the legal representative's);
- it was valid at `Fecha` (local time of Mexico City) and was signed by a trusted authority;
- the TimbreFiscalDigital is there, its `SelloCFD` is `Sello`, and `FechaTimbrado` is not
  before `Fecha`. `SelloSAT` is verified over the stamp's own cadena when SAT's stamping
  certificate for `NoCertificadoSAT` is in the trust store; when it is not, that is a fact.
"""

from __future__ import annotations

import base64
import binascii
import copy
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo

from chalicelib.documents.validators.cfdi_trust import TrustStore, certificate_number
from chalicelib.documents.validators.cfdi_xml import CFDI_PREFIX as _C
from chalicelib.documents.validators.cfdi_xml import NS_TFD, safe_parser
from chalicelib.documents.verdict import Reason

if TYPE_CHECKING:
    from cryptography import x509
    from lxml import etree

_CFD: Final = Path(__file__).resolve().parents[1] / "schemas/sat/www.sat.gob.mx/sitio_internet/cfd"
CADENA_XSLT: Final = _CFD / "4/cadenaoriginal_4_0/cadenaoriginal_4_0.xslt"
STAMP_XSLT: Final = _CFD / "TimbreFiscalDigital/cadenaoriginal_TFD_1_1.xslt"
MEXICO_CITY: Final = ZoneInfo("America/Mexico_City")
RFC_OID: Final = "2.5.4.45"  # x500UniqueIdentifier
_EFIRMA_USAGES: Final = frozenset({"1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"})  # client, e-mail

_ASK = "Pide al emisor el XML original tal como lo timbró el SAT."
SEAL_INVALID: Final = Reason(
    "cfdi_seal_invalid",
    "El sello digital no corresponde al contenido de la factura: el XML se modificó después "
    f"de sellarse o no lo selló el emisor. {_ASK}",
)
CERTIFICATE_UNREADABLE: Final = Reason(
    "cfdi_seal_invalid",
    f"El certificado incluido en la factura está dañado; no se puede verificar su sello. {_ASK}",
)
NOT_CSD: Final = Reason(
    "cfdi_certificate_not_csd",
    "La factura está sellada con un certificado que no es un Certificado de Sello Digital "
    "(CSD), por ejemplo con la e.firma. Pide al emisor que la selle con su CSD.",
)
UNTRUSTED: Final = Reason(
    "cfdi_certificate_untrusted",
    "El certificado con el que se selló la factura no lo emitió el SAT. Pide al emisor una "
    "factura sellada con su Certificado de Sello Digital.",
)
STAMP_MISSING: Final = Reason(
    "cfdi_stamp_missing",
    "La factura no está timbrada: le falta el Timbre Fiscal Digital del SAT (con su folio "
    "fiscal). Sube el XML timbrado que te entregó el emisor.",
)
STAMP_SEAL_MISMATCH: Final = Reason(
    "cfdi_stamp_seal_mismatch",
    f"El Timbre Fiscal Digital no corresponde a esta factura: no certifica su sello. {_ASK}",
)
STAMP_SAT_INVALID: Final = Reason(
    "cfdi_stamp_seal_mismatch",
    f"El sello del SAT en el Timbre Fiscal Digital no es válido. {_ASK}",
)


@lru_cache(maxsize=1)
def _cadena_transform() -> etree.XSLT:
    from lxml import etree

    return etree.XSLT(etree.parse(str(CADENA_XSLT), parser=safe_parser()))


@lru_cache(maxsize=1)
def _stamp_transform() -> etree.XSLT:
    from lxml import etree

    return etree.XSLT(etree.parse(str(STAMP_XSLT), parser=safe_parser()))


def cadena_original(root: etree._Element) -> str:
    """The cadena original 4.0 of a Comprobante (as SAT's XSLT writes it)."""
    return str(_cadena_transform()(root.getroottree()))


def stamp_cadena(stamp: etree._Element) -> str:
    """The cadena original of a TimbreFiscalDigital 1.1."""
    from lxml import etree

    return str(_stamp_transform()(etree.ElementTree(copy.deepcopy(stamp))))


def _verify(certificate: x509.Certificate, signature_b64: str, text: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        key.verify(signature, text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def is_csd(certificate: x509.Certificate) -> bool:
    """A CSD signs and nothing else; an e.firma also enciphers and authenticates."""
    from cryptography import x509

    extensions = certificate.extensions
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    if not (usage.digital_signature and usage.content_commitment):
        return False
    if usage.data_encipherment or usage.key_agreement or usage.key_cert_sign:
        return False
    try:
        extended = extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return not any(oid.dotted_string in _EFIRMA_USAGES for oid in extended)


def certificate_rfc(certificate: x509.Certificate) -> str | None:
    from cryptography import x509

    values = certificate.subject.get_attributes_for_oid(x509.ObjectIdentifier(RFC_OID))
    if not values:
        return None
    value = values[0].value
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.split("/")[0].strip().upper() or None


def _local_instant(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=MEXICO_CITY)


def _day(moment: datetime) -> str:
    return moment.astimezone(MEXICO_CITY).strftime("%d/%m/%Y")


def _load_certificate(encoded: str) -> x509.Certificate | None:
    from cryptography import x509

    try:
        return x509.load_der_x509_certificate(base64.b64decode(encoded, validate=True))
    except (binascii.Error, ValueError):
        return None


def check_certificate(
    root: etree._Element, certificate: x509.Certificate, trust: TrustStore, facts: dict[str, Any]
) -> list[Reason]:
    """NoCertificado, CSD, RFC, validity at Fecha, and the authority that signed it."""
    reasons: list[Reason] = []
    number = certificate_number(certificate)
    declared = root.get("NoCertificado", "")
    rfc = certificate_rfc(certificate)
    facts["certificate_number"] = number
    facts["certificate_rfc"] = rfc
    facts["certificate_valid_until"] = certificate.not_valid_after_utc.isoformat()
    if number != declared:
        reasons.append(
            Reason(
                "cfdi_certificate_number_mismatch",
                f"El número de certificado de la factura ({declared or 'vacío'}) no es el del "
                f"certificado con que se selló ({number or 'ilegible'}). {_ASK}",
            )
        )
    if not is_csd(certificate):
        reasons.append(NOT_CSD)
    issuer = root.find(_C + "Emisor")
    issuer_rfc = (issuer.get("Rfc", "") if issuer is not None else "").upper()
    if rfc != issuer_rfc:
        reasons.append(
            Reason(
                "cfdi_certificate_rfc_mismatch",
                f"El certificado con que se selló la factura es del RFC {rfc or 'desconocido'}, "
                f"no del emisor {issuer_rfc}.",
            )
        )
    issued_at = _local_instant(root.get("Fecha"))
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if issued_at is None or not start <= issued_at <= end:
        reasons.append(
            Reason(
                "cfdi_certificate_expired",
                f"El certificado con que se selló la factura no estaba vigente en la fecha de "
                f"la factura: es válido del {_day(start)} al {_day(end)}.",
            )
        )
    authority = trust.issuer_of(certificate)
    facts["authority"] = authority.subject.rfc4514_string()[:200] if authority else None
    if authority is None:
        reasons.append(UNTRUSTED)
    return reasons


def check_stamp(
    root: etree._Element, seal: str, trust: TrustStore, facts: dict[str, Any]
) -> list[Reason]:
    """The TimbreFiscalDigital certifies this seal, after the CFDI's date; SelloSAT when known."""
    stamp = root.find(f"{_C}Complemento/{{{NS_TFD}}}TimbreFiscalDigital")
    if stamp is None:
        return [STAMP_MISSING]
    reasons: list[Reason] = []
    if stamp.get("SelloCFD", "") != seal:
        reasons.append(STAMP_SEAL_MISMATCH)
    issued_at = _local_instant(root.get("Fecha"))
    stamped_at = _local_instant(stamp.get("FechaTimbrado"))
    if issued_at is None or stamped_at is None or stamped_at < issued_at:
        reasons.append(
            Reason(
                "cfdi_stamp_date_invalid",
                f"La fecha de timbrado ({stamp.get('FechaTimbrado')}) es anterior a la fecha "
                f"de la factura ({root.get('Fecha')}). {_ASK}",
            )
        )
    facts["stamped_at"] = stamp.get("FechaTimbrado")
    sat_certificate = trust.stamping.get(stamp.get("NoCertificadoSAT", ""))
    if sat_certificate is None:
        facts["stamp_seal"] = "certificado_desconocido"
    elif _verify(sat_certificate, stamp.get("SelloSAT", ""), stamp_cadena(stamp)):
        facts["stamp_seal"] = "verificado"
    else:
        facts["stamp_seal"] = "invalido"
        reasons.append(STAMP_SAT_INVALID)
    return reasons


def check_authenticity(
    root: etree._Element, cadena: str, trust: TrustStore, facts: dict[str, Any]
) -> list[Reason]:
    """Every reason the CFDI is not what its issuer sealed and SAT stamped (empty: authentic).
    `cadena` is the cadena original of the CFDI as received (before anything was removed)."""
    seal = root.get("Sello", "")
    found: dict[str, Any] = {"seal_tail": seal[-8:]}
    certificate = _load_certificate(root.get("Certificado", ""))
    reasons: list[Reason] = []
    if certificate is None:
        reasons.append(CERTIFICATE_UNREADABLE)
    else:
        found["seal_verified"] = _verify(certificate, seal, cadena)
        if not found["seal_verified"]:
            reasons.append(SEAL_INVALID)
        reasons.extend(check_certificate(root, certificate, trust, found))
    reasons.extend(check_stamp(root, seal, trust, found))
    facts["authenticity"] = found
    return reasons
