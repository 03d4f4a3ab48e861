"""The insurers' own demo data, imported from the files in `infrastructure/demo/imports/` by
the same pipeline an administrator's upload takes (API.md "Local stack only").

Each file is imported in `aplicar` mode by its insurer's administrator: the import's record
and upload slot, the object stored in the documents bucket, the import worker reading that
object version (run here rather than from the queue, so the stack starts as fast as before).
The rosters come first (conditions name their people), the clinics before the registry
(each affiliate names a clinic). A demo file with a bad row stops the seed with its report.

Runs after `demo_accounts`: the insurers and their administrators exist.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from chalicelib.accounts import service as accounts
from chalicelib.auth import Principal
from chalicelib.imports import service as imports
from infrastructure.local.demo import DemoLogin

FILES: Final = Path(__file__).resolve().parents[1] / "demo" / "imports"
# (file, kind, insurer, the administrator who imports it), in the order they must run.
IMPORTS: Final = (
    ("sec-polizas.csv", "polizas", "sec", "admin.sec@demo.mx"),
    ("adn-polizas.xlsx", "polizas", "adn", "operador.norte@demo.mx"),
    ("sec-padecimientos.csv", "padecimientos", "sec", "admin.sec@demo.mx"),
    ("sec-hospitales.csv", "hospitales", "sec", "admin.sec@demo.mx"),
    ("adn-hospitales.csv", "hospitales", "adn", "operador.norte@demo.mx"),
    ("sec-clinicas.csv", "clinicas", "sec", "admin.sec@demo.mx"),
    ("sec-afiliados.csv", "afiliados", "sec", "admin.sec@demo.mx"),
)


def _administrator(email: str, insurer_id: str) -> Principal:
    account_id = accounts.account_id_for_identifier("email", email)
    if account_id is None:
        raise RuntimeError("demo_accounts must run before demo_imports")
    return Principal(account_id, "operador", (insurer_id,), duties=("administracion",))


def load() -> list[DemoLogin]:
    for name, kind, insurer_id, email in IMPORTS:
        done = imports.import_held_file(
            _administrator(email, insurer_id),
            kind,
            name,
            (FILES / name).read_bytes(),
            insurer_id=insurer_id,
        )
        if done.status != "terminada" or done.summary.rechazados:
            raise RuntimeError(
                f"The demo file {name} did not import cleanly: {done.status}, "
                f"{done.summary.model_dump()}, {done.reasons}, report {done.errors}"
            )
    return []
