// Shared pieces of the claims pages: labels, badges, uploads with progress,
// waiting for a document's verdict, previews and the document list.
import { api, showError } from "/js/api.js";
import { el, uploadToSlot } from "/js/dom.js";
import { dateTime } from "/js/format.js";

export const TYPE_LABELS = {
  reembolso: "Reembolso",
  programacion: "Programación",
  menores: "Gastos médicos menores",
};
export const SUBTYPE_LABELS = {
  cirugia: "Cirugía",
  medicamentos: "Medicamentos",
  quimioterapia: "Quimioterapia",
  estudio: "Estudio",
  terapias: "Terapias",
};
export const COVERAGE_LABELS = {
  gmm_mayores: "Gastos médicos mayores",
  gmm_menores: "Gastos médicos menores",
};
export const RELATIONSHIP_LABELS = {
  titular: "Titular",
  conyuge: "Cónyuge",
  hijo: "Hijo",
  hija: "Hija",
  padre: "Padre",
  madre: "Madre",
  otro: "Otro",
};
export const STAGE_LABELS = { inicial: "Inicial", complemento: "Complemento" };
export const STATUS_LABELS = {
  borrador: "Borrador",
  registrado: "Registrado",
  en_revision: "En revisión",
  pendiente_documentos: "Pendiente de documentos",
  aprobado: "Aprobado",
  rechazado: "Rechazado",
  pagado: "Pagado",
  autorizado: "Autorizado",
};
const DOCUMENT_STATUS = { pendiente: "En revisión", aceptado: "Aceptado", rechazado: "Rechazado" };

export function statusBadge(status) {
  return el("span", { class: `badge badge-${status}`, text: STATUS_LABELS[status] || status });
}

export function claimTitle(claim) {
  const type = TYPE_LABELS[claim.type] || claim.type;
  const subtype = claim.subtype ? ` · ${SUBTYPE_LABELS[claim.subtype] || claim.subtype}` : "";
  return `${type}${subtype}`;
}

// A claim's summary as the <dt>/<dd> pairs of a `dl.data`, the same on both portals; each
// portal words the type, the payout account, the elapsed time and the due date its own way,
// given as [term, text] (each <dd> keeps its data-* name: data-type, data-clabe…).
export function claimSummary(claim, { type, clabe, elapsed, due }) {
  const relationship = RELATIONSHIP_LABELS[claim.relationship] || claim.relationship;
  const condition = claim.condition_description || (claim.condition_pending ? "Padecimiento pendiente" : "—");
  const rows = [
    ["type", ["Trámite", type]],
    ["member", ["Persona afectada", `${claim.member_name} (${relationship})`]],
    ["coverage", ["Cobertura", COVERAGE_LABELS[claim.coverage] || claim.coverage]],
    ["condition", ["Padecimiento", condition]],
    ["hospital", ["Hospital", claim.hospital_name || "—"]],
    ["clabe", ["Cuenta de pago", clabe]],
    ["registered", ["Registrado", dateTime(claim.registered_at)]],
    ["elapsed", elapsed],
    ["due", due],
  ];
  return rows.flatMap(([name, [term, text]]) => [el("dt", { text: term }), el("dd", { [`data-${name}`]: true, text })]);
}

// One step of a claim's history timeline: the status, when, who (each portal names the
// operator's side and the insured's side its own way) and the note, if any.
export function historyItem(entry, { operator, insured }) {
  return el("li", { class: `timeline-item timeline-${entry.to}` },
    el("strong", { text: STATUS_LABELS[entry.to] || entry.to_label }),
    el("span", { class: "meta", text: ` · ${dateTime(entry.at)} · ${entry.by === "operador" ? operator : insured}` }),
    entry.note ? el("p", { text: entry.note }) : null);
}

// The document once the pipeline has judged it (or as it is after `seconds`).
export async function waitForVerdict(documentId, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  let document = await api.get(`/v1/documents/${documentId}`);
  while (document.status === "pendiente" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 700));
    document = await api.get(`/v1/documents/${documentId}`);
  }
  return document;
}

function isImage(document) {
  return (document.content_type || "").startsWith("image/");
}

// Shows an accepted PDF in a frame or a photo as an image, below `container`.
export async function showPreview(container, linkPath, document) {
  const link = await api.get(linkPath);
  container.replaceChildren();
  if (isImage(document)) {
    const response = await fetch(link.url);
    const url = URL.createObjectURL(await response.blob());
    container.append(el("img", { src: url, alt: `Vista previa de ${document.name}`, class: "preview-image" }));
  } else {
    container.append(el("iframe", { src: link.url, title: `Vista previa de ${document.name}`, class: "preview-frame" }));
  }
  container.hidden = false;
}

// "2026-06-02T12:00:00" (a CFDI's own date, written without a zone) → "02/06/2026 12:00".
function cfdiDate(text) {
  const found = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text || "");
  return found ? `${found[3]}/${found[2]}/${found[1]} ${found[4]}:${found[5]}` : "—";
}

// "1234.5" → "$1,234.50": a CFDI amount as its facts keep it (a decimal string).
function cfdiMoney(text, currency) {
  if (!text) return "—";
  const [whole, cents = "00"] = String(text).split(".");
  return `$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${cents.padEnd(2, "0")} ${currency || ""}`.trim();
}

function isCfdi(document) {
  return Boolean(document.facts && document.facts.uuid && document.facts.issuer_rfc);
}

// The fiscal data of an accepted XML invoice (CFDI), readable: who issued it to whom, its
// fiscal folio, date, concepts and totals, from what the validation read of it.
export function fiscalData(document) {
  const f = document.facts;
  const party = (name, rfc) => (name ? `${name} (RFC ${rfc})` : `RFC ${rfc}`);
  const rows = [
    ["Emisor", party(f.issuer_name, f.issuer_rfc)],
    ["Receptor", party(f.receiver_name, f.receiver_rfc)],
    ["Folio fiscal (UUID)", f.uuid],
    ["Fecha de emisión", cfdiDate(f.issued_at)],
    ["Subtotal", cfdiMoney(f.subtotal, f.currency)],
  ];
  if (f.discount && Number(f.discount)) rows.push(["Descuento", cfdiMoney(f.discount, f.currency)]);
  if (f.transferred_taxes && Number(f.transferred_taxes)) rows.push(["Impuestos trasladados", cfdiMoney(f.transferred_taxes, f.currency)]);
  if (f.withheld_taxes && Number(f.withheld_taxes)) rows.push(["Impuestos retenidos", cfdiMoney(f.withheld_taxes, f.currency)]);
  rows.push(["Total", cfdiMoney(f.total, f.currency)]);
  const facts = el("dl", { class: "data" });
  for (const [term, value] of rows) facts.append(el("dt", { text: term }), el("dd", { text: value }));
  const concepts = el("ul", { class: "cfdi-concepts" });
  for (const line of f.concept_lines || []) {
    concepts.append(el("li", { text: `${line.description} · ${cfdiMoney(line.amount, f.currency)}` }));
  }
  return el("section", { class: "cfdi-data", "aria-label": `Datos fiscales de ${document.name}`, "data-cfdi": true },
    facts, el("p", { class: "meta", text: "Conceptos:" }), concepts);
}

export async function download(linkPath) {
  const link = await api.get(linkPath);
  window.location.assign(link.url);
}

// One document with its verdict; `actions` decides which buttons it gets.
export function documentItem(document, { onDelete, previewPath, downloadPath, fresh } = {}) {
  const item = el("li", { class: `document document-${document.status}`, "data-document": document.id });
  item.append(
    el("span", { class: "document-name", text: document.name }),
    el("span", { class: `doc-status doc-${document.status}`, text: DOCUMENT_STATUS[document.status] || document.status }),
  );
  if (document.status === "aceptado" && fresh) {
    item.append(el("p", { class: "upload-ok", role: "status", text: "¡Documento cargado correctamente!" }));
  }
  if (document.status === "rechazado") {
    const reasons = el("ul", { class: "reasons" });
    for (const reason of document.reasons) reasons.append(el("li", { text: reason.message }));
    item.append(el("p", { class: "upload-bad", text: "Este archivo no se aceptó:" }), reasons);
  }
  const buttons = el("span", { class: "document-actions" });
  const preview = el("div", { class: "preview", hidden: true });
  const canPreview = document.status === "aceptado" && document.content_type
    && (document.content_type === "application/pdf" || isImage(document));
  if (previewPath && canPreview) {
    buttons.append(el("button", {
      type: "button",
      class: "secondary small-button",
      text: "Vista previa",
      onclick: () => showPreview(preview, previewPath, document).catch(() => {
        preview.hidden = false;
        preview.textContent = "No pudimos mostrar la vista previa.";
      }),
    }));
  }
  let cfdiPanel = null;
  if (document.status === "aceptado" && isCfdi(document)) {
    const panel = fiscalData(document);
    cfdiPanel = panel;
    panel.hidden = true;
    panel.id = `cfdi-${document.id}`;
    buttons.append(el("button", {
      type: "button",
      class: "secondary small-button",
      text: "Ver datos fiscales",
      "aria-expanded": "false",
      "aria-controls": panel.id,
      "aria-label": `Ver datos fiscales de ${document.name}`,
      onclick: (event) => {
        panel.hidden = !panel.hidden;
        event.currentTarget.setAttribute("aria-expanded", String(!panel.hidden));
      },
    }));
  }
  if (downloadPath && document.status !== "pendiente") {
    buttons.append(el("button", { type: "button", class: "secondary small-button", text: "Descargar", onclick: () => download(downloadPath) }));
  }
  if (onDelete) {
    buttons.append(el("button", {
      type: "button",
      class: "secondary small-button danger",
      text: "Eliminar",
      "aria-label": `Eliminar ${document.name}`,
      onclick: () => onDelete(document),
    }));
  }
  item.append(buttons, preview);
  if (cfdiPanel) item.append(cfdiPanel);
  return item;
}

// The files of one document kind the insured may still remove, previewed inline; `fresh(d)`
// says which were just uploaded (they get the "cargado" note).
export function kindFileList(documents, { onDelete, fresh }) {
  const list = el("ul", { class: "file-list" });
  for (const document of documents) {
    list.append(documentItem(document, {
      onDelete,
      previewPath: `/v1/documents/${document.id}/download?disposition=inline`,
      fresh: fresh(document),
    }));
  }
  return list;
}

// The file field of one document kind: `{ input, row }`, the upload's progress goes in `row`.
export function kindFileField(kind, { multiple = false } = {}) {
  const id = `file-${kind.doc_type}`;
  const accept = kind.formats.map((f) => `.${f}`).join(",");
  const input = el("input", { type: "file", id, accept, multiple });
  const label = el("label", { for: id, text: `Subir ${kind.name.toLowerCase()}` });
  return { input, row: el("div", { class: "field" }, label, input) };
}

// Deletes a claim's document, then `after()` (the page forgets and reloads it); a failure
// shows in `errorBox`.
export async function removeClaimDocument(document, errorBox, after) {
  try {
    await api.delete(`/v1/documents/${document.id}`);
    await after();
  } catch (error) {
    showError(errorBox, error);
  }
}

// Uploads `file` as `docType` of the claim: slot, progress bar inside `row`, verdict.
export async function uploadClaimFile(claimId, docType, file, row) {
  const progress = el("progress", { max: "100", value: "0", "aria-label": `Subiendo ${file.name}` });
  const label = el("span", { class: "meta", text: `Subiendo ${file.name}…` });
  const holder = el("div", { class: "upload-progress" }, label, progress);
  row.append(holder);
  try {
    const answer = await api.post(`/v1/claims/${claimId}/documents`, {
      files: [{ name: file.name, size: file.size, content_type: file.type || "", doc_type: docType }],
    });
    const [slot] = answer.items;
    await uploadToSlot(slot, file, (percent) => { progress.value = percent; });
    label.textContent = "Revisando el archivo…";
    const document = await waitForVerdict(slot.document_id);
    return document;
  } finally {
    holder.remove();
  }
}
