// The two-step claim wizard: step 1 creates the claim (borrador), step 2 uploads each
// document kind with a progress bar and its verdict, then "Generar folio" shows the folio.
import { api, ApiError, clearError, showError } from "/js/api.js";
import {
  COVERAGE_LABELS, RELATIONSHIP_LABELS, SUBTYPE_LABELS, TYPE_LABELS, claimTitle, kindFileField,
  kindFileList, removeClaimDocument, uploadClaimFile,
} from "/js/claims.js";
import { el } from "/js/dom.js";
import { bindForm, errorText, showFieldError } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const PENDING_CONDITION = "__pendiente";
const CONSENT = "Marca la casilla para autorizar el uso de tus datos personales y de salud.";
const session = requireSession(["asegurado"]);
const form = document.getElementById("claim-form");
const pageError = document.querySelector("[data-error]");
const fresh = new Set();
// A refused upload's message, by document kind: said beside that kind's file field, and kept
// while the cards are drawn again, until another file is chosen there.
const refusedUploads = new Map();
let refocus = null;
let policy = null;
let catalog = null;
let hospitals = null;
let claim = null;

function showStep(number) {
  for (const section of document.querySelectorAll("[data-step]")) {
    section.hidden = section.dataset.step !== String(number);
  }
  for (const marker of document.querySelectorAll("[data-step-marker]")) {
    if (marker.dataset.stepMarker === String(number)) marker.setAttribute("aria-current", "step");
    else marker.removeAttribute("aria-current");
  }
}

function options(select, entries, placeholder) {
  select.replaceChildren();
  if (placeholder) select.append(el("option", { value: "", text: placeholder }));
  for (const [value, text] of entries) select.append(el("option", { value, text }));
}

function catalogEntry(type) {
  return catalog.items.find((item) => item.type === type);
}

function refreshStepOne() {
  const member = policy.members.find((m) => m.id === form.member_id.value);
  document.querySelector("[data-relationship]").textContent = member
    ? `Parentesco: ${RELATIONSHIP_LABELS[member.relationship] || member.relationship} (según tu póliza)`
    : "";
  const coverage = form.coverage.value;
  const currentType = form.type.value;
  const types = [...new Set(catalog.items.filter((i) => i.coverages.includes(coverage)).map((i) => i.type))];
  options(form.type, types.map((t) => [t, TYPE_LABELS[t] || t]), "Elige el tipo de trámite");
  if (types.includes(currentType)) form.type.value = currentType;
  const entry = catalogEntry(form.type.value);
  const subtypes = entry ? catalog.items.filter((i) => i.type === entry.type && i.subtype).map((i) => i.subtype) : [];
  const subtypeField = document.querySelector("[data-subtype]");
  subtypeField.hidden = subtypes.length === 0;
  if (!subtypeField.hidden && form.subtype.options.length !== new Set(subtypes).size + 1) {
    options(form.subtype, [...new Set(subtypes)].map((s) => [s, SUBTYPE_LABELS[s] || s]), "Elige una opción");
  }
  const complement = form.querySelector("input[name=stage]:checked").value === "complemento";
  const conditionField = document.querySelector("[data-condition]");
  conditionField.hidden = !complement;
  if (complement) {
    const current = form.condition_id.value;
    const mine = policy.conditions.filter((c) => member && c.member_id === member.id);
    options(form.condition_id, [
      ...mine.map((c) => [c.id, c.description]),
      [PENDING_CONDITION, "Padecimiento pendiente (aún no registrado)"],
    ], "Elige el padecimiento");
    form.condition_id.value = current;
  }
  const needsHospital = Boolean(entry && entry.needs_hospital);
  document.querySelector("[data-hospital]").hidden = !needsHospital;
  if (needsHospital && hospitals === null) loadHospitals();
  document.querySelector("[data-clabe]").hidden = !(entry && entry.pays_out);
}

async function loadHospitals() {
  hospitals = [];
  const answer = await api.get("/v1/hospitals");
  hospitals = answer.items;
  options(form.hospital_id, hospitals.map((h) => [h.id, `${h.name} · ${h.city}, ${h.state}`]), "Elige el hospital");
}

function claimBody() {
  const body = {
    member_id: form.member_id.value,
    coverage: form.coverage.value,
    type: form.type.value,
    stage: form.querySelector("input[name=stage]:checked").value,
    consent: form.consent.checked,
  };
  if (!document.querySelector("[data-subtype]").hidden && form.subtype.value) body.subtype = form.subtype.value;
  if (!document.querySelector("[data-condition]").hidden) {
    if (form.condition_id.value === PENDING_CONDITION) body.condition_pending = true;
    else if (form.condition_id.value) body.condition_id = form.condition_id.value;
  }
  if (!document.querySelector("[data-hospital]").hidden && form.hospital_id.value) body.hospital_id = form.hospital_id.value;
  if (!document.querySelector("[data-clabe]").hidden) body.payout_clabe = form.payout_clabe.value.trim();
  return body;
}

async function reload() {
  claim = await api.get(`/v1/claims/${claim.id}`);
  clearError(document.querySelector("[data-folio-error]"));  // it spoke of the old list
  renderDocuments();
  if (claim.documents.some((d) => d.status === "pendiente")) setTimeout(reload, 1500);
}

function removeDocument(document) {
  return removeClaimDocument(document, pageError, () => {
    fresh.delete(document.id);
    return reload();
  });
}

function kindCard(kind) {
  const card = el("section", { class: "card kind", "data-kind": kind.doc_type });
  const title = el("h3", { text: kind.name });
  const badge = el("span", { class: kind.required ? "tag tag-required" : "tag", text: kind.required ? "Obligatorio" : "Opcional" });
  card.append(el("div", { class: "kind-head" }, title, badge));
  card.append(el("p", { class: "hint", text: `Formatos: ${kind.formats.map((f) => f.toUpperCase()).join(", ")}` }));
  const documents = claim.documents.filter((d) => d.doc_type === kind.doc_type);
  card.append(kindFileList(documents, { onDelete: removeDocument, fresh: (d) => fresh.has(d.id) }));
  const { input, row } = kindFileField(kind, { multiple: true });
  input.addEventListener("change", async () => {
    clearError(pageError);
    refusedUploads.delete(kind.doc_type);
    const files = [...input.files];
    input.disabled = true;
    let current = null;
    try {
      for (const file of files) {
        current = file;
        const document = await uploadClaimFile(claim.id, kind.doc_type, file, row);
        fresh.add(document.id);
      }
    } catch (error) {
      refusedUploads.set(kind.doc_type, `«${current.name}»: ${errorText(error)}`);
      refocus = kind.doc_type;
    } finally {
      input.value = "";
      input.disabled = false;
      await reload();
    }
  });
  card.append(row);
  if (refusedUploads.has(kind.doc_type)) showFieldError(input, refusedUploads.get(kind.doc_type));
  return card;
}

function renderDocuments() {
  document.querySelector("[data-claim-summary]").textContent =
    `${claimTitle(claim)} · ${claim.member_name} · ${COVERAGE_LABELS[claim.coverage] || claim.coverage}`;
  const kinds = document.querySelector("[data-kinds]");
  kinds.replaceChildren(...claim.document_kinds.map(kindCard));
  if (refocus) {
    // The refused file's field, drawn again: its message is read with it.
    document.getElementById(`file-${refocus}`)?.focus();
    refocus = null;
  }
  const all = document.querySelector("[data-all-files]");
  all.replaceChildren(...claim.documents.map((d) =>
    el("li", {}, el("span", { text: d.name }), " ", el("span", { class: `doc-status doc-${d.status}`, text: d.status === "aceptado" ? "Aceptado" : d.status === "rechazado" ? "Rechazado" : "En revisión" }))));
  if (!claim.documents.length) all.append(el("li", { class: "meta", text: "Aún no subes archivos." }));
  const missing = claim.document_kinds.filter((k) => k.required && k.state !== "aceptado").map((k) => k.name);
  document.querySelector("[data-missing]").textContent = missing.length
    ? `Para generar el folio falta: ${missing.join("; ")}.`
    : "Todo listo: revisa la lista y genera tu folio.";
}

async function generateFolio() {
  const button = document.getElementById("generate-folio");
  const alert = document.querySelector("[data-folio-error]");
  clearError(alert);
  button.disabled = true;
  try {
    const result = await api.post(`/v1/claims/${claim.id}/folio`);
    document.querySelector("[data-folio]").textContent = result.folio;
    document.querySelector("[data-detail-link]").href = `/asegurados/tramite.html?id=${claim.id}`;
    showStep(3);
  } catch (error) {
    // Each missing or rejected kind is already a sentence; the field codes add nothing.
    showError(alert, error instanceof ApiError
      ? new ApiError(error.status, error.code, error.message,
        error.details.map((d) => ({ message: d.message })), error.correlationId)
      : error);
  } finally {
    button.disabled = false;
  }
}

async function start() {
  const id = new URLSearchParams(window.location.search).get("id");
  if (id) {
    claim = await api.get(`/v1/claims/${id}`);
    if (claim.status !== "borrador") {
      window.location.replace(`/asegurados/tramite.html?id=${id}`);
      return;
    }
    showStep(2);
    await reload();
    return;
  }
  [policy, catalog] = await Promise.all([api.get("/v1/policy"), api.get("/v1/catalog/claims")]);
  options(form.member_id, policy.members.map((m) => [m.id, `${m.full_name} (${RELATIONSHIP_LABELS[m.relationship] || m.relationship})`]));
  options(form.coverage, policy.coverages.map((c) => [c, COVERAGE_LABELS[c] || c]));
  for (const input of form.querySelectorAll("select, input[name=stage]")) {
    input.addEventListener("change", refreshStepOne);
  }
  refreshStepOne();
  bindForm(form, async () => {
    try {
      return await api.post("/v1/claims", claimBody());
    } catch (error) {
      // The API says the first rule the claim breaks; an unticked consent is said with it.
      if (error instanceof ApiError && error.status === 422 && !form.consent.checked
        && !error.details.some((d) => d.field === "consent")) {
        error.details.push({ field: "consent", code: "consent_required", message: CONSENT });
      }
      throw error;
    }
  }, async (created) => {
    claim = created;
    window.history.replaceState(null, "", `/asegurados/tramite-nuevo.html?id=${claim.id}`);
    showStep(2);
    renderDocuments();
  });
}

document.getElementById("generate-folio").addEventListener("click", generateFolio);
if (session) start().catch((error) => showError(pageError, error));
