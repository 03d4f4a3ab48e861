// The family's prescriptions, newest first, with the notice that the list is informational.
import { showError } from "/js/api.js";
import { dataParts, el, pagedList } from "/js/dom.js";
import { longDate } from "/js/format.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["afiliado"]);
const { prescriptions: box, more, notice, rxNotice } = dataParts();

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

if (session) {
  pagedList({
    box,
    more,
    url: "/v1/prescriptions?limit=10",
    render: prescriptionCard,
    empty: "No hay recetas registradas para tu núcleo familiar.",
    onPage: (listing) => { rxNotice.textContent = listing.notice; },
    onError: (error) => showError(notice, error),
  })();
}
