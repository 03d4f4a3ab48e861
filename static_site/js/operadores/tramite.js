// An operator reviews one claim: data, documents (preview and download, audited),
// the history, and the transitions the status machine allows, with a note.
import { api, showError } from "/js/api.js";
import {
  STATUS_LABELS, claimSummary, claimTitle, documentItem, historyItem, statusBadge,
} from "/js/claims.js";
import { decisionRows } from "/js/claim-decision.js";
import { el } from "/js/dom.js";
import { fromCents, longDate, money, toCents } from "/js/format.js";
import { bindForm } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const claimId = new URLSearchParams(window.location.search).get("id");
const pageError = document.querySelector("[data-error]");
const form = document.getElementById("transition-form");
let claim = null;

function set(selector, text) {
  document.querySelector(selector).textContent = text;
}

function render() {
  set("[data-title]", `Trámite ${claim.folio}`);
  document.querySelector("[data-status]").replaceChildren(statusBadge(claim.status));
  document.querySelector("[data-claim-summary]").replaceChildren(...claimSummary(claim, {
    type: `${claimTitle(claim)} (${claim.stage})`,
    clabe: claim.payout_clabe_masked || "—",
    elapsed: ["Horas hábiles", claim.elapsed_business_hours === null ? "—"
      : `${claim.elapsed_business_hours} h (meta: ${claim.service_level_hours} h)`],
    due: ["Respuesta comprometida", longDate(claim.estimated_response_date)],
  }), ...decisionRows(claim.decision));
  document.querySelector("[data-summary]").hidden = false;

  const base = `/v1/operator/claims/${claim.id}/documents`;
  document.querySelector("[data-documents]").replaceChildren(...claim.documents.map((d) => documentItem(d, {
    previewPath: `${base}/${d.id}/download?disposition=inline`,
    downloadPath: `${base}/${d.id}/download?disposition=attachment`,
  })));

  const move = document.querySelector("[data-move]");
  move.hidden = claim.next_statuses.length === 0;
  form.to.replaceChildren(...claim.next_statuses.map((s) => el("option", { value: s, text: STATUS_LABELS[s] || s })));
  document.querySelector("[data-requested-options]").replaceChildren(...claim.document_kinds.map((kind) =>
    el("label", { class: "inline" },
      el("input", { type: "checkbox", name: "requested", value: kind.doc_type }), ` ${kind.name}`)));
  toggleRequested();

  document.querySelector("[data-history]").replaceChildren(...claim.history.map((entry) =>
    historyItem(entry, { operator: "Operador", insured: "Asegurado" })));
}

function toggleRequested() {
  document.querySelector("[data-requested]").hidden = form.to.value !== "pendiente_documentos";
  document.querySelector("[data-amounts]").hidden = form.to.value !== "aprobado";
}

const AMOUNT = /^\d{1,12}(\.\d{1,2})?$/;
const AMOUNT_FIELDS = ["approved_amount", "deductible", "coinsurance"];

// What the insurer will pay, as the operator types: approved − deductible − coinsurance (the
// API checks the same rules and answers each wrong field).
function showNet() {
  const [approved, deductible, coinsurance] = AMOUNT_FIELDS.map((name) => {
    const text = form[name].value.trim().replaceAll(",", "");
    if (!text && name !== "approved_amount") return 0;
    return AMOUNT.test(text) ? toCents({ amount: text }) : null;
  });
  const net = [approved, deductible, coinsurance].includes(null) ? null : approved - deductible - coinsurance;
  document.querySelector("[data-net]").textContent =
    net === null || net < 0 ? "—" : money(fromCents(net));
}

async function load() {
  claim = await api.get(`/v1/operator/claims/${claimId}`);
  render();
}

form.to.addEventListener("change", toggleRequested);
for (const name of AMOUNT_FIELDS) form[name].addEventListener("input", showNet);
bindForm(form, () => {
  const body = { to: form.to.value };
  if (form.note.value.trim()) body.note = form.note.value.trim();
  if (body.to === "pendiente_documentos") {
    body.requested_documents = [...form.querySelectorAll("input[name=requested]:checked")].map((i) => i.value);
  }
  if (body.to === "aprobado") {
    for (const name of AMOUNT_FIELDS) body[name] = form[name].value.trim();
  }
  return api.post(`/v1/operator/claims/${claimId}/transitions`, body);
}, async (updated) => {
  claim = updated;
  form.note.value = "";
  for (const name of AMOUNT_FIELDS) form[name].value = "";
  showNet();
  render();
});

if (session) {
  if (!claimId) window.location.replace("/operadores/tramites.html");
  else load().catch((error) => showError(pageError, error));
}
