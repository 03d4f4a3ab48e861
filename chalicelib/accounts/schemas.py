"""Request and response bodies of the accounts and authentication routes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
)

from chalicelib.accounts.identifiers import check_nss, check_rfc, check_rut, normalize_email
from chalicelib.schema import ListQuery, OneOf, Page, Phone, Schema, SingleLine, Strict, Text

# Opaque tokens and sessions we issued (one line, whatever their length).
Token = SingleLine[Annotated[str, StringConstraints(min_length=1, max_length=200)]]
Password = Annotated[str, Field(min_length=1, max_length=256)]


def _email(value: str) -> str:
    return normalize_email(value)


class InsuredRegistration(Strict):
    full_name: Text
    policy_number: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    ]
    email: EmailStr
    secondary_email: EmailStr | None = None
    accept_privacy_broker: bool
    accept_privacy_insurer: bool

    _normalize = field_validator("email", "secondary_email")(
        lambda v: _email(v) if isinstance(v, str) else v
    )

    @field_validator("accept_privacy_broker", "accept_privacy_insurer")
    @classmethod
    def _accepted(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("Debes aceptar el aviso de privacidad para registrarte.")
        return value


class MexicanProviderRegistration(Strict):
    country: Literal["MX"]
    rfc: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    full_name: Text
    email: EmailStr
    fiscal_regime: Literal["612", "626"]
    jalisco_cedular: bool = False
    phone: Phone | None = None

    _normalize = field_validator("email")(_email)

    @field_validator("rfc")
    @classmethod
    def _rfc(cls, value: str) -> str:
        return check_rfc(value).rfc


class ChileanProviderRegistration(Strict):
    country: Literal["CL"]
    rut: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    full_name: Text
    email: EmailStr
    phone: Phone | None = None

    _normalize = field_validator("email")(_email)

    @field_validator("rut")
    @classmethod
    def _rut(cls, value: str) -> str:
        return check_rut(value)


class ProviderRegistration(
    OneOf[
        Annotated[
            MexicanProviderRegistration | ChileanProviderRegistration,
            Field(discriminator="country"),
        ]
    ]
):
    """Mexico (RFC) or Chile (RUT), by `country`."""


class _AffiliateCredential(Strict):
    """The NSS and credential serial with which an affiliate proves who they are."""

    nss: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    credential_serial: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
    ]

    @field_validator("nss")
    @classmethod
    def _nss(cls, value: str) -> str:
        return check_nss(value)


class AffiliateRegistration(_AffiliateCredential):
    phone: Phone
    email: EmailStr

    _normalize = field_validator("email")(_email)


class Reactivation(_AffiliateCredential):
    email: EmailStr

    _normalize = field_validator("email")(_email)


class Accepted(Schema):
    message: str


class Activation(Strict):
    token: Token
    password: Password


class IdentifierRequest(Strict):
    identifier: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    ]


class Login(Strict):
    identifier: SingleLine[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=254)]
    ]
    password: Password


class TotpEnrollment(Schema):
    secret: str
    otpauth_uri: str
    qr_svg: str


class LoginResult(Schema):
    """Either the tokens, or a TOTP challenge (operators)."""

    id_token: str | None = None
    refresh_token: str | None = None
    expires_in: int | None = None
    role: str | None = None
    challenge: Literal["totp"] | None = None
    session: str | None = None
    enrollment: TotpEnrollment | None = None


class TotpAnswer(Strict):
    session: Token
    code: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{6}$")]


class RefreshRequest(Strict):
    refresh_token: SingleLine[Annotated[str, StringConstraints(min_length=1, max_length=4096)]]


class Refreshed(Schema):
    id_token: str
    expires_in: int


class PasswordResetConfirm(Strict):
    token: Token
    password: Password


class Done(Schema):
    message: str
    portal: str | None = None


class Profile(Schema):
    id: str
    role: str
    email: str
    full_name: str
    secondary_email: str | None = None
    # A secondary email waiting for its owner to open the confirmation link.
    secondary_email_pending: str | None = None
    phone: str | None = None
    insurers: list[str] = Field(default_factory=list)
    insurer_names: list[str] = Field(default_factory=list)
    # An operator's duties: dictamen, finanzas, servicios, administracion.
    duties: list[str] = Field(default_factory=list)
    policy_number: str | None = None
    rfc: str | None = None
    rut: str | None = None
    nss_masked: str | None = None
    credential_serial: str | None = None
    fiscal_regime: str | None = None
    jalisco_cedular: bool | None = None
    rfc_check_digit_warning: bool | None = None


class ProfileUpdate(Strict):
    """Contact data; any change needs the current password. A new secondary email is only
    used once its owner opens the confirmation link sent to it."""

    current_password: Password
    secondary_email: EmailStr | Literal[""] | None = None
    phone: Phone | Literal[""] | None = None

    _normalize = field_validator("secondary_email")(
        lambda v: _email(v) if isinstance(v, str) and v else v
    )


class PasswordChange(Strict):
    current_password: Password
    new_password: Password


class EmailChange(Strict):
    email: EmailStr
    current_password: Password

    _normalize = field_validator("email")(_email)


class TokenOnly(Strict):
    token: Token


# --- an insurer's staff (its administrators' routes) -------------------------------------------

Duty = Literal["dictamen", "finanzas", "servicios", "administracion"]  # auth.DUTIES
InsurerId = Annotated[str, StringConstraints(max_length=40, pattern=r"^[a-z0-9_-]+$")]
StaffStatus = Literal["pendiente", "activa", "deshabilitada"]


def _duties(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("No repitas una función.")
    return value


class StaffInvite(Strict):
    email: EmailStr
    full_name: Text
    duties: Annotated[list[Duty], Field(min_length=1, max_length=4)]
    insurer_id: InsurerId | None = None  # an administrator of several insurers names it

    _normalize = field_validator("email")(_email)
    _unique = field_validator("duties")(_duties)


class StaffInvited(Schema):
    id: str
    message: str


class StaffUpdate(Strict):
    """New duties and/or enabling (`active: true`) or disabling (`false`) the account."""

    duties: Annotated[list[Duty], Field(min_length=1, max_length=4)] | None = None
    active: bool | None = None
    insurer_id: InsurerId | None = None

    _unique = field_validator("duties")(lambda v: _duties(v) if v is not None else v)


class StaffScope(Strict):
    insurer_id: InsurerId | None = None


class StaffQuery(ListQuery):
    insurer_id: InsurerId | None = None
    limit: int = Field(default=50, ge=1, le=100)


class StaffMember(Schema):
    id: str
    email: str
    full_name: str
    duties: list[str]
    status: StaffStatus
    created_at: str
    last_login_at: str | None = None
    totp_enrolled: bool


class StaffPage(Page[StaffMember]):
    pass


class TotpReenrolment(Strict):
    token: Token
    password: Password
