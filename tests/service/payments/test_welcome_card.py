"""The welcome email carries the virtual card as a PDF attachment (SES send_raw_email with a
MIME message); the outbox keeps the attachment's name and size; the local outbox lists it."""

from __future__ import annotations

import io
import json

import boto3
import pytest
from pypdf import PdfReader

from chalicelib.notifications import mime
from chalicelib.payments import service as payments
from infrastructure.local.outbox import Outbox
from infrastructure.local.site import outbox_page
from tests.service.accounts.conftest import Clock, Mailbox
from tests.service.payments.conftest import AFFILIATE, enrol


def _outbox_items() -> list[dict[str, object]]:
    table = boto3.resource("dynamodb").Table("portal-test-email_outbox")
    return [i for i in table.scan()["Items"] if str(i["pk"]).startswith("EMAIL#")]


def test_the_welcome_email_attaches_the_card_and_the_outbox_keeps_its_name_and_size(
    world: Mailbox, moved_clock: Clock
) -> None:
    membership_id = enrol("familiar")
    member_number = payments.membership(AFFILIATE, membership_id).member_number
    name = f"credencial-{member_number}.pdf"

    # Staged with the membership: the outbox item holds the file's name, type and size.
    [staged] = _outbox_items()
    [kept] = json.loads(str(staged["attachments"]))
    assert (kept["name"], kept["content_type"]) == (name, "application/pdf")
    assert int(kept["size"]) == len(mime.loaded([kept])[0].data) > 1000

    [email] = world.to("maria@example.mx")
    assert email.subject == "Bienvenida a tu plan Familiar Total"
    assert name in email.body
    assert "adjunta" in email.body
    [attachment] = email.attachments
    assert (attachment["name"], attachment["content_type"]) == (name, "application/pdf")
    assert attachment["size"] == int(kept["size"])
    pdf = PdfReader(io.BytesIO(attachment["data"]))
    text = pdf.pages[0].extract_text()
    assert member_number in text
    assert "Familiar Total" in text
    # The contact channels: the plan's insurer gave none here, so the platform's.
    assert "ayuda@portal-medico.mx" in email.body

    # The local outbox (what /__local/outbox shows) reads the MIME message and lists the file.
    [listed] = [m for m in Outbox("123456789012", "us-east-1").messages() if name in m["text"]]
    assert listed["to"] == ["maria@example.mx"]
    assert listed["attachments"] == [
        {"name": name, "content_type": "application/pdf", "size": attachment["size"]}
    ]
    assert f"<li data-attachment>{name} (application/pdf," in outbox_page([listed])


def test_attachments_are_capped_far_below_an_item_s_limit() -> None:
    big = mime.Attachment("grande.pdf", "application/pdf", b"0" * (mime.MAX_ATTACHMENT_BYTES + 1))
    with pytest.raises(ValueError, match="exceed"):
        mime.stored([big])
    assert mime.stored([]) is None
