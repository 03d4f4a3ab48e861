"""Password rules: 8 to 128 characters, not a common password, no composition rules."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from chalicelib import errors
from chalicelib.errors import ErrorDetail

MIN_LENGTH = 8
MAX_LENGTH = 128


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """The Spanish reason a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"La contraseña debe tener al menos {MIN_LENGTH} caracteres."
    if len(password) > MAX_LENGTH:
        return f"La contraseña puede tener como máximo {MAX_LENGTH} caracteres."
    if password.strip().lower() in _common():
        return "Esa contraseña es muy común y fácil de adivinar. Elige otra."
    return None


def refuse_weak_password(field: str, password: str) -> None:
    """Refuse a password with a problem, naming the field it was written in."""
    problem = password_problem(password)
    if problem:
        raise errors.InvalidInput(
            problem, details=[ErrorDetail(field=field, code="password_rejected", message=problem)]
        )
