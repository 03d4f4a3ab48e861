"""Files built in code for the document tests and the bench: ordinary and hostile.

Everything is generated here (no downloads, no binary fixtures to trust): PDFs are written
by hand object by object (so hostile structures are easy to express), CFDI XML is assembled
from templates, JPEGs come from Pillow.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

# ---------------------------------------------------------------- PDF


def assemble_pdf(objects: dict[int, bytes], *, root: int = 1, version: str = "1.7") -> bytes:
    """Write numbered objects, a correct xref table and the trailer."""
    out = io.BytesIO()
    out.write(f"%PDF-{version}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
    size = max(objects) + 1
    xref = out.tell()
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        if number in offsets:
            out.write(f"{offsets[number]:010d} 00000 n \n".encode())
        else:
            out.write(b"0000000000 65535 f \n")
    out.write(f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def stream(data: bytes, *, compress: bool = False, extra: bytes = b"") -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def text_content(lines: Sequence[str]) -> bytes:
    parts = [b"BT /F1 10 Tf 14 TL 50 800 Td"]
    parts.extend(b"(" + _escape(line) + b") '" for line in lines)
    parts.append(b"ET")
    return b"\n".join(parts)


def make_pdf(
    pages: Sequence[Sequence[str]] = (("Informe médico",),),
    *,
    compress: bool = False,
) -> bytes:
    """A PDF with one page per entry, each showing its lines of text (Helvetica, WinAnsi)."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    kids = []
    for index, lines in enumerate(pages):
        page_number, content_number = 4 + 2 * index, 5 + 2 * index
        kids.append(f"{page_number} 0 R".encode())
        objects[page_number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_number
        )
        objects[content_number] = stream(text_content(lines), compress=compress)
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return assemble_pdf(objects)


def one_page_pdf(content: bytes) -> bytes:
    """One page whose content stream is the object `content`."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 4 0 R >>",
        4: content,
    }
    return assemble_pdf(objects)


def scanned_pdf() -> bytes:
    """A page that only paints (no text at all), like a scan without OCR."""
    return one_page_pdf(stream(b"0.5 g 0 0 612 842 re f"))


def many_pages_pdf(count: int) -> bytes:
    """`count` pages sharing one content stream: a small file with a huge page count."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(count))
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
        3: stream(b"0 0 10 10 re f"),
    }
    for i in range(count):
        objects[first_page + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Contents 3 0 R >>"
        )
    return assemble_pdf(objects)


def flate_bomb_pdf(decoded_bytes: int = 200 * 1024 * 1024) -> bytes:
    """One page whose content stream inflates to `decoded_bytes` (~1000:1)."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    body = b"".join(compressor.compress(chunk) for _ in range(decoded_bytes // len(chunk)))
    body += compressor.flush()
    return one_page_pdf(
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"
    )


def page_tree_loop_pdf() -> bytes:
    """The page tree's /Kids contains the tree itself: a reference loop."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] >>",
    }
    return assemble_pdf(objects)


def xobject_loop_pdf() -> bytes:
    """A form XObject that draws itself: text extraction would recurse forever."""
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
            b"/Resources << /XObject << /X1 5 0 R >> >> /Contents 4 0 R >>"
        ),
        4: stream(b"/X1 Do"),
        5: stream(
            b"/X1 Do",
            extra=b" /Type /XObject /Subtype /Form /BBox [0 0 10 10] "
            b"/Resources << /XObject << /X1 5 0 R >> >>",
        ),
    }
    return assemble_pdf(objects)


def encrypted_pdf(user_password: str = "secreto", owner_password: str = "dueno") -> bytes:  # noqa: S107
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(make_pdf()))
    writer = pypdf.PdfWriter(clone_from=reader)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def html_polyglot_pdf() -> bytes:
    """A PDF whose first kilobyte also reads as a web page (comment line with a script)."""
    pdf = make_pdf()
    header_end = pdf.index(b"\n") + 1
    return pdf[:header_end] + b"%<html><script>alert(1)</script>\n" + pdf[header_end:]


def zip_tail_pdf() -> bytes:
    """A PDF followed by a ZIP archive after %%EOF."""
    return make_pdf() + b"PK\x03\x04" + b"\x00" * 26 + b"payload.exe"


STATEMENT_CLABE = "002180700845632136"  # Banamex, valid check digit
OTHER_CLABE = "012180012345678909"  # BBVA, valid check digit


def statement_pdf(
    *,
    clabe: str = STATEMENT_CLABE,
    holder: str = "JORGE ALBERTO RAMÍREZ SOTO",
    period: str = "Periodo: del 01/05/2026 al 31/05/2026",
    extra_pages: int = 0,
) -> bytes:
    lines = [
        "BANCO NACIONAL DE MEXICO S.A.",
        "ESTADO DE CUENTA",
        f"Titular: {holder}",
        period,
        f"CLABE interbancaria: {clabe}",
        "Saldo anterior 10,234.50  Depósitos 5,000.00  Retiros 1,200.00",
        "03/05/2026 PAGO TARJETA 1,200.00",
    ]
    pages = [lines] + [["Movimientos (continuación)", "15/05/2026 DEPOSITO 5,000.00"]] * (
        extra_pages
    )
    return make_pdf(pages)


# ---------------------------------------------------------------- CFDI

ISSUER_RFC = "RASJ750312H42"
RECEIVER_RFC = "SEC0104236T8"
INVOICE_UUID = "5F3A1B2C-9D8E-4F70-A1B2-C3D4E5F60718"
_CENT = Decimal("0.01")


def _m(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def _sealed(body: bytes, sealed: bool) -> bytes:
    """Sealed and stamped by the process's test authority (see cfdi_authority), or as built."""
    if not sealed:
        return body
    from infrastructure.local.cfdi_authority import seal

    return seal(body)


def _stamp(uuid: str | None, issued_at: str = "2026-06-01T10:00:00") -> str:
    """A TimbreFiscalDigital five seconds after `issued_at` (the seals are placeholders)."""
    if uuid is None:
        return ""
    from datetime import datetime, timedelta

    stamped_at = (datetime.fromisoformat(issued_at) + timedelta(seconds=5)).isoformat()
    return (
        f'<tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" '
        f'Version="1.1" UUID="{uuid}" FechaTimbrado="{stamped_at}" '
        'RfcProvCertif="SAT970701NN3" SelloCFD="c2VsbG8=" NoCertificadoSAT="00001000000509846663" '
        'SelloSAT="c2VsbG9TQVQ="/>'
    )


def cfdi_invoice(
    amounts: Sequence[str] = ("1000.00",),
    *,
    regime: str = "612",
    isr_rate: str | None = None,
    cedular: bool = False,
    cedular_rate: str = "0.03",
    iva: Sequence[str] | str = "exento",  # per concept: "exento" or "tasa"
    uuid: str | None = INVOICE_UUID,
    issuer_rfc: str = ISSUER_RFC,
    receiver_rfc: str = RECEIVER_RFC,
    total_delta: str = "0",
    payment_method: str = "PPD",
    payment_form: str = "99",
    addenda: str = "",
    bom: bool = False,
    extra_complement: str = "",
    issued_at: str = "2026-06-01T10:00:00",
    sealed: bool = True,
) -> bytes:
    """A sealed and stamped CFDI 4.0 fee invoice whose taxes follow the retention table (by
    default); `sealed=False` leaves the placeholders of the seal for a caller that changes the
    XML and seals it afterwards."""
    default_isr = {("612", False): "0.100000", ("612", True): "0.100000"}
    default_isr |= {("626", False): "0.012500", ("626", True): "0.025000"}
    isr = Decimal(isr_rate or default_isr.get((regime, cedular), "0.100000"))
    treatments = [iva] * len(amounts) if isinstance(iva, str) else list(iva)
    concepts: list[str] = []
    isr_sum = iva_sum = iva_ret_sum = base_exempt = base_taxed = cedular_sum = Decimal(0)
    for index, raw in enumerate(amounts):
        base = Decimal(raw)
        isr_amount = (base * isr).quantize(_CENT, rounding=ROUND_HALF_UP)
        isr_sum += isr_amount
        cedular_sum += (base * Decimal(cedular_rate)).quantize(_CENT, rounding=ROUND_HALF_UP)
        if treatments[index] == "tasa":
            iva_amount = (base * Decimal("0.16")).quantize(_CENT, rounding=ROUND_HALF_UP)
            iva_ret = (base * Decimal("0.106667")).quantize(_CENT, rounding=ROUND_HALF_UP)
            iva_sum += iva_amount
            iva_ret_sum += iva_ret
            base_taxed += base
            traslado = (
                f'<cfdi:Traslado Base="{_m(base)}" Impuesto="002" TipoFactor="Tasa" '
                f'TasaOCuota="0.160000" Importe="{_m(iva_amount)}"/>'
            )
            iva_retencion = (
                f'<cfdi:Retencion Base="{_m(base)}" Impuesto="002" TipoFactor="Tasa" '
                f'TasaOCuota="0.106667" Importe="{_m(iva_ret)}"/>'
            )
        else:
            base_exempt += base
            traslado = f'<cfdi:Traslado Base="{_m(base)}" Impuesto="002" TipoFactor="Exento"/>'
            iva_retencion = ""
        concepts.append(
            '<cfdi:Concepto ClaveProdServ="85121600" Cantidad="1" ClaveUnidad="E48" '
            f'Unidad="Servicio" Descripcion="Consulta cuenta 10{index:04d} paciente ANA TORRES" '
            f'ValorUnitario="{_m(base)}" Importe="{_m(base)}" ObjetoImp="02">'
            f"<cfdi:Impuestos><cfdi:Traslados>{traslado}</cfdi:Traslados>"
            f'<cfdi:Retenciones><cfdi:Retencion Base="{_m(base)}" Impuesto="001" '
            f'TipoFactor="Tasa" TasaOCuota="{isr:f}" Importe="{_m(isr_amount)}"/>{iva_retencion}'
            "</cfdi:Retenciones></cfdi:Impuestos></cfdi:Concepto>"
        )
    subtotal = sum((Decimal(a) for a in amounts), Decimal(0))
    doc_traslados = ""
    if base_exempt:
        doc_traslados += (
            f'<cfdi:Traslado Base="{_m(base_exempt)}" Impuesto="002" TipoFactor="Exento"/>'
        )
    if base_taxed:
        doc_traslados += (
            f'<cfdi:Traslado Base="{_m(base_taxed)}" Impuesto="002" TipoFactor="Tasa" '
            f'TasaOCuota="0.160000" Importe="{_m(iva_sum)}"/>'
        )
    retenciones = f'<cfdi:Retencion Impuesto="001" Importe="{_m(isr_sum)}"/>'
    if iva_ret_sum:
        retenciones += f'<cfdi:Retencion Impuesto="002" Importe="{_m(iva_ret_sum)}"/>'
    total_trasladados = f' TotalImpuestosTrasladados="{_m(iva_sum)}"' if base_taxed else ""
    local = ""
    local_withheld = Decimal(0)
    if cedular:
        local_withheld = cedular_sum
        percent = (Decimal(cedular_rate) * 100).quantize(_CENT)
        local = (
            '<implocal:ImpuestosLocales xmlns:implocal="http://www.sat.gob.mx/implocal" '
            f'version="1.0" TotaldeRetenciones="{_m(cedular_sum)}" TotaldeTraslados="0.00">'
            f'<implocal:RetencionesLocales ImpLocRetenido="Cedular Jalisco" '
            f'TasadeRetencion="{percent}" Importe="{_m(cedular_sum)}"/></implocal:ImpuestosLocales>'
        )
    total = subtotal + iva_sum - isr_sum - iva_ret_sum - local_withheld + Decimal(total_delta)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" Version="4.0" Serie="A" '
        f'Folio="101" Fecha="{issued_at}" Sello="c2VsbG8=" FormaPago="{payment_form}" '
        'NoCertificado="30001000000500003416" Certificado="Y2VydA==" '
        f'SubTotal="{_m(subtotal)}" Moneda="MXN" Total="{_m(total)}" TipoDeComprobante="I" '
        f'Exportacion="01" MetodoPago="{payment_method}" LugarExpedicion="44100">'
        f'<cfdi:Emisor Rfc="{issuer_rfc}" Nombre="JORGE ALBERTO RAMIREZ SOTO" '
        f'RegimenFiscal="{regime}"/>'
        f'<cfdi:Receptor Rfc="{receiver_rfc}" Nombre="SEGUROS EJEMPLO DEL CENTRO" '
        'DomicilioFiscalReceptor="06600" RegimenFiscalReceptor="601" UsoCFDI="G03"/>'
        f"<cfdi:Conceptos>{''.join(concepts)}</cfdi:Conceptos>"
        f'<cfdi:Impuestos TotalImpuestosRetenidos="{_m(isr_sum + iva_ret_sum)}"{total_trasladados}>'
        f"<cfdi:Retenciones>{retenciones}</cfdi:Retenciones>"
        f"<cfdi:Traslados>{doc_traslados}</cfdi:Traslados></cfdi:Impuestos>"
        f"<cfdi:Complemento>{_stamp(uuid, issued_at)}{local}{extra_complement}</cfdi:Complemento>"
        f"{addenda}</cfdi:Comprobante>"
    )
    return _sealed((b"\xef\xbb\xbf" if bom else b"") + body.encode("utf-8"), sealed)


def cfdi_expense(
    amount: str = "850.00",
    *,
    iva: bool = True,
    uuid: str | None = INVOICE_UUID,
    receiver_rfc: str = "TOVA800101AB1",
    receiver_name: str = "ANA SOFIA TORRES VEGA",
    sealed: bool = True,
) -> bytes:
    """A pharmacy's invoice to a patient: 16% IVA, no retentions."""
    base = Decimal(amount)
    tax = (base * Decimal("0.16")).quantize(_CENT, rounding=ROUND_HALF_UP) if iva else Decimal(0)
    impuestos = (
        f'<cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="{_m(base)}" Impuesto="002" '
        f'TipoFactor="Tasa" TasaOCuota="0.160000" Importe="{_m(tax)}"/></cfdi:Traslados>'
        "</cfdi:Impuestos>"
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" '
        'Fecha="2026-06-02T12:00:00" Sello="c2VsbG8=" FormaPago="04" '
        'NoCertificado="30001000000500003416" Certificado="Y2VydA==" '
        f'SubTotal="{_m(base)}" Moneda="MXN" Total="{_m(base + tax)}" TipoDeComprobante="I" '
        'Exportacion="01" MetodoPago="PUE" LugarExpedicion="06600">'
        '<cfdi:Emisor Rfc="FAR0101017Z5" Nombre="FARMACIA EJEMPLO" RegimenFiscal="601"/>'
        f'<cfdi:Receptor Rfc="{receiver_rfc}" Nombre="{receiver_name}" '
        'DomicilioFiscalReceptor="06600" RegimenFiscalReceptor="605" UsoCFDI="D01"/>'
        '<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="51101500" Cantidad="1" ClaveUnidad="H87" '
        f'Descripcion="Medicamento" ValorUnitario="{_m(base)}" Importe="{_m(base)}" '
        f'ObjetoImp="02">{impuestos}</cfdi:Concepto></cfdi:Conceptos>'
        f'<cfdi:Impuestos TotalImpuestosTrasladados="{_m(tax)}"><cfdi:Traslados>'
        f'<cfdi:Traslado Base="{_m(base)}" Impuesto="002" TipoFactor="Tasa" '
        f'TasaOCuota="0.160000" Importe="{_m(tax)}"/></cfdi:Traslados></cfdi:Impuestos>'
        f"<cfdi:Complemento>{_stamp(uuid, '2026-06-02T12:00:00')}</cfdi:Complemento>"
        "</cfdi:Comprobante>"
    )
    return _sealed(body.encode("utf-8"), sealed)


def cfdi_payment(
    *,
    related_uuid: str = INVOICE_UUID,
    previous: str = "900.00",
    paid: str = "900.00",
    balance: str = "0.00",
    amount: str | None = None,
    total: str | None = None,
    uuid: str | None = "7A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D",
    pagos: bool = True,
    issuer_rfc: str = ISSUER_RFC,
    sealed: bool = True,
) -> bytes:
    """A payment complement (type P, Pagos 2.0) paying one related invoice."""
    amount = amount or paid
    total = total or amount
    complement = (
        '<pago20:Pagos xmlns:pago20="http://www.sat.gob.mx/Pagos20" Version="2.0">'
        f'<pago20:Totales MontoTotalPagos="{total}"/>'
        '<pago20:Pago FechaPago="2026-06-20T12:00:00" FormaDePagoP="03" MonedaP="MXN" '
        f'TipoCambioP="1" Monto="{amount}">'
        f'<pago20:DoctoRelacionado IdDocumento="{related_uuid}" MonedaDR="MXN" '
        f'EquivalenciaDR="1" NumParcialidad="1" ImpSaldoAnt="{previous}" ImpPagado="{paid}" '
        f'ImpSaldoInsoluto="{balance}" ObjetoImpDR="01"/>'
        "</pago20:Pago></pago20:Pagos>"
        if pagos
        else ""
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" Version="4.0" '
        'Fecha="2026-06-21T09:00:00" Sello="c2VsbG8=" NoCertificado="30001000000500003416" '
        'Certificado="Y2VydA==" SubTotal="0" Moneda="XXX" Total="0" TipoDeComprobante="P" '
        'Exportacion="01" LugarExpedicion="44100">'
        f'<cfdi:Emisor Rfc="{issuer_rfc}" Nombre="JORGE ALBERTO RAMIREZ SOTO" RegimenFiscal="612"/>'
        f'<cfdi:Receptor Rfc="{RECEIVER_RFC}" Nombre="SEGUROS EJEMPLO DEL CENTRO" '
        'DomicilioFiscalReceptor="06600" RegimenFiscalReceptor="601" UsoCFDI="CP01"/>'
        '<cfdi:Conceptos><cfdi:Concepto ClaveProdServ="84111506" Cantidad="1" ClaveUnidad="ACT" '
        'Descripcion="Pago" ValorUnitario="0" Importe="0" ObjetoImp="01"/></cfdi:Conceptos>'
        f"<cfdi:Complemento>{complement}{_stamp(uuid, '2026-06-21T09:00:00')}</cfdi:Complemento>"
        "</cfdi:Comprobante>"
    )
    return _sealed(body.encode("utf-8"), sealed)


def cfdi33() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><cfdi:Comprobante '
        b'xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.3" SubTotal="100" Total="100"/>'
    )


def billion_laughs() -> bytes:
    entities = "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
        + entities
        + ']><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4">&lol9;</cfdi:Comprobante>'
    ).encode()


def external_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4">&xxe;</cfdi:Comprobante>'
    )


def huge_xml(size: int = 20 * 1024 * 1024) -> bytes:
    head = b'<?xml version="1.0"?><cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4">'
    tail = b"</cfdi:Comprobante>"
    return head + b"<!-- " + b"x" * (size - len(head) - len(tail) - 9) + b" -->" + tail


# ---------------------------------------------------------------- JPEG

GPS_IFD = 0x8825


def make_jpeg(
    size: tuple[int, int] = (640, 480),
    *,
    orientation: int | None = 6,
    gps: bool = True,
    comment: bytes = b"comentario privado",
) -> bytes:
    """A photo-like JPEG with EXIF (orientation, camera, GPS) and a comment segment."""
    from PIL import Image

    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Telefono"
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif.get_ifd(GPS_IFD)[1] = "N"
        exif.get_ifd(GPS_IFD)[2] = (19.0, 26.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=comment)
    return out.getvalue()


def pixel_flood_jpeg(width: int = 65_000, height: int = 65_000) -> bytes:
    """A tiny JPEG whose frame header claims `width` x `height` pixels."""
    data = bytearray(make_jpeg((8, 8), orientation=None, gps=False))
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 7] = height.to_bytes(2, "big")
    data[sof + 7 : sof + 9] = width.to_bytes(2, "big")
    return bytes(data)


def jpeg_zip_polyglot() -> bytes:
    """A JPEG followed by a ZIP archive: opens as a photo and as an archive."""
    archive = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("payload.html", "<script>alert(1)</script>")
    return make_jpeg() + archive.getvalue()


# ---------------------------------------------------------------- CSV

CSV_HEADER = (
    "tipo,id_transaccion,rut_prestador,fecha,valor_total,aporte_financiador,aporte_seguro,"
    "copago,monto,cuotas,comision_emisor,respuesta_emisor"
)


def transactions_csv(rows: Sequence[str] | None = None, *, header: str = CSV_HEADER) -> bytes:
    rows = (
        rows
        if rows is not None
        else [
            "bono,B-1001,76.123.456-0,2026-06-01,30000,12000,15000,3000,,,,",
            "tarjeta,T-2001,76.123.456-0,2026-06-02T10:30:00,,,,,45000,3,900,aprobada",
        ]
    )
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")
