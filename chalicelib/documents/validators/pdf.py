"""PDF: structure, encryption, page count and (when the kind needs it) text.

pypdf parses in a forked child (`chalicelib.documents.isolation`) under a memory cap and a
timeout, with its own limits lowered through `pypdf.apply_configuration` (10 MB per decoded
stream, a bounded page tree). Every exception becomes a reason: a person sees "dañado",
"protegido con contraseña", "demasiadas páginas" or "demasiado complejo", never a trace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Final

from chalicelib.documents import limits, magic
from chalicelib.documents.isolation import run_isolated
from chalicelib.documents.verdict import Reason, Verdict

# Readers look for %%EOF in the last kilobyte; a file cut short in transit does not have it.
_EOF_WINDOW: Final = 1024

DAMAGED: Final = Reason(
    "pdf_damaged",
    "El PDF está dañado o incompleto. Vuelve a descargarlo o a generarlo y súbelo de nuevo.",
)
ENCRYPTED: Final = Reason(
    "pdf_encrypted",
    "El PDF está protegido con contraseña. Súbelo sin contraseña (por ejemplo, "
    "imprímelo como PDF) para que podamos revisarlo.",
)
TOO_COMPLEX: Final = Reason(
    "pdf_too_complex",
    "El PDF es demasiado complejo o pesado para revisarlo. Guárdalo de nuevo como PDF "
    "(por ejemplo, con «Imprimir como PDF») y vuelve a subirlo.",
)
HTML_INSIDE: Final = Reason(
    "pdf_suspicious_content",
    "El PDF contiene código de página web o de otro tipo de archivo; por seguridad no lo "
    "aceptamos. Genera el PDF de nuevo y vuelve a subirlo.",
)


def too_many_pages(pages: int, cap: int) -> Reason:
    return Reason(
        "pdf_too_many_pages",
        f"El PDF tiene {pages} páginas; el máximo para este documento es {cap}.",
    )


@dataclass(frozen=True)
class PdfInspection:
    """What the child learned: either a reason against the file or the facts."""

    reason: Reason | None = None
    pages: int = 0
    text: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def _configuration_overrides() -> dict[str, int]:
    stream = limits.MAX_STREAM_BYTES
    return {
        "maximum_declared_stream_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "zlib_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "jbig2_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "xmp_maximum_input_length": stream,
        "stream_decoding_work_maximum_length": 4 * stream,
        "page_tree_maximum_entries": limits.MAX_PAGE_TREE_ENTRIES,
        "page_tree_maximum_page_entries": limits.MAX_PAGE_TREE_ENTRIES,
    }


def _inspect_in_child(data: bytes, max_pages: int, want_text: bool) -> PdfInspection:
    """Runs in the child process: parse, count pages, decode every page's content."""
    import io

    import pypdf
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    # pypdf logs every repair it makes; the verdict already says what matters.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        configuration = pypdf.get_configuration().with_overwrites(**_configuration_overrides())
        with pypdf.apply_configuration(configuration):
            reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
            encrypted = reader.is_encrypted
            # Owner-password-only files (print/copy restrictions) open with an empty password.
            if encrypted and not reader.decrypt(""):
                return PdfInspection(reason=ENCRYPTED)
            pages = len(reader.pages)
            if pages == 0:
                return PdfInspection(reason=DAMAGED)
            if pages > max_pages:
                return PdfInspection(reason=too_many_pages(pages, max_pages), pages=pages)
            chunks: list[str] = []
            collected = 0
            for page in reader.pages:
                # Decoding each page's content is what finds damaged or bomb streams.
                contents = page.get_contents()
                if contents is not None:
                    contents.get_data()
                if want_text and collected < limits.MAX_PDF_TEXT_CHARS:
                    text = page.extract_text() or ""
                    chunks.append(text)
                    collected += len(text)
            text = "\n".join(chunks)[: limits.MAX_PDF_TEXT_CHARS]
            return PdfInspection(
                pages=pages,
                text=text,
                facts={"pages": pages, "owner_password_only": encrypted},
            )
    except FileNotDecryptedError:
        return PdfInspection(reason=ENCRYPTED)
    except LimitReachedError:
        return PdfInspection(reason=TOO_COMPLEX)
    except MemoryError:
        return PdfInspection(reason=TOO_COMPLEX)
    except RecursionError:
        # Reference loops in the object graph end here when pypdf follows them.
        return PdfInspection(reason=DAMAGED)
    except Exception:  # pypdf raises many types on malformed input; all mean "damaged"
        return PdfInspection(reason=DAMAGED)


def precheck(data: bytes) -> Reason | None:
    """Checks that need no parser: truncation and HTML riding in the file's head or tail."""
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        return DAMAGED
    if magic.html_in(data[:1024]):
        return HTML_INSIDE
    tail = data[data.rfind(b"%%EOF") + 5 :]
    if tail.strip() and magic.foreign_signature(tail) is not None:
        return HTML_INSIDE
    return None


def inspect_pdf(data: bytes, *, max_pages: int, want_text: bool) -> PdfInspection:
    """Parse `data` in an isolated child and report pages, text and a possible reason."""
    reason = precheck(data)
    if reason is not None:
        return PdfInspection(reason=reason)
    # Import before forking so every child starts with pypdf loaded (once per container).
    import pypdf  # noqa: F401

    result = run_isolated(_inspect_in_child, data, max_pages, want_text)
    if result.outcome == "ok" and isinstance(result.value, PdfInspection):
        return result.value
    if result.outcome in ("timeout", "memory"):
        return PdfInspection(reason=TOO_COMPLEX, facts={"limit": result.outcome})
    return PdfInspection(reason=DAMAGED, facts={"limit": result.outcome})


def validate_pdf(data: bytes, kind: str = "pdf") -> Verdict:
    """Any PDF (a form, a medical report, a scan): readable, not encrypted, within the caps."""
    inspection = inspect_pdf(data, max_pages=limits.max_pdf_pages(kind), want_text=False)
    if inspection.reason is not None:
        return Verdict(status="rechazado", reasons=(inspection.reason,), facts=inspection.facts)
    return Verdict(status="aceptado", facts=inspection.facts)
