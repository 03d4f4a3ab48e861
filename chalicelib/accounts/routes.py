"""Accounts routes: registration, activation, sessions and the person's own account."""

from __future__ import annotations

from chalicelib.accounts import schemas as acc
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.http import ANY_ROLE, Routes

routes = Routes(__name__, tags=("cuentas",))
session_routes = routes.group(tags=("sesión",))
my_routes = routes.group(tags=("cuenta",), roles=ANY_ROLE)


@routes.route("/v1/accounts/insured", "POST", summary="Registro de asegurado (titular)", status=202)
def register_insured(body: acc.InsuredRegistration) -> acc.Accepted:
    return accounts.register_insured(body)


@routes.route(
    "/v1/accounts/providers", "POST", summary="Registro de prestador (México o Chile)", status=202
)
def register_provider(body: acc.ProviderRegistration) -> acc.Accepted:
    return accounts.register_provider(body)


@routes.route("/v1/accounts/affiliates", "POST", summary="Registro de afiliado", status=202)
def register_affiliate(body: acc.AffiliateRegistration) -> acc.Accepted:
    return accounts.register_affiliate(body)


@routes.route("/v1/accounts/activate", "POST", summary="Activar la cuenta y crear la contraseña")
def activate_account(body: acc.Activation) -> acc.Done:
    return accounts.activate(body.token, body.password)


@routes.route(
    "/v1/accounts/resend-activation", "POST", summary="Reenviar el enlace de activación", status=202
)
def resend_activation(body: acc.IdentifierRequest) -> acc.Accepted:
    return accounts.resend_activation(body.identifier)


@routes.route(
    "/v1/accounts/reactivate", "POST", summary="Corregir el correo de un afiliado", status=202
)
def reactivate_account(body: acc.Reactivation) -> acc.Accepted:
    return accounts.reactivate(body)


@session_routes.route(
    "/v1/auth/login", "POST", summary="Iniciar sesión (correo, NSS o RUT)", errors=(401, 429)
)
def login(body: acc.Login) -> acc.LoginResult:
    return accounts.login(body.identifier, body.password)


@session_routes.route(
    "/v1/auth/totp", "POST", summary="Segundo factor (operadores)", errors=(401, 429)
)
def login_totp(body: acc.TotpAnswer) -> acc.LoginResult:
    return accounts.complete_totp(body.session, body.code)


@session_routes.route("/v1/auth/refresh", "POST", summary="Renovar la sesión", errors=(401,))
def refresh_session(body: acc.RefreshRequest) -> acc.Refreshed:
    return accounts.refresh(body.refresh_token)


@session_routes.route("/v1/auth/logout", "POST", summary="Cerrar sesión")
def logout(body: acc.RefreshRequest) -> None:
    accounts.logout(body.refresh_token)


@session_routes.route(
    "/v1/auth/password-reset", "POST", summary="Solicitar el restablecimiento", status=202
)
def password_reset(body: acc.IdentifierRequest) -> acc.Accepted:
    return accounts.request_password_reset(body.identifier)


@session_routes.route(
    "/v1/auth/password-reset/confirm", "POST", summary="Nueva contraseña con el enlace"
)
def password_reset_confirm(body: acc.PasswordResetConfirm) -> acc.Done:
    return accounts.confirm_password_reset(body.token, body.password)


@my_routes.route("/v1/me", summary="Mis datos")
def me(principal: Principal) -> acc.Profile:
    return accounts.profile(principal)


@my_routes.route(
    "/v1/me", "PATCH", summary="Actualizar correo secundario y teléfono", errors=(429,)
)
def update_me(principal: Principal, body: acc.ProfileUpdate) -> acc.Profile:
    return accounts.update_profile(principal, body)


@my_routes.route("/v1/me/password", "POST", summary="Cambiar la contraseña", errors=(429,))
def change_password(principal: Principal, body: acc.PasswordChange) -> acc.Done:
    return accounts.change_password(principal, body)


@my_routes.route(
    "/v1/me/email",
    "POST",
    summary="Cambiar el correo (se confirma en el nuevo)",
    status=202,
    errors=(429,),
)
def change_email(principal: Principal, body: acc.EmailChange) -> acc.Accepted:
    return accounts.request_email_change(principal, body)


@routes.route(
    "/v1/me/email/confirm",
    "POST",
    summary="Confirmar un correo (nuevo o secundario) con el enlace",
    errors=(409,),
    tags=("cuenta",),
)
def confirm_email(body: acc.TokenOnly) -> acc.Done:
    return accounts.confirm_email(body.token)
