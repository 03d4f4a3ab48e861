"""PynamoDB pieces every context's models share (only other `models.py` modules import this).

Every table of `infrastructure/definition.py` keys its items by `pk` (hash) and `sk` (range),
and its global secondary index `gsiN` by `gsiNpk` and `gsiNsk`, projecting every attribute.
A model derives from `Item` (the key) and adds its table and attributes; it names the
indexes it is listed on with the `GsiN` classes, typed by the model:
`by_owner = Gsi1["DocumentModel"]()` (the model declares `gsi1pk`/`gsi1sk` itself, as
required or optional attributes). PynamoDB copies an index per model, so one class serves all.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

import botocore.session
import pynamodb.connection.base
from pynamodb.attributes import UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

_M = TypeVar("_M", bound=Model)
_LOADER: list[Any] = []


def _session() -> botocore.session.Session:
    """A new botocore session, as PynamoDB makes one per model and thread, that shares one
    data loader: the service descriptions are parsed once per process instead of once per
    model (≈ 0.1 s of CPU each, dozens of models)."""
    session = botocore.session.get_session()
    if _LOADER:
        session.register_component("data_loader", _LOADER[0])
    else:
        _LOADER.append(session.get_component("data_loader"))
    return session


pynamodb.connection.base.get_session = _session  # type: ignore[attr-defined,assignment]


class Item(Model):
    """An item of any table: the key every table has. A model adds `Meta = table_meta(...)`."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)

    @classmethod
    def find(cls, pk: str, sk: str, *, consistent_read: bool = False) -> Self | None:
        """The item under (pk, sk), or None when there is none."""
        try:
            return cls.get(pk, sk, consistent_read=consistent_read)
        except cls.DoesNotExist:
            return None


class Gsi1(GlobalSecondaryIndex[_M]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class Gsi2(GlobalSecondaryIndex[_M]):
    class Meta:
        index_name = "gsi2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class Gsi3(GlobalSecondaryIndex[_M]):
    class Meta:
        index_name = "gsi3"
        projection = AllProjection()

    gsi3pk = UnicodeAttribute(hash_key=True)
    gsi3sk = UnicodeAttribute(range_key=True)
