// The family's prescriptions, newest first, with the notice that the list is informational.
import { api, showError } from "/js/api.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["afiliado"]);
const box = document.querySelector("[data-prescriptions]");
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

function prescriptionCard(prescription) {
  const card = element("article", null, "card");
  card.dataset.prescription = prescription.id;
  card.append(element("h2", `Receta del ${day(prescription.date)}`));
  const data = element("dl", null, "data");
  for (const [label, value] of [["Paciente", prescription.patient_name], ["Médico", prescription.doctor], ["Unidad médica", prescription.clinic]]) {
    data.append(element("dt", label), element("dd", value));
  }
  card.append(data);
  card.append(element("h3", "Medicamentos"));
  const list = element("ul", null, "links");
  for (const medicine of prescription.medicines) {
    const item = element("li");
    item.append(element("strong", medicine.name));
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
    if (!listing.items.length && !box.childElementCount) box.append(element("p", "No hay recetas registradas para tu núcleo familiar.", "meta"));
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
