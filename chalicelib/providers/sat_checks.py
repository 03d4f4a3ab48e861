"""SAT's status of accepted invoices: asked by a worker, kept on the invoice, required fresh
before a payment.

- When a CFDI invoice is accepted, a message on the `sat-status` queue asks SAT's status
  service (sat.py) for it. `No encontrado` right after stamping is normal (SAT publishes a
  CFDI within minutes to hours), and SAT may not answer at all: both are asked again later,
  each time after a longer delay (SAT_RECHECK_SECONDS, doubled each time, at most 15
  minutes, up to `MAX_ATTEMPTS` times). Neither is a rejection.
- Every answer is stored on the invoice with the time it was asked, `ValidacionEFOS`
  included, and shown to the provider and the operator.
- An operator registers a payment only for an invoice that SAT reported `Vigente` at a check
  within the last 24 hours whose issuer is not on the 69-B list (`require_payable`): the
  payment asks SAT again, and uses a stored `Vigente` of the last 24 hours only when SAT does
  not answer. An operator may also ask again at any time (`recheck`).
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Final

from chalicelib import aws, clock, errors
from chalicelib.accounts import service as accounts
from chalicelib.config import get_settings
from chalicelib.observability import logger
from chalicelib.policies import service as policies
from chalicelib.providers import repository
from chalicelib.providers.money import format_amount
from chalicelib.providers.repository import Invoice
from chalicelib.providers.sat import CfdiQuery, SatAnswer, status_checker

QUEUE: Final = "sat-status"
MAX_ATTEMPTS: Final = 8
MAX_DELAY_SECONDS: Final = 900  # SQS's longest message delay
FRESH: Final = timedelta(hours=24)
CHECKED_STATES: Final = frozenset({"aceptada", "pagada", "complemento_recibido"})


def _first_delay() -> int:
    return int(os.environ.get("SAT_RECHECK_SECONDS") or 60)


def enqueue(invoice_id: str, attempt: int = 0, *, complement: bool = False) -> None:
    """Ask the worker to check the invoice, or its payment complement (now for the first
    attempt, later for the next)."""
    delay = 0 if attempt == 0 else min(MAX_DELAY_SECONDS, _first_delay() * 2 ** (attempt - 1))
    sqs = aws.sqs()
    url = sqs.get_queue_url(QueueName=get_settings().queue_name(QUEUE))["QueueUrl"]
    sqs.send_message(
        QueueUrl=url,
        MessageBody=json.dumps(
            {"invoice_id": invoice_id, "attempt": attempt, "complement": complement}
        ),
        DelaySeconds=delay,
    )


def query_of(invoice: Invoice, *, complement: bool = False) -> CfdiQuery | None:
    """The expression SAT is asked with (a payment complement's total is 0); None without an
    accepted CFDI."""
    provider = accounts.provider_facts(invoice.provider_id)
    insurer = policies.get_insurer(invoice.insurer_id)
    uuid = invoice.complement_uuid if complement else invoice.uuid
    if uuid is None or provider is None or insurer is None:
        return None
    return CfdiQuery(
        uuid=uuid,
        issuer_rfc=provider.rfc,
        receiver_rfc=insurer.rfc,
        total="0" if complement else format_amount(invoice.total),
        seal_tail=(invoice.complement_seal_tail if complement else invoice.seal_tail) or "",
    )


def ask(invoice: Invoice, *, complement: bool = False) -> SatAnswer:
    """Ask SAT about the invoice (or its payment complement) now and keep the answer on it."""
    query = query_of(invoice, complement=complement)
    if query is None:
        answer = SatAnswer(state="sin_respuesta", checked_at=clock.iso(clock.now()))
    else:
        answer = status_checker().status(query)
    repository.record_sat_status(invoice.invoice_id, answer.as_dict(), complement=complement)
    return answer


def handle_check(body: str) -> None:
    """The worker: one invoice's check, and the next one when SAT has no final answer yet."""
    message = json.loads(body)
    invoice = repository.get_invoice(str(message["invoice_id"]))
    attempt = int(message.get("attempt", 0))
    complement = bool(message.get("complement", False))
    if invoice is None or invoice.status not in CHECKED_STATES:
        return
    if complement and invoice.status != "complemento_recibido":
        return
    answer = ask(invoice, complement=complement)
    logger.info(
        "sat status",
        extra={
            "invoice_id": invoice.invoice_id,
            "complement": complement,
            "state": answer.state,
            "attempt": attempt,
        },
    )
    if answer.state in {"no_encontrado", "sin_respuesta"} and attempt + 1 < MAX_ATTEMPTS:
        enqueue(invoice.invoice_id, attempt + 1, complement=complement)


def _fresh_vigente(stored: dict[str, str] | None) -> SatAnswer | None:
    if not stored:
        return None
    answer = SatAnswer.from_dict(stored)
    if answer.state != "vigente" or not answer.checked_at:
        return None
    try:
        checked_at = datetime.fromisoformat(answer.checked_at)
    except ValueError:
        return None
    if clock.now() - checked_at > FRESH:
        return None
    return answer


def require_payable(invoice: Invoice) -> SatAnswer:
    """SAT's `Vigente` of the last 24 hours for a payment, or the Conflict that says why not."""
    answer = ask(invoice)
    if answer.state == "sin_respuesta":
        answer = _fresh_vigente(invoice.sat_status) or answer
    if answer.state == "vigente" and answer.issuer_listed:
        raise errors.Conflict(
            "El SAT reporta que el emisor de esta factura está en la lista de contribuyentes "
            "con operaciones presuntamente inexistentes (artículo 69-B); no se puede pagar.",
            code="invoice_sat_efos",
        )
    messages = {
        "cancelado": "El SAT reporta la factura como cancelada; no se puede pagar. Pide al "
        "prestador una factura nueva.",
        "no_encontrado": "El SAT todavía no encuentra la factura; no se puede pagar hasta que "
        "la reporte vigente. Vuelve a consultarla más tarde.",
        "sin_respuesta": "El servicio de verificación del SAT no respondió y la factura no "
        "tiene una consulta vigente de las últimas 24 horas. Intenta más tarde.",
    }
    if answer.state != "vigente":
        raise errors.Conflict(messages[answer.state], code=f"invoice_sat_{answer.state}")
    return answer
