"""Request and response bodies of the insurers routes (docs/insurers.md).

An insurer's settings that it leaves unset (`null`) take the platform's defaults: the claim
catalogue (`policies/data/catalog.default.json`), the service-level targets in it, the
retention periods (`privacy/retention_settings.json`) and no privacy-notice text of its own.
Every change names the `version` it was made on; another change in between answers 409
`version_conflict`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chalicelib.accounts.identifiers import check_rfc, check_rut, normalize_email
from chalicelib.documents.schemas import ReasonOut, SlotOut
from chalicelib.schema import ListQuery, MultiLine, Page, Schema, SingleLine, Strict, Text

Country = Literal["MX", "CL"]
ClaimType = Literal["reembolso", "programacion", "menores"]
RetentionCategory = Literal["clinical", "fiscal"]

INSURER_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,39}$"
InsurerId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=INSURER_ID_PATTERN)]
BrandColor = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#[0-9A-Fa-f]{6}$")]
_PHONE = r"^\+?[0-9 ()-]{7,25}$"
Phone = SingleLine[
    Annotated[str, StringConstraints(strip_whitespace=True, pattern=_PHONE, max_length=25)]
]
WhatsAppLink = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=300,
        pattern=r"^https://wa\.me/[0-9]{8,15}(\?text=[^\s]*)?$",
    ),
]
Hours = SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]]
PrivacyNotice = MultiLine[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000)]
]


# An RFC or a RUT as typed (dots, dashes and spaces allowed); checked by `company_tax_id`.
TaxId = SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]]


def company_tax_id(country: str, value: str) -> str:
    """An insurer's tax id in compact form: a company RFC (12 characters) in Mexico, a RUT in
    Chile. Raises ValueError with a Spanish message."""
    if country == "CL":
        return check_rut(value)
    rfc = check_rfc(value).rfc
    if len(rfc) != 12:
        raise ValueError("El RFC de una aseguradora (persona moral) tiene 12 caracteres.")
    return rfc


# --- settings ------------------------------------------------------------------------------


class Contact(Schema):
    """How insured people reach the insurer ("Contáctanos"): every channel optional."""

    model_config = ConfigDict(extra="forbid")

    phone: Phone | None = None
    email: EmailStr | None = None
    whatsapp: WhatsAppLink | None = Field(
        default=None, description="Enlace https://wa.me/<número> (opcionalmente ?text=…)"
    )
    hours: Hours | None = Field(default=None, description="Horario de atención, en texto")

    @model_validator(mode="after")
    def _email_lower(self) -> Contact:
        if self.email is not None:
            self.email = normalize_email(str(self.email))
        return self


class RetentionCategoryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    years: int | None = Field(default=None, ge=1, le=50)
    defers_deletion: bool | None = None


class RetentionSettings(Schema):
    """The insurer's retention periods over the defaults; never below the legal minimum."""

    model_config = ConfigDict(extra="forbid")

    grace_days: int | None = Field(default=None, ge=0, le=365)
    export_available_hours: int | None = Field(default=None, ge=1, le=720)
    categories: dict[RetentionCategory, RetentionCategoryIn] | None = None


class NetworkSettings(Schema):
    model_config = ConfigDict(extra="forbid")

    notice: MultiLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]]
    url: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https://\S{1,300}$")]


Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]
Label = SingleLine[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
]
Stage = Literal["inicial", "complemento"]


class ClaimTypeIn(Schema):
    """A claim type as the catalogue holds it (`catalog.default.json`, `types`)."""

    model_config = ConfigDict(extra="forbid")

    type: Key
    label: Label
    coverages: list[Literal["gmm_mayores", "gmm_menores"]] = Field(min_length=1)
    subtypes: list[Key] = Field(default_factory=list)
    needs_hospital: bool = False
    pays_out: bool = False
    final_status: Literal["pagado", "autorizado"]


class DocumentKindIn(Schema):
    model_config = ConfigDict(extra="forbid")

    doc_type: Key
    name: Label
    required: bool
    formats: list[Literal["pdf", "xml", "jpg", "jpeg"]] = Field(min_length=1)


class FormIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Label
    key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_./-]{1,200}$")]


class CatalogOverrides(Schema):
    """Whole top-level keys of the claim catalogue that replace the default's (its network
    notice, its claim types, document requirements or forms, each by claim type and stage);
    checked by building the resulting catalogue."""

    model_config = ConfigDict(extra="forbid")

    network: NetworkSettings | None = None
    types: list[ClaimTypeIn] | None = None
    documents: dict[Key, dict[Stage, list[DocumentKindIn]]] | None = None
    forms: dict[Key, dict[Stage, list[FormIn]]] | None = None


ServiceLevels = dict[ClaimType, Annotated[int, Field(ge=1, le=2000)]]


# --- platform administrators ---------------------------------------------------------------


class InsurerIn(Schema):
    """A new insurer (tenant)."""

    model_config = ConfigDict(extra="forbid")

    id: InsurerId = Field(description="Identificador corto en minúsculas (sec, adn, …)")
    legal_name: Text
    # The country comes before the tax id: the tax id is read by the country's rules.
    country: Country = "MX"
    rfc: TaxId = Field(description="RFC de persona moral (MX, 12 caracteres) o RUT (CL)")
    display_name: Text
    brand_color: BrandColor | None = None
    contact: Contact = Field(default_factory=Contact)
    service_levels: ServiceLevels | None = None
    catalog: CatalogOverrides | None = None
    retention: RetentionSettings | None = None
    privacy_notice: PrivacyNotice | None = None

    @field_validator("rfc")
    @classmethod
    def _tax_id(cls, value: str, info: ValidationInfo) -> str:
        """Reported at `rfc`, beside the field, by the rules of the country sent (a country
        that failed its own check leaves the tax id to be read once it is fixed)."""
        country = info.data.get("country")
        return value if country is None else company_tax_id(country, value)


class InsurerPatch(Schema):
    """A change by a platform administrator: only the fields sent change (`null` on a setting
    returns it to the default); `version` is the one the change was made on."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    legal_name: Text | None = None
    rfc: TaxId | None = None
    country: Country | None = None
    display_name: Text | None = None
    brand_color: BrandColor | None = None
    contact: Contact | None = None
    service_levels: ServiceLevels | None = None
    catalog: CatalogOverrides | None = None
    retention: RetentionSettings | None = None
    privacy_notice: PrivacyNotice | None = None


class OwnInsurerQuery(Strict):
    """Which of the operator's insurers (their first one when left out)."""

    insurer_id: InsurerId | None = None


class OperatorInsurerPatch(Schema):
    """A change by the insurer's own administrators: how it presents itself and its service
    levels (never its id, RFC, legal name or country)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1)
    display_name: Text | None = None
    brand_color: BrandColor | None = None
    contact: Contact | None = None
    service_levels: ServiceLevels | None = None
    privacy_notice: PrivacyNotice | None = None


class InsurersQuery(ListQuery):
    limit: int = Field(default=50, ge=1, le=200)


class AdminInvitationIn(Schema):
    """The insurer's first administrator (an operator with the duty `administracion`)."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    full_name: Text


class LogoFileIn(Schema):
    """The logo's file as the browser describes it (its bytes are judged once uploaded)."""

    model_config = ConfigDict(extra="forbid")

    name: SingleLine[Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]]
    size: int = Field(ge=1, description="Bytes; at most 512 KB")
    content_type: Literal["image/png", "image/jpeg"]


class LogoIn(Schema):
    model_config = ConfigDict(extra="forbid")

    file: LogoFileIn


# --- answers -------------------------------------------------------------------------------


class LogoOut(Schema):
    document_id: str
    status: Literal["pendiente", "aceptado", "rechazado"]
    url: str | None = Field(default=None, description="Dirección pública, cuando fue aceptado")


class DefaultsOut(Schema):
    """What an unset setting means: the platform's defaults."""

    service_levels: dict[str, int]
    retention: dict[str, Any]


class InsurerOut(Schema):
    id: str
    legal_name: str
    rfc: str
    country: Country
    display_name: str
    brand_color: str | None
    logo: LogoOut | None
    contact: Contact
    service_levels: dict[str, int] | None
    catalog: dict[str, Any] | None
    retention: dict[str, Any] | None
    privacy_notice: str | None
    version: int
    created_at: str
    updated_at: str
    updated_by: str
    defaults: DefaultsOut


class InsurerListOut(Page[InsurerOut]):
    pass


class FieldChange(Schema):
    field: str
    old: Any
    new: Any


class InsurerVersionOut(Schema):
    version: int
    at: str
    actor_id: str
    changes: list[FieldChange]


class InsurerVersionListOut(Page[InsurerVersionOut]):
    pass


class InvitationOut(Schema):
    message: str
    account_id: str


class LogoSlotOut(Schema):
    """Where to upload the logo (presigned POST); the insurer shows it once it is accepted."""

    document_id: str
    slot: SlotOut


class LogoUploadOut(Schema):
    """One upload of a logo and its verdict: `aceptado` once it is the insurer's logo,
    `rechazado` with the reasons (the insurer keeps the logo it had)."""

    document_id: str
    status: Literal["pendiente", "aceptado", "rechazado"]
    reasons: list[ReasonOut]
    current: bool = Field(description="Si es el logotipo que la aseguradora muestra ahora")


class InsurerPublicOut(Schema):
    """What the log-in and help pages show of an insurer, without signing in."""

    id: str
    display_name: str
    brand_color: str | None
    logo_url: str | None
    contact: Contact
    privacy_notice: str | None
