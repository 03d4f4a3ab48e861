// Public verification of a sick-leave certificate: reached from the QR (?id=…&seal=…)
// or typed by hand. No session needed.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { longDate, READER_ZONE, shortDateTime } from "/js/format.js";

const KINDS = {
  enfermedad_general: "Enfermedad general",
  riesgo_de_trabajo: "Riesgo de trabajo",
  maternidad: "Maternidad",
};
const result = document.querySelector("[data-result]");
const form = document.getElementById("verify-form");

function show(answer) {
  result.replaceChildren();
  const box = el("div", { class: answer.valid ? "alert alert-success" : "alert alert-error" });
  box.setAttribute("role", "status");
  box.dataset.valid = String(answer.valid);
  box.append(el("h2", { text: answer.valid ? "Certificado auténtico" : "No se pudo verificar" }));
  box.append(el("p", { text: answer.message }));
  if (answer.certificate) {
    const c = answer.certificate;
    const data = el("dl", { class: "data" });
    for (const [label, value] of [
      ["Certificado", c.id],
      ["Nombre", c.patient_name],
      ["NSS", c.nss_masked],
      ["Ramo de seguro", KINDS[c.kind] || c.kind],
      ["Del", longDate(c.start_date)],
      ["Al", longDate(c.end_date)],
      ["Días", String(c.days)],
      ["Médico", c.doctor],
      ["Unidad médica", c.clinic],
      ["Autorizado", shortDateTime(c.authorized_at, READER_ZONE)],
    ]) {
      data.append(el("dt", { text: label }), el("dd", { text: value }));
    }
    box.append(data);
  }
  result.append(box);
}

async function verify(id, seal) {
  try {
    show(await api.get(`/v1/verify/sick-leaves/${encodeURIComponent(id)}?seal=${encodeURIComponent(seal)}`));
  } catch (error) {
    showError(result, error);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const id = form.elements.namedItem("id").value.trim();
  const seal = form.elements.namedItem("seal").value.trim();
  const problem = form.querySelector("[data-form-error]");
  if (!id || !seal) {
    problem.hidden = false;
    problem.className = "alert alert-error";
    problem.textContent = "Escribe el número de certificado y el sello digital tal como aparecen en el documento.";
    return;
  }
  problem.hidden = true;
  verify(id, seal);
});

const params = new URLSearchParams(window.location.search);
if (params.get("id") && params.get("seal")) {
  form.elements.namedItem("id").value = params.get("id");
  form.elements.namedItem("seal").value = params.get("seal");
  verify(params.get("id"), params.get("seal"));
}
