"""Run as a separate process against the local stack's moto server: the people of the
privacy journey. `python -m tests.e2e.privacy_seed TAG PASSWORD` adds to SEC's roster a policy
whose titular has an active insured account, to the affiliate registry an affiliate with an
active account, and a clinic with an agenda for tomorrow; prints them as JSON. Registration
itself is the accounts journeys' to test; here the people only need to exist. The environment
(AWS_ENDPOINT_URL, RESOURCE_PREFIX, …) must point at the server before chalicelib loads.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from stdnum import luhn

from chalicelib import wiring
from chalicelib.accounts import service as accounts
from chalicelib.appointments import service as appointments
from chalicelib.appointments.schemas import AgendaIn, ClinicIn
from chalicelib.auth import Principal
from chalicelib.policies import service as policies
from chalicelib.policies.service import Insurer, Member, Policy
from chalicelib.registry import service as registry
from chalicelib.registry.service import AffiliateRecord


def main(tag: str, password: str) -> None:
    from chalicelib.accounts.admin import discover_stack_ids

    discover_stack_ids()
    wiring.wire()
    titular = f"PRIVACIDAD {tag} TITULAR"
    policy_number = f"GMM-PRIV-{tag}"
    policies.load_roster(
        Insurer("sec", "SEGUROS EJEMPLO DEL CENTRO", "SEC0104236T8"),
        [
            Policy(
                "sec",
                policy_number,
                titular,
                [Member(f"m-priv-{tag}", titular, "titular")],
                ["gmm_mayores"],
            )
        ],
    )
    insured_email = f"privacidad-{tag.lower()}@example.mx"
    accounts.seed_active_account(
        "asegurado",
        insured_email,
        titular,
        password,
        insurer_ids=["sec"],
        details={"policy_number": policy_number, "insurer_id": "sec"},
        phone="5598765432",
    )
    base = f"77{int(tag, 16) % 10**8:08d}"
    nss = base + luhn.calc_check_digit(base)
    serial = f"SERIE-PRIV-{tag}"
    affiliate_name = f"AFILIADA {tag} PRIVACIDAD"
    affiliate_member = f"m-afil-{tag}"
    registry.load([AffiliateRecord(affiliate_member, nss, serial, affiliate_name, "sec")])
    affiliate_email = f"afiliada-{tag.lower()}@example.mx"
    accounts.seed_active_account(
        "afiliado",
        affiliate_email,
        affiliate_name,
        password,
        details={"nss": nss, "credential_serial": serial, "member_id": affiliate_member},
        phone="5511223344",
    )
    operator = Principal(f"seed-{tag}", "operador", ("sec",), duties=("servicios",))
    clinic = appointments.create_clinic(operator, ClinicIn(name=f"UMF PRIVACIDAD {tag}"))
    day = datetime.now(ZoneInfo("America/Mexico_City")).date() + timedelta(days=1)
    agenda = appointments.create_agenda(
        operator,
        AgendaIn(
            clinic_id=clinic.id,
            doctor="DRA. PRIVACIDAD PRUEBA",
            date=day,
            shift="matutino",
            slot_times=["09:00", "09:20"],
            internet_quota=2,
        ),
    )
    print(
        json.dumps(
            {
                "insured_email": insured_email,
                "titular": titular,
                "member_id": f"m-priv-{tag}",
                "affiliate_email": affiliate_email,
                "affiliate_name": affiliate_name,
                "affiliate_member": affiliate_member,
                "nss": nss,
                "serial": serial,
                "slot_id": agenda.slots[0].id,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
