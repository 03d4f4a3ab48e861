// A claim's detail for the insured: status and deadlines, documents, the history, and the
// answer to a request for pending documents (new uploads and observations).
import { api, showError } from "/js/api.js";
import {
  claimSummary, claimTitle, documentItem, historyItem, kindFileField, kindFileList,
  removeClaimDocument, statusBadge, uploadClaimFile,
} from "/js/claims.js";
import { answerRow, decisionRows } from "/js/claim-decision.js";
import { el } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { bindForm, errorText, showFieldError } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const claimId = new URLSearchParams(window.location.search).get("id");
const pageError = document.querySelector("[data-error]");
const answerIds = new Set();
const refusedUploads = new Map(); // document kind → why its last file was refused
let claim = null;

function set(selector, text) {
  document.querySelector(selector).textContent = text;
}

function removeDocument(document) {
  return removeClaimDocument(document, pageError, () => {
    answerIds.delete(document.id);
    return load();
  });
}

function pendingKind(kind) {
  const card = el("div", { class: "kind", "data-kind": kind.doc_type });
  card.append(el("h3", { text: kind.name }));
  const answers = claim.documents.filter((d) => answerIds.has(d.id) && d.doc_type === kind.doc_type);
  const list = kindFileList(answers, { onDelete: removeDocument, fresh: () => true });
  const { input, row } = kindFileField(kind);
  input.addEventListener("change", async () => {
    const [file] = input.files;
    if (!file) return;
    refusedUploads.delete(kind.doc_type);
    input.disabled = true;
    try {
      const document = await uploadClaimFile(claim.id, kind.doc_type, file, row);
      answerIds.add(document.id);
    } catch (error) {
      // Said beside this field once the kinds are drawn again.
      refusedUploads.set(kind.doc_type, `«${file.name}»: ${errorText(error)}`);
    } finally {
      await load();
    }
  });
  card.append(list, row);
  if (refusedUploads.has(kind.doc_type)) showFieldError(input, refusedUploads.get(kind.doc_type));
  return card;
}

function render() {
  document.title = `Trámite ${claim.folio || "(borrador)"} · Portal Médico`;
  set("[data-title]", claim.folio ? `Trámite ${claim.folio}` : "Trámite en borrador");
  document.querySelector("[data-status]").replaceChildren(statusBadge(claim.status));
  set("[data-folio-line]", `Actualizado ${dateTime(claim.updated_at)}`);
  set("[data-stage-description]", claim.stage_description);
  document.querySelector("[data-claim-summary]").replaceChildren(...claimSummary(claim, {
    type: `${claimTitle(claim)} (${claim.stage === "inicial" ? "inicial" : "complemento"})`,
    clabe: claim.payout_clabe_masked ? `CLABE ${claim.payout_clabe_masked}` : "—",
    elapsed: ["Tiempo transcurrido", claim.elapsed_business_hours === null ? "—"
      : `${claim.elapsed_business_hours} horas hábiles (lunes a viernes de 9:00 a 18:00, sin días festivos)`],
    due: answerRow(claim),
  }));
  document.querySelector("[data-summary]").hidden = false;
  document.querySelector("[data-decision]").replaceChildren(...decisionRows(claim.decision));
  document.querySelector("[data-decision-section]").hidden = !claim.decision;
  const draft = claim.status === "borrador";
  document.querySelector("[data-continue]").hidden = !draft;
  document.querySelector("[data-continue-link]").href = `/asegurados/tramite-nuevo.html?id=${claim.id}`;

  const pending = document.querySelector("[data-pending]");
  pending.hidden = claim.status !== "pendiente_documentos";
  if (!pending.hidden) {
    set("[data-pending-note]", claim.pending_note || "");
    document.querySelector("[data-pending-kinds]").replaceChildren(...claim.requested_documents.map(pendingKind));
  }

  const documents = document.querySelector("[data-documents]");
  documents.replaceChildren(...claim.documents.filter((d) => !answerIds.has(d.id)).map((d) => documentItem(d, {
    previewPath: `/v1/documents/${d.id}/download?disposition=inline`,
    downloadPath: `/v1/documents/${d.id}/download?disposition=attachment`,
  })));
  document.querySelector("[data-docs-section]").hidden = claim.documents.length === 0;

  const history = document.querySelector("[data-history]");
  history.replaceChildren(...claim.history.map((entry) => historyItem(entry, { operator: "Aseguradora", insured: "Tú" })));
  document.querySelector("[data-history-section]").hidden = false;
}

async function load() {
  claim = await api.get(`/v1/claims/${claimId}`);
  if (claim.status === "pendiente_documentos") {
    // Uploads made after the request are the answer in progress (they can still be deleted).
    for (const document of claim.documents) {
      if (document.created_at >= (claim.history.at(-1) || {}).at) answerIds.add(document.id);
    }
  }
  render();
}

bindForm(document.getElementById("pending-form"), (values) => api.post(`/v1/claims/${claimId}/pending-response`, {
  observations: values.observations || "",
  document_ids: [...answerIds],
}), async () => {
  answerIds.clear();
  await load();
});

if (session) {
  if (!claimId) window.location.replace("/asegurados/tramites.html");
  else load().catch((error) => showError(pageError, error));
}
