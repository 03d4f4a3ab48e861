"""Accounts routes: registration, activation, sessions, the person's own account and an
insurer's staff (its administrators' routes)."""

from __future__ import annotations

from chalicelib.accounts import schemas as acc
from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.http import ANY_ROLE, PUBLIC, Routes, caller_ip

routes = Routes(__name__, tags=("cuentas",))
session_routes = routes.group(tags=("sesión",))
me_routes = routes.group(tags=("cuenta",), roles=ANY_ROLE)
staff_routes = routes.group(tags=("operadores",), roles=("operador",), duty="administracion")


@routes.route("/v1/accounts/insured", "POST", status=202)
def register_insured(body: acc.InsuredRegistration) -> acc.Accepted:
    """Registro de asegurado (titular)"""
    return accounts.register_insured(body)


@routes.route("/v1/accounts/providers", "POST", status=202)
def register_provider(body: acc.ProviderRegistration) -> acc.Accepted:
    """Registro de prestador (México o Chile)"""
    return accounts.register_provider(body)


@routes.route("/v1/accounts/affiliates", "POST", status=202)
def register_affiliate(body: acc.AffiliateRegistration) -> acc.Accepted:
    """Registro de afiliado"""
    return accounts.register_affiliate(body)


@routes.route("/v1/accounts/activate", "POST")
def activate_account(body: acc.Activation) -> acc.Done:
    """Activar la cuenta y crear la contraseña"""
    return accounts.activate(body.token, body.password)


@routes.route("/v1/accounts/resend-activation", "POST", status=202)
def resend_activation(body: acc.IdentifierRequest) -> acc.Accepted:
    """Reenviar el enlace de activación"""
    return accounts.resend_activation(body.identifier)


@routes.route("/v1/accounts/reactivate", "POST", status=202)
def reactivate_account(body: acc.Reactivation) -> acc.Accepted:
    """Corregir el correo de un afiliado"""
    return accounts.reactivate(body)


@session_routes.route("/v1/auth/login", "POST", errors=(401, 403, 429))
def login(body: acc.Login) -> acc.LoginResult:
    """Iniciar sesión (correo, NSS o RUT)"""
    return accounts.login(body.identifier, body.password)


@session_routes.route("/v1/auth/totp", "POST", errors=(401, 429))
def login_totp(body: acc.TotpAnswer) -> acc.LoginResult:
    """Segundo factor (operadores)"""
    return accounts.complete_totp(body.session, body.code)


@session_routes.route("/v1/auth/totp-reenrolment", "POST", errors=(401, 403, 429))
def totp_reenrolment(body: acc.TotpReenrolment) -> acc.LoginResult:
    """Configurar de nuevo la verificación en dos pasos con el enlace (operadores)"""
    return accounts.start_reenrolment(body.token, body.password)


@session_routes.route("/v1/auth/refresh", "POST", errors=(401,))
def refresh_session(body: acc.RefreshRequest) -> acc.Refreshed:
    """Renovar la sesión"""
    return accounts.refresh(body.refresh_token)


@session_routes.route("/v1/auth/logout", "POST")
def logout(body: acc.RefreshRequest) -> None:
    """Cerrar sesión"""
    accounts.logout(body.refresh_token)


@session_routes.route("/v1/auth/password-reset", "POST", status=202)
def password_reset(body: acc.IdentifierRequest) -> acc.Accepted:
    """Solicitar el restablecimiento"""
    return accounts.request_password_reset(body.identifier)


@session_routes.route("/v1/auth/password-reset/confirm", "POST")
def password_reset_confirm(body: acc.PasswordResetConfirm) -> acc.Done:
    """Nueva contraseña con el enlace"""
    return accounts.confirm_password_reset(body.token, body.password)


@me_routes.route("/v1/me")
def me(principal: Principal) -> acc.Profile:
    """Mis datos"""
    return accounts.profile(principal)


@me_routes.route("/v1/me", "PATCH", errors=(429,))
def update_me(principal: Principal, body: acc.ProfileUpdate) -> acc.Profile:
    """Actualizar correo secundario y teléfono"""
    return accounts.update_profile(principal, body)


@me_routes.route("/v1/me/password", "POST", errors=(429,))
def change_password(principal: Principal, body: acc.PasswordChange) -> acc.Done:
    """Cambiar la contraseña"""
    return accounts.change_password(principal, body)


@me_routes.route("/v1/me/email", "POST", status=202, errors=(429,))
def change_email(principal: Principal, body: acc.EmailChange) -> acc.Accepted:
    """Cambiar el correo (se confirma en el nuevo)"""
    return accounts.request_email_change(principal, body)


@me_routes.route("/v1/me/email/confirm", "POST", roles=PUBLIC, errors=(409,))
def confirm_email(body: acc.TokenOnly) -> acc.Done:
    """Confirmar un correo (nuevo o secundario) con el enlace"""
    return accounts.confirm_email(body.token)


@staff_routes.route("/v1/operator/staff", "POST", status=202, errors=(404, 409))
def invite_staff(principal: Principal, body: acc.StaffInvite) -> acc.StaffInvited:
    """Invitar a una persona al personal de mi aseguradora"""
    return accounts.invite(principal, body, caller_ip(routes.current_request))


@staff_routes.route("/v1/operator/staff", errors=(404,))
def list_staff(principal: Principal, query: acc.StaffQuery) -> acc.StaffPage:
    """Personal de mi aseguradora"""
    return accounts.staff(principal, query)


@staff_routes.route("/v1/operator/staff/{account_id}", "PATCH", errors=(404, 409))
def update_staff(principal: Principal, account_id: str, body: acc.StaffUpdate) -> acc.StaffMember:
    """Cambiar las funciones de una persona, deshabilitarla o habilitarla"""
    return accounts.update(principal, account_id, body, caller_ip(routes.current_request))


@staff_routes.route("/v1/operator/staff/{account_id}/totp-reset", "POST", errors=(404, 409))
def reset_staff_totp(principal: Principal, account_id: str, body: acc.StaffScope) -> acc.Done:
    """Restablecer la verificación en dos pasos de una persona"""
    return accounts.reset_totp(principal, account_id, body, caller_ip(routes.current_request))
