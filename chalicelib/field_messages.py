"""What a person reads when a field of a request is refused: the 422 details of API.md.

Pydantic reports where an error is (`loc`) in its own terms: a field of a union carries the
name of the union's member that failed (`secondary_email.function-after[_validate(), str]`,
`phone.constrained-str`, `phone.literal['']`), one error per member. `field_path` keeps the
request's own dotted path (`secondary_email`, `files.0.name`) and `pick` keeps one error per
field, the one of the member the person meant.

The message is said per field, for a person filling in a form: "Escribe tu correo
electrónico." for an empty email rather than "El texto es demasiado corto.". `FIELD_MESSAGES`
is keyed by the field's name (its last name in the path) or by its path with `*` for a list's
position (`files.*.name`); a field it does not name gets the generic message of the error's
kind, in plain Spanish and with its limit ("Escribe como máximo 150 caracteres."). A
validator that raises `ValueError("…")` speaks for itself, except when nothing was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

from chalicelib.errors import ErrorDetail


@dataclass(frozen=True)
class FieldText:
    """What to tell about one field: when nothing was written or chosen, and when what was
    written is not acceptable (None: the error's own message)."""

    empty: str
    invalid: str | None = None


_EMAIL = "Escribe un correo válido, como nombre@ejemplo.com."
_FILE = FieldText("Elige un archivo.")
_DATE = FieldText("Escribe la fecha.", "Escribe una fecha válida (día, mes y año).")
_AMOUNT = FieldText("Escribe el importe.", "Escribe un importe válido, como 1250.00.")
_PHONE = FieldText("Escribe el teléfono a 10 dígitos.", "El teléfono debe tener 10 dígitos.")
_CLABE = FieldText("Escribe la CLABE de 18 dígitos.", "La CLABE debe tener 18 dígitos.")

FIELD_MESSAGES: Final[Mapping[str, FieldText]] = MappingProxyType(
    {
        # accounts and sessions
        "email": FieldText("Escribe tu correo electrónico.", _EMAIL),
        "secondary_email": FieldText("Escribe el correo adicional.", _EMAIL),
        "phone": _PHONE,
        "identifier": FieldText("Escribe tu correo electrónico, NSS o RUT."),
        "password": FieldText("Escribe tu contraseña."),
        "current_password": FieldText("Escribe tu contraseña actual."),
        "new_password": FieldText("Escribe la contraseña nueva."),
        "full_name": FieldText("Escribe el nombre completo."),
        "policy_number": FieldText(
            "Escribe el número de póliza.",
            "Escribe el número de póliza como aparece en tu certificado.",
        ),
        "rfc": FieldText("Escribe el RFC."),
        "rut": FieldText("Escribe el RUT."),
        "nss": FieldText("Escribe el número de seguridad social (NSS) de 11 dígitos."),
        "credential_serial": FieldText("Escribe el número de serie de tu credencial."),
        "fiscal_regime": FieldText("Elige el régimen fiscal."),
        "country": FieldText("Elige el país."),
        "token": FieldText(
            "El enlace está incompleto: ábrelo de nuevo desde tu correo.",
            "El enlace no es válido: ábrelo de nuevo desde tu correo.",
        ),
        "code": FieldText(
            "Escribe el código de 6 dígitos de tu aplicación.", "El código debe tener 6 dígitos."
        ),
        "session": FieldText("Tu inicio de sesión venció: vuelve a escribir tu contraseña."),
        "accept_privacy_broker": FieldText(
            "Debes aceptar el aviso de privacidad para registrarte."
        ),
        "accept_privacy_insurer": FieldText(
            "Debes aceptar el aviso de privacidad para registrarte."
        ),
        "duties": FieldText("Elige al menos una función."),
        # claims
        "member_id": FieldText("Elige a la persona afectada."),
        "coverage": FieldText("Elige la cobertura."),
        "type": FieldText("Elige el tipo de trámite."),
        "subtype": FieldText("Elige qué se programa."),
        "stage": FieldText("Elige si el trámite es inicial o complemento."),
        "condition_id": FieldText("Elige el padecimiento."),
        "hospital_id": FieldText("Elige el hospital."),
        "payout_clabe": _CLABE,
        "consent": FieldText(
            "Marca la casilla para autorizar el uso de tus datos personales.",
            "Marca la casilla para autorizar el uso de tus datos personales.",
        ),
        "files": FieldText("Elige al menos un archivo."),
        "files.*.name": _FILE,
        "files.*.doc_type": FieldText("Elige qué documento es."),
        "file": _FILE,
        "file.name": _FILE,
        "document_ids": FieldText("Adjunta al menos un documento."),
        "observations": FieldText("Escribe tus observaciones."),
        "requested_documents": FieldText("Elige al menos un documento que haga falta."),
        "note": FieldText("Escribe una nota."),
        "subject": FieldText("Escribe el asunto."),
        "message": FieldText("Escribe tu mensaje."),
        # providers
        "clabe": _CLABE,
        "statement": FieldText("Elige el PDF de tu estado de cuenta."),
        "statement.name": FieldText("Elige el PDF de tu estado de cuenta."),
        "care_order_ids": FieldText("Elige al menos una orden."),
        "account_number": FieldText("Escribe el número de cuenta."),
        "patient_name": FieldText("Escribe el nombre del paciente."),
        "service": FieldText("Elige el servicio."),
        "amount": _AMOUNT,
        "coinsurance": _AMOUNT,
        "date": _DATE,
        "paid_on": _DATE,
        "issued_on": _DATE,
        "due_on": _DATE,
        "start_date": _DATE,
        "period_end": _DATE,
        "insurer_id": FieldText("Elige la aseguradora."),
        # memberships and payments
        "plan_id": FieldText("Elige un plan."),
        "months": FieldText("Elige cuántos meses pagas.", "Elige entre 1 y 12 meses."),
        "method": FieldText("Elige cómo quieres pagar."),
        "card_token": FieldText("Revisa los datos de la tarjeta."),
        # appointments
        "slot_id": FieldText("Elige un horario."),
        "patient_id": FieldText("Elige para quién es la cita."),
        "clinic": FieldText("Elige la clínica."),
        # privacy requests
        "decision": FieldText("Elige si apruebas o rechazas la solicitud."),
        "reason": FieldText("Explica a la persona por qué se rechaza su solicitud."),
        # insurers and imports
        "display_name": FieldText("Escribe el nombre que verán tus usuarios."),
        "legal_name": FieldText("Escribe la razón social."),
        "brand_color": FieldText(
            "Escribe el color de la marca.", "Escribe el color como #RRGGBB, por ejemplo #0A5FA8."
        ),
        "kind": FieldText("Elige el tipo."),
        "mode": FieldText("Elige si solo se valida o también se aplica."),
    }
)

# Pydantic's kinds of error, said for a person when the field has no message of its own.
# `{…}` are the limits of the error's context.
KIND_MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "missing": "Completa este campo.",
        "extra_forbidden": "Este dato no se admite.",
        "string_type": "Escribe un texto.",
        "string_too_short": "Escribe al menos {min_length} caracteres.",
        "string_too_long": "Escribe como máximo {max_length} caracteres.",
        "string_pattern_mismatch": "Revisa lo que escribiste: el formato no es válido.",
        "int_type": "Escribe un número entero.",
        "int_parsing": "Escribe un número entero.",
        "int_from_float": "Escribe un número entero.",
        "bool_type": "Marca o desmarca la casilla.",
        "bool_parsing": "Marca o desmarca la casilla.",
        "decimal_parsing": "Escribe una cantidad, como 1250.00.",
        "decimal_type": "Escribe una cantidad, como 1250.00.",
        "date_from_datetime_parsing": "Escribe una fecha válida (día, mes y año).",
        "date_parsing": "Escribe una fecha válida (día, mes y año).",
        "date_type": "Escribe una fecha válida (día, mes y año).",
        "datetime_parsing": "Escribe una fecha y hora válidas.",
        "datetime_type": "Escribe una fecha y hora válidas.",
        "literal_error": "Elige una de las opciones.",
        "enum": "Elige una de las opciones.",
        "list_type": "Elige al menos una opción.",
        "too_short": "Elige al menos {min_length}.",
        "too_long": "Elige como máximo {max_length}.",
        "model_type": "Completa este apartado.",
        "model_attributes_type": "Completa este apartado.",
        "dict_type": "Completa este apartado.",
        "greater_than": "Escribe un número mayor que {gt}.",
        "greater_than_equal": "Escribe un número de al menos {ge}.",
        "less_than": "Escribe un número menor que {lt}.",
        "less_than_equal": "Escribe un número de como máximo {le}.",
        "value_error": "Revisa este dato: no es válido.",
    }
)
_DEFAULT: Final = "Revisa este dato: no es válido."
_EMPTY: Final = "Completa este campo."

# The names pydantic gives a union's members in `loc`: a validator's description
# (`function-after[…]`, `constrained-str`, `literal['']`, `list[str]`), a bare type, or a
# model's class name. The API's own field names are snake_case.
_BARE_TYPES: Final = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "none",
        "bytes",
        "decimal",
        "datetime",
        "time",
        "timedelta",
        "uuid",
        "url",
        "list",
        "dict",
        "tuple",
        "set",
        "any",
    }
)
_DESCRIBED: Final = re.compile(r"[\[\]()\-, '\"]")
_CLASS_NAME: Final = re.compile(r"^_*[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*$")
# Errors of the union's members the person did not mean (an optional field's "" or null).
_NOT_MEANT: Final = frozenset({"literal_error", "none_required"})


def is_member_label(part: str) -> bool:
    """Whether a `loc` part names a union's member rather than a field of the request."""
    return bool(_DESCRIBED.search(part)) or part in _BARE_TYPES or bool(_CLASS_NAME.match(part))


def field_path(location: Iterable[str | int]) -> str:
    """The request's dotted path of a pydantic `loc` ("files.0.name"); "" for the whole body."""
    return ".".join(
        str(part) for part in location if not (isinstance(part, str) and is_member_label(part))
    )


def _pattern(path: str) -> str:
    return ".".join("*" if part.isdigit() else part for part in path.split("."))


def field_text(path: str) -> FieldText | None:
    """The field's own messages: by its path (`files.*.name`), else by its last name."""
    found = FIELD_MESSAGES.get(_pattern(path))
    if found is not None:
        return found
    names = [part for part in path.split(".") if part and not part.isdigit()]
    return FIELD_MESSAGES.get(names[-1]) if names else None


def _empty(error: Mapping[str, Any]) -> bool:
    """Nothing written or chosen: absent, null, blank text, an empty list or object."""
    if error["type"] == "missing":
        return True
    if "input" not in error:
        return False
    value = error["input"]
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (list, dict)):
        return not value
    return False


def _generic(kind: str, context: Mapping[str, Any]) -> str:
    template = KIND_MESSAGES.get(kind, _DEFAULT)
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return _DEFAULT


def message_for(path: str, error: Mapping[str, Any]) -> str:
    """The Spanish sentence a person reads beside the field."""
    kind = str(error["type"])
    context = error.get("ctx") or {}
    text = field_text(path)
    if _empty(error):
        return text.empty if text else _EMPTY
    if kind == "value_error" and "error" in context:
        return str(context["error"])  # a validator of ours, in Spanish already
    if text and text.invalid:
        return text.invalid
    if kind == "string_too_short" and context.get("min_length") == 1:
        return text.empty if text else _EMPTY
    return _generic(kind, context)


def pick(errors: Iterable[tuple[str, Mapping[str, Any]]]) -> list[tuple[str, Mapping[str, Any]]]:
    """One error per field, in order: of a union's several, the one the person meant."""
    chosen: dict[str, Mapping[str, Any]] = {}
    for path, error in errors:
        if path not in chosen or (
            chosen[path]["type"] in _NOT_MEANT and error["type"] not in _NOT_MEANT
        ):
            chosen[path] = error
    return list(chosen.items())


def details(errors: Iterable[Mapping[str, Any]], *, skip: int = 0) -> list[ErrorDetail]:
    """API.md's 422 details of pydantic's `errors(include_input=True)`; `skip` drops leading
    parts of each location (a tagged union's tag)."""
    located = [(field_path(list(error["loc"])[skip:]), error) for error in errors]
    return [
        ErrorDetail(field=path or "body", code=str(error["type"]), message=message_for(path, error))
        for path, error in pick(located)
    ]
