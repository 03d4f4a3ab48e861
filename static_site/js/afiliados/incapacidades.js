// The affiliate's sealed sick leaves of the last months, each with its printable certificate.
import { api, showError } from "/js/api.js";
import { requireSession } from "/js/session.js";

const KINDS = {
  enfermedad_general: "Enfermedad general",
  riesgo_de_trabajo: "Riesgo de trabajo",
  maternidad: "Maternidad",
};
const session = requireSession(["afiliado"]);
const box = document.querySelector("[data-sick-leaves]");
const more = document.querySelector("[data-more]");
const notice = document.querySelector("[data-notice]");
let cursor = null;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function day(value) {
  const [year, month, date] = value.split("-").map(Number);
  return new Date(year, month - 1, date).toLocaleDateString("es-MX", { day: "numeric", month: "long", year: "numeric" });
}

async function openCertificate(sickLeave, card, button) {
  const status = card.querySelector("[data-certificate]");
  button.disabled = true;
  status.textContent = "Preparando el certificado…";
  try {
    const link = await api.get(`/v1/sick-leaves/${encodeURIComponent(sickLeave.id)}/certificate`);
    status.replaceChildren();
    const anchor = element("a", "Abrir el certificado (PDF) para imprimir o guardar", "button");
    anchor.href = link.url;
    anchor.target = "_blank";
    anchor.rel = "noopener";
    anchor.dataset.certificateLink = "";
    status.append(anchor, element("p", "El enlace vence en unos minutos; si vence, vuelve a solicitarlo.", "hint"));
    anchor.focus();
  } catch (error) {
    showError(status, error);
  } finally {
    button.disabled = false;
  }
}

function sickLeaveCard(sickLeave) {
  const card = element("article", null, "card");
  card.dataset.sickLeave = sickLeave.id;
  card.append(element("h2", `${KINDS[sickLeave.kind] || sickLeave.kind}: ${sickLeave.days} ${sickLeave.days === 1 ? "día" : "días"}`));
  const data = element("dl", null, "data");
  for (const [label, value] of [
    ["Del", day(sickLeave.start_date)],
    ["Al", day(sickLeave.end_date)],
    ["Médico", sickLeave.doctor],
    ["Unidad médica", sickLeave.clinic],
    ["Certificado", sickLeave.id],
    ["Estado", "Autorizada y sellada"],
  ]) {
    data.append(element("dt", label), element("dd", value));
  }
  card.append(data);
  const actions = element("p", null, "actions");
  const button = element("button", "Imprimir o descargar certificado");
  button.type = "button";
  actions.append(button);
  card.append(actions);
  const status = element("div");
  status.dataset.certificate = "";
  status.setAttribute("aria-live", "polite");
  card.append(status);
  button.addEventListener("click", () => openCertificate(sickLeave, card, button));
  return card;
}

async function load() {
  try {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const listing = await api.get(`/v1/sick-leaves?limit=10${query}`);
    if (!cursor) box.replaceChildren();
    if (!listing.items.length && !box.childElementCount) box.append(element("p", "No tienes incapacidades selladas de los últimos 6 meses.", "meta"));
    for (const sickLeave of listing.items) box.append(sickLeaveCard(sickLeave));
    cursor = listing.next_cursor;
    more.hidden = !cursor;
  } catch (error) {
    showError(notice, error);
  }
}

if (session) {
  more.addEventListener("click", load);
  load();
}
