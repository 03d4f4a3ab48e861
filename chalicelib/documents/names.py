"""File-name rule for uploads, with a Spanish message that says what is wrong.

A name is ASCII letters, digits, `_` and `-`, exactly one dot before the extension, at most
100 characters; the extension must be allowed for the owner (people upload PDF, XML, JPG and
JPEG; operators upload CSV transaction files; a platform administrator an insurer's logo as
PNG or JPEG). XML invoices are judged the same way: the person is told not to rename them,
and the name is shown as given.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

MAX_NAME_LENGTH: Final = 100
_ALLOWED_STEM_CHARACTERS: Final = frozenset(string.ascii_letters + string.digits + "_-")


class OwnerKind(StrEnum):
    PERSON = "person"  # claims, bank accounts, care orders, invoices
    OPERATOR_TRANSACTIONS = "operator_transactions"
    LOGO = "logo"  # an insurer's logo, uploaded by a platform administrator
    IMPORT = "import"  # an insurer's data import (CSV or Excel), uploaded by its staff


ALLOWED_EXTENSIONS: Final[dict[OwnerKind, tuple[str, ...]]] = {
    OwnerKind.PERSON: ("pdf", "xml", "jpg", "jpeg"),
    OwnerKind.OPERATOR_TRANSACTIONS: ("csv",),
    OwnerKind.LOGO: ("png", "jpg", "jpeg"),
    OwnerKind.IMPORT: ("csv", "xlsx"),
}

CONTENT_TYPES: Final[dict[str, str]] = {
    "pdf": "application/pdf",
    "xml": "application/xml",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class NameCheck:
    valid: bool
    code: str  # "ok", "file_name_invalid" or "file_type_not_allowed"
    message: str
    extension: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "valid": self.valid,
            "code": self.code,
            "message": self.message,
            "extension": self.extension,
        }


def _describe(character: str) -> str:
    """How to name a character for a person: `«é»`, `un espacio`, `un tabulador`."""
    if character == " ":
        return "un espacio"
    if character == "\t":
        return "un tabulador"
    if not character.isprintable():
        return f"un carácter invisible (U+{ord(character):04X})"
    if unicodedata.combining(character):
        return f"un acento suelto (U+{ord(character):04X})"
    return f"«{character}»"


def _invalid(message: str) -> NameCheck:
    return NameCheck(valid=False, code="file_name_invalid", message=message)


def _list_extensions(extensions: tuple[str, ...]) -> str:
    upper = [extension.upper() for extension in extensions]
    return upper[0] if len(upper) == 1 else ", ".join(upper[:-1]) + " o " + upper[-1]


def check_name(name: str, owner: OwnerKind = OwnerKind.PERSON) -> NameCheck:
    """Judge an upload's file name for an owner of that kind."""
    if not name:
        return _invalid("El archivo no tiene nombre.")
    if len(name) > MAX_NAME_LENGTH:
        return _invalid(
            f"El nombre del archivo tiene {len(name)} caracteres; el máximo es {MAX_NAME_LENGTH}."
        )
    allowed = ALLOWED_EXTENSIONS[owner]
    for position, character in enumerate(name, start=1):
        if character != "." and character not in _ALLOWED_STEM_CHARACTERS:
            hint = ""
            if unicodedata.normalize("NFKD", character)[0] in _ALLOWED_STEM_CHARACTERS:
                hint = " (escríbelo sin acento)"
            return _invalid(
                f"El nombre del archivo contiene {_describe(character)} en la posición "
                f"{position}{hint}. Usa solo letras sin acentos, números, guion (-) y "
                "guion bajo (_)."
            )
    dots = name.count(".")
    if dots == 0:
        return _invalid(
            "El nombre del archivo no tiene extensión; debe terminar en "
            f".{allowed[0]} (se aceptan {_list_extensions(allowed)})."
        )
    if dots > 1:
        return _invalid(
            f"El nombre del archivo tiene {dots} puntos; solo se permite el punto antes de la "
            "extensión. Cambia los demás por guion (-) o guion bajo (_)."
        )
    stem, extension = name.split(".")
    if not stem:
        return _invalid("El nombre del archivo no puede empezar con un punto.")
    if not extension:
        return _invalid("El nombre del archivo termina en punto; falta la extensión.")
    normalized = extension.lower()
    if normalized not in allowed:
        return NameCheck(
            valid=False,
            code="file_type_not_allowed",
            message=(f"No se aceptan archivos .{extension}: solo {_list_extensions(allowed)}."),
            extension=normalized,
        )
    return NameCheck(valid=True, code="ok", message="Nombre válido.", extension=normalized)
