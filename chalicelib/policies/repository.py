"""Policies, conditions and network hospitals: the only module that touches their PynamoDB
models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib import dynamo

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from chalicelib.policies.models import PolicyModel

_R = TypeVar("_R", bound="DataclassInstance")


@dataclass(frozen=True)
class Member:
    """A person on a policy. A roster import keys them by `certificado` (their id too) and
    records their validity: a person `baja`, or outside `valid_from`..`valid_to`, keeps their
    history but can no longer start a claim. Members loaded without them are `vigente`."""

    id: str
    full_name: str
    relationship: str
    certificado: str = ""
    birth_date: str = ""  # YYYY-MM-DD
    rfc: str = ""
    coverages: tuple[str, ...] = ()
    valid_from: str = ""  # YYYY-MM-DD, empty: since always
    valid_to: str = ""  # YYYY-MM-DD, empty: with no end
    status: str = "vigente"  # or "baja"

    def active_on(self, day: date) -> bool:
        """Whether the person may start a claim on `day`."""
        today = day.isoformat()
        return (
            self.status == "vigente"
            and (not self.valid_from or self.valid_from <= today)
            and (not self.valid_to or today <= self.valid_to)
        )

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "coverages": list(self.coverages)}


@dataclass(frozen=True)
class Policy:
    insurer_id: str
    policy_number: str
    titular_name: str
    members: list[Member] = field(default_factory=list)
    coverages: list[str] = field(default_factory=list)

    def has_active_member(self, day: date) -> bool:
        """A policy with nobody `vigente` on `day` cannot be registered."""
        return any(member.active_on(day) for member in self.members)


@dataclass(frozen=True)
class Insurer:
    """The insurer a roster belongs to, as a roster import or seed data names it: created
    with the platform's defaults when it does not exist yet (the insurers context)."""

    insurer_id: str
    name: str
    rfc: str


def save_policies(policies: list[Policy]) -> None:
    from chalicelib.policies.models import PolicyModel

    with PolicyModel.batch_write() as batch:
        for policy in policies:
            batch.save(
                PolicyModel(
                    pk=f"INSURER#{policy.insurer_id}",
                    sk=f"POLICY#{policy.policy_number}",
                    gsi1pk=f"POLICYNUM#{policy.policy_number}",
                    gsi1sk=f"INSURER#{policy.insurer_id}",
                    **dynamo.attributes_of(
                        policy,
                        members=[m.as_dict() for m in policy.members],
                        coverages=list(policy.coverages),
                    ),
                )
            )


def find_by_number(policy_number: str) -> list[Policy]:
    """Policies with this number (one per insurer at most)."""
    from chalicelib.policies.models import PolicyModel

    return [
        _to_policy(item)
        for item in PolicyModel.by_number.query(f"POLICYNUM#{policy_number}", limit=5)
    ]


def get_policy(insurer_id: str, policy_number: str) -> Policy | None:
    from chalicelib.policies.models import PolicyModel

    item = PolicyModel.find(f"INSURER#{insurer_id}", f"POLICY#{policy_number}")
    return None if item is None else _to_policy(item)


def get_policies(insurer_id: str, policy_numbers: Sequence[str]) -> dict[str, Policy]:
    """An insurer's policies by number, read in batches (BatchGetItem, 100 keys a call)."""
    from chalicelib.policies.models import PolicyModel

    keys = [(f"INSURER#{insurer_id}", f"POLICY#{n}") for n in dict.fromkeys(policy_numbers)]
    return {item.policy_number: _to_policy(item) for item in PolicyModel.batch_get(keys)}


def _member(stored: dict[str, Any]) -> Member:
    known = {name: value for name, value in stored.items() if name in Member.__dataclass_fields__}
    return Member(**{**known, "coverages": tuple(known.get("coverages") or ())})


def _to_policy(item: PolicyModel) -> Policy:
    return Policy(
        insurer_id=item.insurer_id,
        policy_number=item.policy_number,
        titular_name=item.titular_name,
        members=[_member(m) for m in item.members or []],
        coverages=list(item.coverages or []),
    )


@dataclass(frozen=True)
class Condition:
    condition_id: str
    policy_number: str
    member_id: str
    description: str
    registered_on: str  # YYYY-MM-DD


@dataclass(frozen=True)
class Hospital:
    hospital_id: str
    name: str
    city: str
    state: str
    address: str


def save_conditions(insurer_id: str, conditions: list[Condition]) -> None:
    from chalicelib.policies.models import ConditionModel

    _save_under_insurer(ConditionModel, insurer_id, conditions, _condition_key)


def conditions_of(insurer_id: str, policy_number: str) -> list[Condition]:
    from chalicelib.policies.models import ConditionModel

    return _records_under_insurer(
        ConditionModel, Condition, insurer_id, f"CONDITION#{policy_number}#"
    )


def _condition_key(condition: Condition) -> str:
    return f"CONDITION#{condition.policy_number}#{condition.member_id}#{condition.condition_id}"


def get_conditions(insurer_id: str, keys: Sequence[tuple[str, str, str]]) -> list[Condition]:
    """Conditions by (policy, member id, condition id), read in batches (absent ones left
    out)."""
    from chalicelib.policies.models import ConditionModel

    return _batch_under_insurer(
        ConditionModel,
        Condition,
        insurer_id,
        [f"CONDITION#{policy}#{member}#{condition}" for policy, member, condition in keys],
    )


def get_hospitals(insurer_id: str, hospital_ids: Sequence[str]) -> list[Hospital]:
    """Network hospitals by id, read in batches (absent ones left out)."""
    from chalicelib.policies.models import HospitalModel

    return _batch_under_insurer(
        HospitalModel, Hospital, insurer_id, [f"HOSPITAL#{h}" for h in hospital_ids]
    )


def _batch_under_insurer(
    model: Any, record_type: type[_R], insurer_id: str, sort_keys: Sequence[str]
) -> list[_R]:
    keys = [(f"INSURER#{insurer_id}", sk) for sk in dict.fromkeys(sort_keys)]
    return [dynamo.record_from(record_type, item) for item in model.batch_get(keys)]


def save_hospitals(insurer_id: str, hospitals: list[Hospital]) -> None:
    from chalicelib.policies.models import HospitalModel

    _save_under_insurer(HospitalModel, insurer_id, hospitals, lambda h: f"HOSPITAL#{h.hospital_id}")


def hospitals_of(insurer_id: str) -> list[Hospital]:
    from chalicelib.policies.models import HospitalModel

    return _records_under_insurer(HospitalModel, Hospital, insurer_id, "HOSPITAL#")


def _save_under_insurer(
    model: Any, insurer_id: str, records: Sequence[_R], sort_key: Callable[[_R], str]
) -> None:
    """Records of an insurer's partition written in batches, each under `sort_key(record)`."""
    with model.batch_write() as batch:
        for record in records:
            batch.save(
                model(
                    pk=f"INSURER#{insurer_id}",
                    sk=sort_key(record),
                    **dynamo.attributes_of(record),
                )
            )


def _records_under_insurer(
    model: Any, record_type: type[_R], insurer_id: str, prefix: str
) -> list[_R]:
    """The records of an insurer's partition whose sort key starts with `prefix`."""
    return [
        dynamo.record_from(record_type, item)
        for item in model.query(f"INSURER#{insurer_id}", model.sk.startswith(prefix))
    ]
