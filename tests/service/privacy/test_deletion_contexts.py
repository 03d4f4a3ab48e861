"""An insured's deletion end to end on moto: the export taken before lists every kind of
record; the approval closes the account; the run erases everything no law keeps (a walk of
every table, object version and Cognito user finds nothing else); the claim with a folio is
blocked with its documents, listed with its legal basis and end date; a later act moves that
date; the purge on it leaves nothing."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, time, timedelta

import boto3
import pytest

from chalicelib.accounts import service as accounts
from chalicelib.claims import repository as claims_repository
from chalicelib.claims import service as claims
from chalicelib.claims.schemas import ContactIn, OperatorQueueQuery, TransitionIn
from chalicelib.documents import repository as documents_repository
from chalicelib.documents import service as documents
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DecisionIn
from tests.fixtures.personal_traces import find_traces, in_process_client
from tests.service.claims.conftest import BUCKET, CLABE, TITULAR, report
from tests.service.privacy.conftest import ClaimsWorld, deliver_exports

MESSAGE = "Soy Ana y mi reembolso tarda."


def _traces(world: ClaimsWorld, *values: str) -> list[tuple[str, str, str]]:
    from chalicelib.config import get_settings

    world.mailbox.deliver()  # the last email is sent, then forgotten
    found = find_traces(
        in_process_client,
        prefix="portal-test-",
        pool_id=get_settings().user_pool_id,
        values=values,
    )
    return [(t.store, t.where, t.value) for t in found]


def _export(world: ClaimsWorld) -> tuple[dict, list[str]]:  # type: ignore[type-arg]
    created = privacy.create_request(world.ana, DataRequestIn(type="export"))
    assert deliver_exports() == 1
    key = f"exports/privacy/{created.request_id}/mis-datos.zip"
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key=key)["Body"].read()
    archive = zipfile.ZipFile(io.BytesIO(stored))
    return json.loads(archive.read("datos.json")), archive.namelist()


def test_an_insured_deletion_leaves_only_the_blocked_clinical_file_until_its_purge(
    world: ClaimsWorld,
) -> None:
    email = accounts.personal_data(world.ana.account_id).records["correo"]
    draft = world.new_claim()
    [dropped] = world.upload(draft.id, [("borrador.pdf", "informe_medico", report())])
    documents.delete_document(world.ana, dropped)  # deleted by the person: a copy remains
    claim = world.complete_reimbursement()
    claims.generate_folio(world.ana, claim.id)
    claims.contact(world.ana, ContactIn(subject="Demora de Ana", message=MESSAGE, kind="queja"))
    world.mailbox.deliver()

    data, names = _export(world)
    assert data["cuenta"]["correo"] == email
    assert {c["claim_id"] for c in data["tramites"]} == {draft.id, claim.id}
    assert data["poliza"]["numero"] == "GMM-2026-0000001"
    assert data["poliza"]["coberturas"] == ["gmm_mayores"]
    assert {p["nombre"] for p in data["poliza"]["personas"]} >= {TITULAR}
    assert all("vigente_hasta" in p for p in data["poliza"]["personas"])
    assert data["avisos_y_mensajes"]["notificaciones"]
    assert [m["mensaje"] for m in data["avisos_y_mensajes"]["mensajes_de_contacto"]] == [MESSAGE]
    sent_to = [address for e in data["correos"] for address in e["para"]]
    assert email in sent_to
    assert claims.COMPLAINTS_ADDRESS in sent_to  # the copy of the message, about Ana
    deleted = [d for d in data["documentos"] if d["eliminado"]]
    assert [d["id"] for d in deleted] == [dropped]
    assert any(n.startswith(f"documentos/{dropped}_") for n in names)
    assert "PEDRO" not in json.dumps(data)  # nothing of anyone else

    created = privacy.create_request(world.ana, DataRequestIn(type="deletion"))
    approved = privacy.decide(
        world.operator, created.request_id, DecisionIn(decision="aprobar"), None
    )
    assert approved.status == "aprobada"
    with pytest.raises(accounts.InvalidCredentials):  # closed on the approval
        accounts.login(email, "una frase larga segura")
    assert privacy.run_due()["deletions"] == 1

    done = privacy.my_request(world.ana, created.request_id)
    [clinical] = done.retained
    assert clinical.count == 1
    assert "NOM-004" in clinical.legal_basis
    kept_keys = {d.object_key for d in documents_repository.list_for_owner("claim", claim.id)} | {
        d.derived_key for d in documents_repository.list_for_owner("claim", claim.id)
    }
    values = (email, TITULAR, MESSAGE, CLABE, "Demora de Ana", "borrador.pdf")
    left = _traces(world, *values)
    # Only the blocked claim's own files (a medical report, an invoice, a bank statement
    # naming the titular) still hold them.
    assert {where.split("@")[0] for _, where, _ in left} <= kept_keys, left
    assert all(store.startswith("s3:") for store, _, _ in left), left
    kept = claims_repository.get(claim.id)
    assert kept is not None
    assert kept.member_name == "(eliminado)"
    assert kept.payout_clabe is None
    # Readable by the audited operator paths that need it.
    queue = claims.operator_queue(world.operator, OperatorQueueQuery(status="registrado"), None)
    assert [c.id for c in queue.items] == [claim.id]

    # A year later an operator moves the kept claim: its file's period runs from that act.
    first_until = datetime.fromisoformat(clinical.until)
    world.clock.advance(days=365)
    claims.transition(world.operator, claim.id, TransitionIn(to="en_revision"), None)
    world.clock.now = datetime.combine(first_until.date(), time(1), world.clock.now.tzinfo)
    assert privacy.run_due()["purges"] == 0
    [moved] = privacy.my_request(world.ana, created.request_id).retained
    assert moved.until > clinical.until
    assert documents_repository.list_for_owner("claim", claim.id)  # the report is still there

    world.clock.now = datetime.combine(
        datetime.fromisoformat(moved.until).date(), time(1), world.clock.now.tzinfo
    ) + timedelta(days=1)
    assert privacy.run_due()["purges"] == 1
    left = _traces(world, *values, world.ana.account_id, claim.id)
    # The anonymised account's id (no name, address or identifier) and the folio's guard
    # (a folio is never given twice), which names only the purged claim's id.
    assert sorted(left) == [
        ("dynamodb:accounts", f"ACCOUNT#{world.ana.account_id}/PROFILE", world.ana.account_id),
        ("dynamodb:claims", f"FOLIO#{kept.folio}/FOLIO", claim.id),
    ]
    [purged] = privacy.my_request(world.ana, created.request_id).retained
    assert purged.purged_at
