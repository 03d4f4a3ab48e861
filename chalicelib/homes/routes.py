"""The portals' homes: GET /v1/me/home."""

from __future__ import annotations

from chalicelib.auth import Principal
from chalicelib.homes import schemas as home
from chalicelib.homes import service as homes
from chalicelib.http import Routes

routes = Routes(
    __name__, tags=("inicio",), roles=("asegurado", "prestador", "afiliado", "operador")
)


@routes.route("/v1/me/home")
def my_home(principal: Principal) -> home.HomeOut:
    """Lo que muestra el inicio de mi portal (trámites, avisos, citas, cuotas, bandejas)"""
    return homes.home(principal)
