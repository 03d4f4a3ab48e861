// Operators: the insurer's data requests by status; the detail (an audited read) and the
// decision on a deletion (approve, or reject with a reason for the person).
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { dateTime, READER_ZONE } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const form = document.getElementById("requests-form");
const pageError = document.querySelector("[data-error]");
const notice = document.querySelector("[data-notice]");
const STATUS = {
  pendiente: "Recibida", en_proceso: "En preparación", lista: "Lista", fallida: "Falló",
  aprobada: "Aprobada", rechazada: "Rechazada", completada: "Completada",
};
const ROLES = { asegurado: "Asegurado", prestador: "Prestador", afiliado: "Afiliado", operador: "Operador" };

function decisionForm(request) {
  const id = request.request_id;
  const decisionForm = el("form", { class: "form", novalidate: true, "data-decision": id },
    el("fieldset", { class: "field" },
      el("legend", { text: "Decisión" }),
      el("label", { class: "inline" }, el("input", { type: "radio", name: "decision", value: "aprobar", id: `aprobar-${id}`, checked: true }), " Aprobar la eliminación"),
      el("label", { class: "inline" }, el("input", { type: "radio", name: "decision", value: "rechazar", id: `rechazar-${id}` }), " Rechazar")),
    el("div", { class: "field" },
      el("label", { for: `reason-${id}`, text: "Motivo (la persona lo recibe por correo; obligatorio si rechazas)" }),
      el("textarea", { id: `reason-${id}`, name: "reason", rows: "3", maxlength: "500" })),
    el("div", { "data-form-error": true, hidden: true }),
    el("button", { type: "submit", text: "Registrar decisión" }));
  bindForm(
    decisionForm,
    (values) => api.post(`/v1/operator/data-requests/${encodeURIComponent(id)}/decision`, {
      decision: values.decision, reason: values.reason || "",
    }),
    async (answer) => {
      showSuccess(notice, answer.status === "aprobada"
        ? `Eliminación aprobada. El ${dateTime(answer.due_at, READER_ZONE)} se cierra la cuenta y se borran sus datos; lo que la ley obliga a conservar queda bloqueado hasta su fecha.`
        : "Solicitud rechazada. Avisamos a la persona por correo.");
      await load();
    },
  );
  return decisionForm;
}

async function showDetail(request, container) {
  const detail = await api.get(`/v1/operator/data-requests/${encodeURIComponent(request.request_id)}`);
  const rows = [
    ["Nombre", detail.full_name || "(cuenta ya eliminada)"],
    ["Correo", detail.email || "—"],
    ["Cuenta", detail.account_id],
    ["Portal", ROLES[detail.role] || detail.role],
    ["Recibida", dateTime(detail.created_at, READER_ZONE)],
  ];
  if (detail.due_at) rows.push(["Se elimina el", dateTime(detail.due_at, READER_ZONE)]);
  if (detail.reason) rows.push(["Motivo", detail.reason]);
  const data = el("dl", { class: "data" });
  for (const [term, value] of rows) data.append(el("dt", { text: term }), el("dd", { text: value }));
  const history = el("ol", { class: "links" }, ...detail.history.map((entry) =>
    el("li", { text: `${dateTime(entry.at, READER_ZONE)} · ${STATUS[entry.status] || entry.status}${entry.note ? ` · ${entry.note}` : ""}` })));
  const kept = (detail.retained || []).map((r) =>
    el("p", { class: "meta", text: `Conservado: ${r.what} (${r.count}) hasta ${r.until}. ${r.legal_basis}` }));
  container.replaceChildren(data, el("h3", { text: "Historial" }), history, ...kept);
  if (detail.type === "deletion" && detail.status === "pendiente") container.append(decisionForm(detail));
}

function row(request) {
  const body = el("div", { "data-detail": true });
  const summary = el("summary", {},
    el("strong", { text: request.type_label }), " ",
    el("span", { class: `prov-badge prov-${request.status}`, text: request.status_label }),
    el("span", { class: "meta", text: ` · ${ROLES[request.role] || request.role} · recibida ${dateTime(request.created_at, READER_ZONE)}` }));
  const details = el("details", {}, summary, body);
  details.addEventListener("toggle", () => {
    if (details.open) showDetail(request, body).catch((error) => showError(pageError, error));
  });
  return el("li", { class: "card", "data-request": request.request_id }, details);
}

async function load() {
  const list = document.querySelector("[data-requests]");
  const answer = await api.get(`/v1/operator/data-requests?status=${encodeURIComponent(form.status.value)}`);
  list.replaceChildren(...answer.items.map(row));
  if (!answer.items.length) list.append(el("li", { class: "meta", text: "No hay solicitudes en este estado." }));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load().catch((error) => showError(pageError, error));
});
if (session) load().catch((error) => showError(pageError, error));
