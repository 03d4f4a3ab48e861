// The family's prescriptions, newest first, with the notice that the list is informational.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { longDate } from "/js/format.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["afiliado"]);
const box = document.querySelector("[data-prescriptions]");
const more = document.querySelector("[data-more]");
const notice = document.querySelector("[data-notice]");
let cursor = null;

function prescriptionCard(prescription) {
  const card = el("article", { class: "card" });
  card.dataset.prescription = prescription.id;
  card.append(el("h2", { text: `Receta del ${longDate(prescription.date)}` }));
  const data = el("dl", { class: "data" });
  for (const [label, value] of [["Paciente", prescription.patient_name], ["Médico", prescription.doctor], ["Unidad médica", prescription.clinic]]) {
    data.append(el("dt", { text: label }), el("dd", { text: value }));
  }
  card.append(data);
  card.append(el("h3", { text: "Medicamentos" }));
  const list = el("ul", { class: "links" });
  for (const medicine of prescription.medicines) {
    const item = el("li");
    item.append(el("strong", { text: medicine.name }));
    item.append(document.createTextNode(` — ${medicine.dose}. Cantidad: ${medicine.quantity}.`));
    list.append(item);
  }
  card.append(list);
  return card;
}

async function load() {
  try {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const listing = await api.get(`/v1/prescriptions?limit=10${query}`);
    document.querySelector("[data-rx-notice]").textContent = listing.notice;
    if (!cursor) box.replaceChildren();
    if (!listing.items.length && !box.childElementCount) box.append(el("p", { text: "No hay recetas registradas para tu núcleo familiar.", class: "meta" }));
    for (const prescription of listing.items) box.append(prescriptionCard(prescription));
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
