// Public verification of a sick-leave certificate: reached from the QR (?id=…&seal=…)
// or typed by hand. No session needed.
import { api, showError } from "/js/api.js";

const KINDS = {
  enfermedad_general: "Enfermedad general",
  riesgo_de_trabajo: "Riesgo de trabajo",
  maternidad: "Maternidad",
};
const result = document.querySelector("[data-result]");
const form = document.getElementById("verify-form");

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

function show(answer) {
  result.replaceChildren();
  const box = element("div", null, answer.valid ? "alert alert-success" : "alert alert-error");
  box.setAttribute("role", "status");
  box.dataset.valid = String(answer.valid);
  box.append(element("h2", answer.valid ? "Certificado auténtico" : "No se pudo verificar"));
  box.append(element("p", answer.message));
  if (answer.certificate) {
    const c = answer.certificate;
    const data = element("dl", null, "data");
    for (const [label, value] of [
      ["Certificado", c.id],
      ["Nombre", c.patient_name],
      ["NSS", c.nss_masked],
      ["Ramo de seguro", KINDS[c.kind] || c.kind],
      ["Del", day(c.start_date)],
      ["Al", day(c.end_date)],
      ["Días", String(c.days)],
      ["Médico", c.doctor],
      ["Unidad médica", c.clinic],
      ["Autorizado", new Date(c.authorized_at).toLocaleString("es-MX")],
    ]) {
      data.append(element("dt", label), element("dd", value));
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
