"""A claim from step 1 to the folio and through review, on moto in-process."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib import errors
from chalicelib.audit import service as audit
from chalicelib.audit.schemas import AuditQuery
from chalicelib.claims import folios
from chalicelib.claims import service as claims
from chalicelib.claims.schemas import (
    ClaimFilesIn,
    ClaimListQuery,
    ContactIn,
    OperatorQueueQuery,
    PendingResponseIn,
    TransitionIn,
)
from chalicelib.documents import service as documents
from chalicelib.documents.schemas import FileIn
from chalicelib.schema import ListQuery
from tests.service.claims.conftest import ClaimsWorld, expense, report, statement


def test_a_reimbursement_gets_its_folio_once_after_every_document_is_accepted(
    world: ClaimsWorld,
) -> None:
    claim = world.new_claim()
    assert claim.status == "borrador"
    assert claim.folio is None
    assert [k.state for k in claim.document_kinds if k.required] == ["falta"] * 3

    world.upload(
        claim.id,
        [
            ("informe.pdf", "informe_medico", b"%PDF-1.7 not really a pdf"),
            ("factura.xml", "cfdi_expense", expense()),
        ],
    )
    with pytest.raises(claims.DocumentsIncomplete) as refused:
        claims.generate_folio(world.ana, claim.id)
    problems = {(d.field, d.code) for d in refused.value.details}
    assert problems == {("informe_medico", "rejected"), ("bank_statement", "missing")}

    detail = claims.read_claim(world.ana, claim.id)
    rejected = next(d for d in detail.documents if d.status == "rechazado")
    documents.delete_document(world.ana, rejected.id)
    world.upload(
        claim.id,
        [
            ("informe.pdf", "informe_medico", report()),
            ("estado_cuenta.pdf", "bank_statement", statement()),
        ],
    )
    assert claims.read_claim(world.ana, claim.id).can_generate_folio

    first = claims.generate_folio(world.ana, claim.id)
    again = claims.generate_folio(world.ana, claim.id)
    assert first.folio == again.folio
    assert folios.parse_folio(first.folio) is not None
    assert first.folio.startswith("RE-SEC-2026-")
    assert first.claim.status == "registrado"
    assert [h.to for h in first.claim.history] == ["borrador", "registrado"]

    [email] = [m for m in world.mailbox.sent() if first.folio in m.subject]
    assert "informe.pdf" in email.body
    assert "estado_cuenta.pdf" in email.body
    # The files of a claim with its folio stay.
    with pytest.raises(errors.Conflict):
        documents.delete_document(world.ana, first.claim.documents[0].id)
    with pytest.raises(claims.ClaimLocked):
        claims.request_slots(
            world.ana,
            claim.id,
            ClaimFilesIn(files=[FileIn(name="otro.pdf", size=10, doc_type="recetas")]),
        )


def test_tracking_lists_and_the_search_by_folio(world: ClaimsWorld) -> None:
    registered = world.complete_reimbursement()
    folio = claims.generate_folio(world.ana, registered.id).folio
    draft = world.new_claim(member_id=world.members["hijo"])

    current = claims.list_claims(world.ana, ClaimListQuery(view="actuales"))
    assert {c.id for c in current.items} == {registered.id, draft.id}
    in_progress = claims.list_claims(world.ana, ClaimListQuery(view="en_tramite"))
    assert [c.id for c in in_progress.items] == [registered.id]
    by_person = claims.list_claims(
        world.ana, ClaimListQuery(view="en_tramite", member_id=world.members["hijo"])
    )
    assert by_person.items == []
    found = claims.list_claims(world.ana, ClaimListQuery(view="historial", folio=folio.lower()))
    assert [c.folio for c in found.items] == [folio]
    typo = folio[:-1] + str((int(folio[-1]) + 1) % 10)
    with pytest.raises(errors.InvalidInput) as bad:
        claims.list_claims(world.ana, ClaimListQuery(view="historial", folio=typo))
    assert bad.value.details[0].code == "folio_invalid"
    # Another insured's folio is not found, as if it did not exist.
    assert (
        claims.list_claims(world.other, ClaimListQuery(view="historial", folio=folio)).items == []
    )


def test_business_hours_and_the_estimated_date(world: ClaimsWorld) -> None:
    claim = world.complete_reimbursement()
    registered = claims.generate_folio(world.ana, claim.id).claim  # Wed 11:00 CDMX
    assert registered.elapsed_business_hours == 0
    # 45 business hours = 5 days of 9 h: Wed 11:00 → Wed 2 Dec 11:00.
    assert registered.estimated_response_date == "2026-12-02"
    world.clock.advance(days=2)  # Friday 11:00
    assert claims.read_claim(world.ana, claim.id).elapsed_business_hours == 18.0
    world.clock.advance(days=2)  # Sunday 11:00: the weekend does not count
    assert claims.read_claim(world.ana, claim.id).elapsed_business_hours == 25.0


REFUSALS: list[tuple[dict[str, Any], str, str]] = [
    ({"member_id": "m-pedro"}, "member_id", "not_on_policy"),
    ({"coverage": "gmm_menores", "type": "menores"}, "coverage", "coverage_not_in_policy"),
    ({"stage": "complemento"}, "condition_id", "condition_required"),
    ({"stage": "complemento", "condition_id": "cond-1"}, "condition_id", "condition_not_found"),
    ({"payout_clabe": "002180700845632137"}, "payout_clabe", "clabe_invalid"),
    ({"payout_clabe": None}, "payout_clabe", "clabe_required"),
    ({"consent": False}, "consent", "consent_required"),
    (
        {"type": "programacion", "subtype": "cirugia", "payout_clabe": None},
        "hospital_id",
        "hospital_required",
    ),
    ({"type": "programacion", "payout_clabe": None}, "subtype", "subtype_required"),
]


def test_step_one_refuses_what_the_policy_does_not_allow(world: ClaimsWorld) -> None:
    # One world for every case: building it (Cognito, tables) costs more than the cases.
    for fields, field, code in REFUSALS:
        with pytest.raises(errors.InvalidInput) as refused:
            world.new_claim(**fields)
        assert [(d.field, d.code) for d in refused.value.details] == [(field, code)], fields
    assert claims.list_claims(world.ana, ClaimListQuery(view="actuales")).items == []


def test_step_one_accepts_a_complement_and_a_programming(world: ClaimsWorld) -> None:
    complement = world.new_claim(
        member_id=world.members["hijo"], stage="complemento", condition_id="cond-1"
    )
    assert complement.condition_description == "Fractura de tibia"
    assert complement.relationship == "hijo"
    pending = world.new_claim(stage="complemento", condition_pending=True)
    assert pending.condition_pending
    surgery = world.new_claim(
        type="programacion", subtype="cirugia", hospital_id="hosp-1", payout_clabe=None
    )
    assert surgery.hospital_name == "HOSPITAL CENTRAL"
    assert {k.doc_type for k in surgery.document_kinds} >= {"solicitud_programacion"}


def test_slots_are_refused_before_any_is_created(world: ClaimsWorld) -> None:
    claim = world.new_claim()

    def ask(*files: FileIn) -> None:
        claims.request_slots(world.ana, claim.id, ClaimFilesIn(files=list(files)))

    with pytest.raises(errors.InvalidInput) as bad_name:
        ask(FileIn(name="informe médico.pdf", size=100, doc_type="informe_medico"))
    assert bad_name.value.details[0].field == "files.0.name"
    with pytest.raises(errors.InvalidInput) as wrong_format:
        ask(FileIn(name="estado.jpg", size=100, doc_type="bank_statement"))
    assert wrong_format.value.error_code == "file_type_not_allowed"
    with pytest.raises(errors.Conflict) as too_many:
        ask(*[FileIn(name=f"receta{i}.pdf", size=100, doc_type="recetas") for i in range(51)])
    assert too_many.value.error_code == "too_many_files"
    with pytest.raises(errors.PayloadTooLarge) as too_big:
        ask(*[FileIn(name=f"receta{i}.pdf", size=11 * 2**20, doc_type="recetas") for i in range(5)])
    assert too_big.value.error_code == "claim_too_large"
    assert documents.documents_of(documents.DocumentOwner.CLAIM, claim.id) == []


def test_ownership_and_insurer_scoping(world: ClaimsWorld) -> None:
    claim = world.complete_reimbursement()
    with pytest.raises(errors.NotFound):
        claims.read_claim(world.other, claim.id)
    with pytest.raises(errors.NotFound):
        claims.generate_folio(world.other, claim.id)
    with pytest.raises(errors.NotFound):
        claims.request_slots(
            world.other,
            claim.id,
            ClaimFilesIn(files=[FileIn(name="a.pdf", size=10, doc_type="recetas")]),
        )
    # A draft is the insured's alone; with its folio, only operators of its insurer see it.
    with pytest.raises(errors.NotFound):
        claims.operator_claim(world.operator, claim.id, None)
    claims.generate_folio(world.ana, claim.id)
    assert claims.operator_claim(world.operator, claim.id, None).id == claim.id
    with pytest.raises(errors.NotFound):
        claims.operator_claim(world.operator_adn, claim.id, None)
    with pytest.raises(errors.NotFound):
        claims.transition(world.operator_adn, claim.id, TransitionIn(to="en_revision"), None)
    with pytest.raises(errors.Forbidden):
        claims.read_claim(world.operator, claim.id)


def test_review_with_pending_documents_and_approval(world: ClaimsWorld) -> None:
    claim = world.complete_reimbursement()
    folio = claims.generate_folio(world.ana, claim.id).folio
    queue = claims.operator_queue(
        world.operator, OperatorQueueQuery(status="registrado"), "1.2.3.4"
    )
    assert claim.id in [c.id for c in queue.items]

    with pytest.raises(claims.machine.IllegalTransition):
        claims.transition(world.operator, claim.id, TransitionIn(to="aprobado"), None)
    claims.transition(world.operator, claim.id, TransitionIn(to="en_revision"), "1.2.3.4")
    with pytest.raises(errors.InvalidInput):
        claims.transition(
            world.operator,
            claim.id,
            TransitionIn(to="pendiente_documentos", requested_documents=["radiografia"], note="x"),
            None,
        )
    pending = claims.transition(
        world.operator,
        claim.id,
        TransitionIn(
            to="pendiente_documentos",
            requested_documents=["recetas"],
            note="Falta la receta del medicamento facturado.",
        ),
        "1.2.3.4",
    )
    assert pending.status == "pendiente_documentos"
    assert [k.doc_type for k in pending.requested_documents] == ["recetas"]
    [email] = [m for m in world.mailbox.sent() if "documentos adicionales" in m.subject]
    assert "Recetas médicas" in email.body
    assert folio in email.subject
    inbox = claims.my_notifications(world.ana, ListQuery())
    assert inbox.unread == 3  # the folio, the review and the request
    assert any("Pendiente de documentos" in n.title for n in inbox.items)

    old_document = claim.id and claims.read_claim(world.ana, claim.id).documents[0].id
    with pytest.raises(claims.DocumentsIncomplete):
        claims.answer_pending(world.ana, claim.id, PendingResponseIn(document_ids=[old_document]))
    world.clock.advance(minutes=5)
    [receta] = world.upload(claim.id, [("receta.pdf", "recetas", report())])
    answered = claims.answer_pending(
        world.ana,
        claim.id,
        PendingResponseIn(observations="Adjunto la receta.", document_ids=[receta]),
    )
    assert answered.status == "en_revision"
    assert answered.history[-1].note == "Adjunto la receta."

    with pytest.raises(errors.InvalidInput) as no_amount:
        claims.transition(
            world.operator, claim.id, TransitionIn(to="aprobado", note="Procede."), None
        )
    assert [d.field for d in no_amount.value.details] == ["approved_amount"]
    approved = claims.transition(
        world.operator,
        claim.id,
        TransitionIn(
            to="aprobado",
            note="Procede.",
            approved_amount="12500.00",
            deductible="1000",
            coinsurance="1150.50",
        ),
        None,
    )
    assert approved.next_statuses == ["pagado"]
    assert approved.decision is not None
    assert approved.decision.net_payable.amount == "10349.50"
    assert any("neto a pagar: $10,349.50" in m.body for m in world.mailbox.sent())
    with pytest.raises(claims.machine.IllegalTransition):
        claims.transition(world.operator, claim.id, TransitionIn(to="autorizado"), None)
    paid = claims.transition(world.operator, claim.id, TransitionIn(to="pagado"), None)
    assert paid.status == "pagado"
    assert paid.next_statuses == []
    assert [h.to for h in paid.history] == [
        "borrador",
        "registrado",
        "en_revision",
        "pendiente_documentos",
        "en_revision",
        "aprobado",
        "pagado",
    ]
    seen = claims.read_claim(world.ana, claim.id)
    assert seen.status_label == "Pagado"
    # Paying keeps the approval's amounts for the insured to see.
    assert seen.decision is not None
    assert (seen.decision.approved_amount.amount, seen.decision.deductible.amount) == (
        "12500.00",
        "1000.00",
    )
    assert any("Pagado" in m.subject for m in world.mailbox.sent())

    trail = audit.records(world.operator, AuditQuery(subject=claim.id))
    actions = [r.action for r in trail.items]
    assert actions.count("claim.transition") == 4  # the insured's answer is not an operator's
    assert all(r.actor_id == "op-sec" for r in trail.items)
    assert any(r.source_ip == "1.2.3.4" for r in trail.items)
    claims.operator_claim(world.operator, claim.id, "5.6.7.8")
    reads = audit.records(world.operator, AuditQuery(subject=claim.id)).items
    assert [r.source_ip for r in reads if r.action == "claim.read"] == ["5.6.7.8"]
    assert audit.records(world.operator_adn, AuditQuery(subject=claim.id)).items == []


def test_notifications_read_state_and_contact(world: ClaimsWorld) -> None:
    claim = world.complete_reimbursement()
    claims.generate_folio(world.ana, claim.id)
    [note] = claims.my_notifications(world.ana, ListQuery()).items
    assert not note.read
    claims.mark_notification_read(world.ana, note.id)
    assert claims.my_notifications(world.ana, ListQuery()).items[0].read
    with pytest.raises(errors.NotFound):
        claims.mark_notification_read(world.other, note.id)

    ticket = claims.contact(
        world.ana,
        ContactIn(subject="Demora", message="Mi reembolso tarda mucho.", kind="queja"),
    ).ticket
    sent = world.mailbox.sent()
    assert any(
        ticket in m.subject and "quejas@portal-medico.mx" in m.destinations["ToAddresses"]
        for m in sent
    )
    assert any(ticket in m.subject and "Recibimos" in m.subject for m in sent)
