// The affiliate's sealed sick leaves of the last months, each with its printable certificate.
import { api, showError } from "/js/api.js";
import { dataParts, el, pagedList } from "/js/dom.js";
import { longDate } from "/js/format.js";
import { requireSession } from "/js/session.js";

const KINDS = {
  enfermedad_general: "Enfermedad general",
  riesgo_de_trabajo: "Riesgo de trabajo",
  maternidad: "Maternidad",
};
const session = requireSession(["afiliado"]);
const { sickLeaves: box, more, notice } = dataParts();

async function openCertificate(sickLeave, card, button) {
  const status = card.querySelector("[data-certificate]");
  button.disabled = true;
  status.textContent = "Preparando el certificado…";
  try {
    const link = await api.get(`/v1/sick-leaves/${encodeURIComponent(sickLeave.id)}/certificate`);
    status.replaceChildren();
    const anchor = el("a", { text: "Abrir el certificado (PDF) para imprimir o guardar", class: "button" });
    anchor.href = link.url;
    anchor.target = "_blank";
    anchor.rel = "noopener";
    anchor.dataset.certificateLink = "";
    status.append(anchor, el("p", { text: "El enlace vence en unos minutos; si vence, vuelve a solicitarlo.", class: "hint" }));
    anchor.focus();
  } catch (error) {
    showError(status, error);
  } finally {
    button.disabled = false;
  }
}

function sickLeaveCard(sickLeave) {
  const card = el("article", { class: "card" });
  card.dataset.sickLeave = sickLeave.id;
  card.append(el("h2", { text: `${KINDS[sickLeave.kind] || sickLeave.kind}: ${sickLeave.days} ${sickLeave.days === 1 ? "día" : "días"}` }));
  const data = el("dl", { class: "data" });
  for (const [label, value] of [
    ["Del", longDate(sickLeave.start_date)],
    ["Al", longDate(sickLeave.end_date)],
    ["Médico", sickLeave.doctor],
    ["Unidad médica", sickLeave.clinic],
    ["Certificado", sickLeave.id],
    ["Estado", "Autorizada y sellada"],
  ]) {
    data.append(el("dt", { text: label }), el("dd", { text: value }));
  }
  card.append(data);
  const actions = el("p", { class: "actions" });
  const button = el("button", { text: "Imprimir o descargar certificado" });
  button.type = "button";
  actions.append(button);
  card.append(actions);
  const status = el("div");
  status.dataset.certificate = "";
  status.setAttribute("aria-live", "polite");
  card.append(status);
  button.addEventListener("click", () => openCertificate(sickLeave, card, button));
  return card;
}

if (session) {
  pagedList({
    box,
    more,
    url: "/v1/sick-leaves?limit=10",
    render: sickLeaveCard,
    empty: "No tienes incapacidades selladas de los últimos 6 meses.",
    onError: (error) => showError(notice, error),
  })();
}
