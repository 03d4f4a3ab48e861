"""Data export and account deletion (ARCO) against moto: the ZIP's content and files, the
deletion of every stored version, the retention record, ownership and insurer scope."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

import boto3
import pytest

from chalicelib import errors
from chalicelib.accounts import service as accounts
from chalicelib.audit import service as audit
from chalicelib.audit.schemas import AuditQuery
from chalicelib.privacy import service as privacy
from chalicelib.privacy.schemas import DataRequestIn, DecisionIn, ListQuery, OperatorQuery
from tests.service.claims.conftest import BUCKET, expense, report
from tests.service.privacy.conftest import ClaimsWorld, deliver_exports, stored_versions


def _files(world: ClaimsWorld) -> tuple[str, dict[str, bytes]]:
    claim = world.new_claim()
    contents = {"informe.pdf": report(), "factura.xml": expense()}
    world.upload(
        claim.id,
        [
            ("informe.pdf", "informe_medico", contents["informe.pdf"]),
            ("factura.xml", "cfdi_expense", contents["factura.xml"]),
        ],
    )
    return claim.id, contents


def test_export_zip_holds_records_and_files_behind_a_short_attachment_link(
    world: ClaimsWorld,
) -> None:
    claim_id, contents = _files(world)
    created = privacy.create_request(world.ana, DataRequestIn(type="export"))

    with pytest.raises(errors.Conflict) as twice:
        privacy.create_request(world.ana, DataRequestIn(type="export"))
    assert twice.value.error_code == "data_request_open"
    assert privacy.my_request(world.ana, created.request_id).url is None

    assert deliver_exports() == 1
    ready = privacy.my_request(world.ana, created.request_id)
    assert ready.status == "lista"
    assert ready.files == 2
    assert ready.url
    assert ready.expires_at
    query = parse_qs(urlparse(ready.url).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"][0].startswith("attachment;")
    assert datetime.fromisoformat(ready.expires_at) - world.clock.now == timedelta(minutes=5)

    stored = (
        boto3.client("s3")
        .get_object(Bucket=BUCKET, Key=f"exports/privacy/{created.request_id}/mis-datos.zip")[
            "Body"
        ]
        .read()
    )
    archive = zipfile.ZipFile(io.BytesIO(stored))
    data = json.loads(archive.read("datos.json"))
    assert data["cuenta"]["nombre"] == "ANA SOFIA TORRES VEGA"
    assert [c["claim_id"] for c in data["tramites"]] == [claim_id]
    assert data["tramites"][0]["history"]
    assert sorted(d["name"] for d in data["documentos"]) == sorted(contents)
    packed = {
        name.split("_", 1)[1]: archive.read(name)
        for name in archive.namelist()
        if name.startswith("documentos/")
    }
    assert packed == contents
    assert "totp_secret" not in json.dumps(data)

    subjects = [m.subject for m in world.mailbox.sent()]
    assert "Tu archivo con tus datos personales está listo" in subjects
    # The export is closed: another may be asked for; a repeated message changes nothing.
    privacy.handle_export_message(created.request_id)
    assert privacy.create_request(world.ana, DataRequestIn(type="export")).request_id


def test_another_persons_request_is_not_found_and_operators_see_only_their_insurer(
    world: ClaimsWorld,
) -> None:
    created = privacy.create_request(world.ana, DataRequestIn(type="deletion"))
    with pytest.raises(errors.NotFound):
        privacy.my_request(world.other, created.request_id)
    with pytest.raises(errors.NotFound):
        privacy.my_request(world.ana, "not-an-id")
    assert privacy.my_requests(world.other, ListQuery()).items == []
    assert [r.request_id for r in privacy.my_requests(world.ana, ListQuery()).items] == [
        created.request_id
    ]

    with pytest.raises(errors.NotFound):
        privacy.operator_request(world.operator_adn, created.request_id, None)
    with pytest.raises(errors.NotFound):
        privacy.decide(world.operator_adn, created.request_id, DecisionIn(decision="aprobar"), None)
    with pytest.raises(errors.NotFound):
        privacy.operator_requests(world.operator_adn, OperatorQuery(insurer="sec"), None)
    assert privacy.operator_requests(world.operator_adn, OperatorQuery(), "10.0.0.9").items == []

    listed = privacy.operator_requests(world.operator, OperatorQuery(), "10.0.0.8")
    assert [r.request_id for r in listed.items] == [created.request_id]
    assert listed.items[0].account_id == world.ana.account_id
    trail = audit.records(world.operator, AuditQuery())
    assert any(r.action == "data_requests.list" and r.source_ip == "10.0.0.8" for r in trail.items)


def test_rejection_needs_a_reason_and_frees_the_person_to_ask_again(world: ClaimsWorld) -> None:
    with pytest.raises(ValueError, match="por qué se rechaza"):
        DecisionIn(decision="rechazar", reason="")
    created = privacy.create_request(world.ana, DataRequestIn(type="deletion"))
    decided = privacy.decide(
        world.operator,
        created.request_id,
        DecisionIn(decision="rechazar", reason="Tienes un trámite en revisión."),
        None,
    )
    assert decided.status == "rechazada"
    assert decided.reason == "Tienes un trámite en revisión."
    with pytest.raises(errors.Conflict) as again:
        privacy.decide(world.operator, created.request_id, DecisionIn(decision="aprobar"), None)
    assert again.value.error_code == "data_request_not_pending"
    assert privacy.create_request(world.ana, DataRequestIn(type="deletion")).request_id

    export = privacy.create_request(world.ana, DataRequestIn(type="export"))
    with pytest.raises(errors.Conflict):  # an export is built without a decision
        privacy.decide(world.operator, export.request_id, DecisionIn(decision="aprobar"), None)


def test_approved_deletion_closes_the_account_at_once_and_erases_every_version(
    world: ClaimsWorld,
) -> None:
    from chalicelib.documents import repository as documents_repository

    claim_id, _ = _files(world)  # a draft: no folio, so no law keeps it
    docs = {d.name: d for d in documents_repository.list_for_owner("claim", claim_id)}
    report_key = docs["informe.pdf"].object_key
    s3 = boto3.client("s3")
    s3.put_object(Bucket=BUCKET, Key=report_key, Body=b"%PDF-1.4 a second version")
    s3.delete_object(Bucket=BUCKET, Key=report_key)  # a plain DELETE leaves a marker
    assert len(stored_versions(report_key)) == 3

    created = privacy.create_request(world.ana, DataRequestIn(type="deletion"))
    approved = privacy.decide(
        world.operator, created.request_id, DecisionIn(decision="aprobar"), None
    )
    assert approved.status == "aprobada"
    # No grace days at SEC: due now, and the account is closed on the approval itself.
    assert approved.due_at == world.clock.now.isoformat(timespec="seconds")
    with pytest.raises(accounts.InvalidCredentials):
        accounts.login(_email(world), "una frase larga segura")

    assert privacy.run_due()["deletions"] == 1
    assert stored_versions(report_key) == []
    assert documents_repository.get(docs["informe.pdf"].document_id, include_deleted=True) is None
    assert stored_versions(docs["factura.xml"].object_key) == []  # a draft's CFDI proves nothing

    done = privacy.my_request(world.ana, created.request_id)
    assert done.status == "completada"
    assert done.retained == []

    from chalicelib.accounts import repository as accounts_repository

    account = accounts_repository.get_account(world.ana.account_id)
    assert account is not None
    assert account.status == "eliminada"
    assert "ANA" not in account.full_name
    assert account.phone is None
    with pytest.raises(errors.Unauthorized):
        accounts.contact(world.ana)
    from chalicelib.claims import repository as claims_repository

    assert claims_repository.get(claim_id) is None
    pool = boto3.client("cognito-idp")
    with pytest.raises(pool.exceptions.UserNotFoundException):
        pool.admin_get_user(UserPoolId=_pool_id(), Username=world.ana.account_id)
    assert any(
        m.subject == "Eliminamos tu cuenta y tus datos personales" for m in world.mailbox.sent()
    )


def _email(world: ClaimsWorld) -> str:
    from chalicelib.accounts import repository as accounts_repository

    account = accounts_repository.get_account(world.ana.account_id)
    assert account is not None
    return account.email


def _pool_id() -> str:
    from chalicelib.config import get_settings

    return get_settings().user_pool_id
