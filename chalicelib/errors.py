"""Domain errors: plain names, a machine-readable code and a Spanish message for a person.

They know nothing about HTTP; `chalicelib.http` maps each class to a status code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True)
class ErrorDetail:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class DomainError(Exception):
    """Base of every error a person may be told about."""

    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "La solicitud no es válida."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
    ) -> None:
        self.error_code = code or self.code
        self.error_message = message or self.message
        self.details = details or []
        super().__init__(self.error_message)


class BadRequest(DomainError):
    """A request that is not valid (400), with the base's code and message."""


class Unauthorized(DomainError):
    code = "unauthorized"
    message = "Inicia sesión para continuar."


class SessionEnded(Unauthorized):
    """A session that ended by itself (a staff session idle too long or open too long): the
    authorizer lets the request through marked, and the route answers 401 with this code."""

    code = "session_expired"
    message = "Tu sesión terminó. Inicia sesión de nuevo."


class Forbidden(DomainError):
    code = "forbidden"
    message = "No tienes permiso para realizar esta acción."


class NotFound(DomainError):
    code = "not_found"
    message = "No encontramos lo que buscas."


class Conflict(DomainError):
    code = "conflict"
    message = "La operación no se puede completar en el estado actual."


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    message = "El contenido excede el tamaño permitido."


class InvalidInput(DomainError):
    """Input that is well-formed but breaks a rule (422)."""

    code = "validation_error"
    message = "Revisa los datos marcados."


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    message = "Demasiados intentos. Espera unos minutos antes de volver a intentarlo."


class ServiceUnavailable(DomainError):
    """AWS kept refusing (throttling, an outage) after the clients' own retries (503)."""

    code = "service_unavailable"
    message = (
        "El servicio está muy ocupado en este momento. Espera unos segundos e inténtalo de nuevo."
    )
