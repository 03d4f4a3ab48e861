"""A test certificate authority for CFDIs (local stack, tests and benchmarks; never deployed).

It plays SAT's two parts: the authority that issues each issuer's CSD (Certificado de Sello
Digital, key usage digital signature + non-repudiation, the RFC in x500UniqueIdentifier, a
20-digit number in the serial) and the stamping service whose certificate signs `SelloSAT`.
`seal()` fills a CFDI's `NoCertificado`, `Certificado` and `Sello` (RSA-SHA256 over the
cadena original, SAT's XSLT) and, when it has a TimbreFiscalDigital, its `SelloCFD`,
`NoCertificadoSAT` and `SelloSAT`. So every demo and test CFDI is really sealed and stamped,
and verifies once this authority is trusted (`SAT_EXTRA_TRUSTED_CAS` on the local and test
stages, `--trusted-ca` in the CLI).

RSA key generation takes ~80 ms, so an authority has two keys (its own, and one shared by
every certificate it issues) and `session_authority()` makes one per process. The local stack
keeps its authority under `.local/sat/` (see `stack_authority`), so a CFDI sealed by
`make cfdi-demo` verifies on the next `make run` too.
"""

from __future__ import annotations

import base64
import datetime
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

ROOT: Final = Path(__file__).resolve().parents[2]
STACK_DIRECTORY: Final = ROOT / ".local" / "sat"
AUTHORITY_FILE: Final = "autoridad-de-pruebas.pem"  # the certificates to trust
KEYS_FILE: Final = "autoridad-de-pruebas.key.pem"  # its keys: never trust a CFDI with these
RFC_OID: Final = x509.ObjectIdentifier("2.5.4.45")
NS_TFD: Final = "http://www.sat.gob.mx/TimbreFiscalDigital"
NS_CFDI4: Final = "http://www.sat.gob.mx/cfd/4"
STAMPING_NUMBER: Final = "00001000000799999999"
SAT_STAMPER_RFC: Final = "SAT970701NN3"
VALID_FROM: Final = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
VALID_UNTIL: Final = datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def number_serial(number: str) -> int:
    """The serial of a certificate whose SAT number is `number` (20 ASCII digits)."""
    return int.from_bytes(number.encode("ascii"), "big")


@dataclass(frozen=True)
class Credential:
    """A certificate and the key it certifies."""

    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    number: str

    def sign(self, text: str) -> str:
        signature = self.key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(signature).decode("ascii")

    @property
    def der_base64(self) -> str:
        return base64.b64encode(self.certificate.public_bytes(serialization.Encoding.DER)).decode()


class TestAuthority:
    """An authority that issues CSDs and stamps CFDIs like SAT (for tests and the demo)."""

    __test__ = False  # not a pytest class

    def __init__(
        self,
        authority_key: rsa.RSAPrivateKey,
        signer_key: rsa.RSAPrivateKey,
        name: str = "AUTORIDAD CERTIFICADORA DE PRUEBAS (NO ES DEL SAT)",
    ) -> None:
        self.authority_key = authority_key
        self.signer_key = signer_key
        self.name = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "PORTAL MEDICO - PRUEBAS"),
            ]
        )
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(self.name)
            .issuer_name(self.name)
            .public_key(authority_key.public_key())
            .serial_number(number_serial("00001000000700000000"))
            .not_valid_before(VALID_FROM)
            .not_valid_after(VALID_UNTIL)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(authority_key, hashes.SHA256())
        )
        self._issued: dict[tuple[object, ...], Credential] = {}
        self._next = 1
        self._lock = threading.Lock()

    @classmethod
    def generate(cls, name: str | None = None) -> TestAuthority:
        return cls(_key(), _key(), *([name] if name else []))

    # ------------------------------------------------------------------ certificates

    def csd(
        self,
        rfc: str,
        name: str = "CONTRIBUYENTE DE PRUEBAS",
        *,
        efirma: bool = False,
        valid_from: datetime.datetime = VALID_FROM,
        valid_until: datetime.datetime = VALID_UNTIL,
    ) -> Credential:
        """The CSD (or, with `efirma`, the e.firma) of `rfc`, issued once per combination."""
        key = (rfc.upper(), name, efirma, valid_from, valid_until)
        with self._lock:
            found = self._issued.get(key)
            if found is None:
                number = f"300010000007{self._next:08d}"
                self._next += 1
                found = self._issue(rfc.upper(), name, number, efirma, valid_from, valid_until)
                self._issued[key] = found
        return found

    def _issue(
        self,
        rfc: str,
        name: str,
        number: str,
        efirma: bool,
        valid_from: datetime.datetime,
        valid_until: datetime.datetime,
    ) -> Credential:
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, name),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, name),
                x509.NameAttribute(RFC_OID, rfc),
                *([] if efirma else [x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "1")]),
            ]
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.name)
            .public_key(self.signer_key.public_key())
            .serial_number(number_serial(number))
            .not_valid_before(valid_from)
            .not_valid_after(valid_until)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=efirma,
                    key_agreement=efirma,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
        )
        if efirma:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
                ),
                critical=False,
            )
        certificate = builder.sign(self.authority_key, hashes.SHA256())
        return Credential(certificate, self.signer_key, number)

    @property
    def stamping(self) -> Credential:
        """The stamping service's certificate (`NoCertificadoSAT`), issued once."""
        with self._lock:
            found = self._issued.get(("stamping",))
            if found is None:
                found = self._issue(
                    SAT_STAMPER_RFC, "TIMBRADO DE PRUEBAS", STAMPING_NUMBER, False, *_VALIDITY
                )
                self._issued[("stamping",)] = found
        return found

    def pem(self) -> bytes:
        """What to trust: the authority and the stamping certificate."""
        return b"".join(
            certificate.public_bytes(serialization.Encoding.PEM)
            for certificate in (self.certificate, self.stamping.certificate)
        )

    # ------------------------------------------------------------------ sealing

    def seal(
        self,
        data: bytes,
        *,
        credential: Credential | None = None,
        issuer_name: str | None = None,
    ) -> bytes:
        """`data` sealed with the CSD of its Emisor (or `credential`) and, when it carries a
        TimbreFiscalDigital, stamped."""
        from lxml import etree

        from chalicelib.documents.validators.cfdi_seal import cadena_original, stamp_cadena
        from chalicelib.documents.validators.cfdi_xml import safe_parser

        bom = data.startswith(b"\xef\xbb\xbf")
        root = etree.fromstring(data.removeprefix(b"\xef\xbb\xbf"), parser=safe_parser())
        if credential is None:
            issuer = root.find(f"{{{NS_CFDI4}}}Emisor")
            rfc = issuer.get("Rfc", "") if issuer is not None else ""
            name = issuer_name or (issuer.get("Nombre", "") if issuer is not None else "")
            credential = self.csd(rfc, name or "CONTRIBUYENTE DE PRUEBAS")
        root.set("NoCertificado", credential.number)
        root.set("Certificado", credential.der_base64)
        seal = credential.sign(cadena_original(root))
        root.set("Sello", seal)
        stamp = root.find(f"{{{NS_CFDI4}}}Complemento/{{{NS_TFD}}}TimbreFiscalDigital")
        if stamp is not None:
            stamp.set("SelloCFD", seal)
            stamp.set("NoCertificadoSAT", self.stamping.number)
            stamp.set("SelloSAT", self.stamping.sign(stamp_cadena(stamp)))
        body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return (b"\xef\xbb\xbf" if bom else b"") + body

    # ------------------------------------------------------------------ files

    def write(self, directory: Path) -> Path:
        """Write the certificates to trust and the keys; answer the certificates' file."""
        directory.mkdir(parents=True, exist_ok=True)
        keys = b"".join(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            for key in (self.authority_key, self.signer_key)
        )
        _atomic_write(directory / KEYS_FILE, keys)
        _atomic_write(directory / AUTHORITY_FILE, self.pem())
        return directory / AUTHORITY_FILE

    @classmethod
    def read(cls, directory: Path) -> TestAuthority:
        blob = (directory / KEYS_FILE).read_bytes()
        marker = b"-----END PRIVATE KEY-----"
        parts = [part + marker for part in blob.split(marker) if part.strip()]
        keys = [serialization.load_pem_private_key(part.strip(), None) for part in parts]
        authority_key, signer_key = keys
        assert isinstance(authority_key, rsa.RSAPrivateKey)
        assert isinstance(signer_key, rsa.RSAPrivateKey)
        return cls(authority_key, signer_key)


_VALIDITY: Final = (VALID_FROM, VALID_UNTIL)


def _atomic_write(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)


def stack_authority(directory: Path = STACK_DIRECTORY) -> tuple[TestAuthority, Path]:
    """The local stack's authority: read from `directory`, or made and written there once."""
    if (directory / KEYS_FILE).exists() and (directory / AUTHORITY_FILE).exists():
        try:
            return TestAuthority.read(directory), directory / AUTHORITY_FILE
        except (ValueError, AssertionError):
            pass  # damaged: make a new one
    authority = TestAuthority.generate()
    return authority, authority.write(directory)


@lru_cache(maxsize=1)
def session_authority() -> TestAuthority:
    """This process's test authority, made once; its certificates are written to the first
    file `SAT_EXTRA_TRUSTED_CAS` names (the tests' environment sets one per process), so the
    validators of this process, and a local stack it starts, trust it."""
    authority = TestAuthority.generate()
    target = os.environ.get("SAT_EXTRA_TRUSTED_CAS", "").split(os.pathsep)[0].strip()
    if target:
        _atomic_write(Path(target), authority.pem())
    return authority


def seal(data: bytes, **options: object) -> bytes:
    """`data` sealed and stamped by this process's test authority."""
    return session_authority().seal(data, **options)  # type: ignore[arg-type]
