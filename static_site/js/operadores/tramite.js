// An operator reviews one claim: data, documents (preview and download, audited),
// the history, and the transitions the status machine allows, with a note.
import { api, showError } from "/js/api.js";
import {
  STATUS_LABELS, claimSummary, claimTitle, documentItem, historyItem, statusBadge,
} from "/js/claims.js";
import { el } from "/js/dom.js";
import { longDate } from "/js/format.js";
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
  }));
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
}

async function load() {
  claim = await api.get(`/v1/operator/claims/${claimId}`);
  render();
}

form.to.addEventListener("change", toggleRequested);
bindForm(form, () => {
  const body = { to: form.to.value };
  if (form.note.value.trim()) body.note = form.note.value.trim();
  if (body.to === "pendiente_documentos") {
    body.requested_documents = [...form.querySelectorAll("input[name=requested]:checked")].map((i) => i.value);
  }
  return api.post(`/v1/operator/claims/${claimId}/transitions`, body);
}, async (updated) => {
  claim = updated;
  form.note.value = "";
  render();
});

if (session) {
  if (!claimId) window.location.replace("/operadores/tramites.html");
  else load().catch((error) => showError(pageError, error));
}
