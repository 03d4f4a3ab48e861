// "Mis datos personales" in Mi cuenta (every portal): download my data, ask to delete my
// account, and follow my requests. The download link is asked for when it is clicked: it
// lasts five minutes.
import { ApiError, api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { longDateTime, READER_ZONE } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { currentSession } from "/js/session.js";

const notice = document.querySelector("[data-privacy-notice]");
const list = document.querySelector("[data-requests]");
const exportButton = document.querySelector("[data-request-export]");
const deletionForm = document.getElementById("deletion-form");

function size(bytes) {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("es-MX")} KB`;
  return `${(bytes / (1024 * 1024)).toLocaleString("es-MX", { maximumFractionDigits: 1 })} MB`;
}

async function download(requestId, button) {
  button.disabled = true;
  try {
    const request = await api.get(`/v1/me/data-requests/${encodeURIComponent(requestId)}`);
    if (!request.url) {
      showError(notice, new ApiError(409, "not_ready", request.status_label));
      return;
    }
    window.location.assign(request.url);
  } catch (error) {
    showError(notice, error);
  } finally {
    button.disabled = false;
  }
}

function row(request) {
  const details = [`Solicitada el ${longDateTime(request.created_at, READER_ZONE)}`];
  if (request.due_at && request.status === "aprobada") details.push(`se eliminará el ${longDateTime(request.due_at, READER_ZONE)}`);
  if (request.available_until && request.status === "lista") details.push(`disponible hasta el ${longDateTime(request.available_until, READER_ZONE)}`);
  if (request.size) {
    const documents = request.files === 1 ? "1 documento" : `${request.files} documentos`;
    details.push(`${documents}, ${size(request.size)}`);
  }
  const item = el("li", { "data-request": request.request_id, "data-status": request.status },
    el("strong", { text: request.type_label }), " ",
    el("span", { class: `prov-badge prov-${request.status}`, text: request.status_label }),
    el("p", { class: "meta", text: details.join(" · ") }));
  if (request.reason) item.append(el("p", { class: "meta", text: `Motivo: ${request.reason}` }));
  for (const kept of request.retained || []) {
    item.append(el("p", { class: "meta", text: `Conservamos ${kept.what} (${kept.count}) hasta el ${kept.until}: ${kept.legal_basis}` }));
  }
  if (request.status === "lista" && request.available_until && new Date(request.available_until) > new Date()) {
    const button = el("button", { type: "button", class: "secondary", "data-download": request.request_id, text: "Descargar archivo ZIP" });
    button.addEventListener("click", () => download(request.request_id, button));
    item.append(el("p", {}, button));
  }
  return item;
}

async function load() {
  const answer = await api.get("/v1/me/data-requests");
  list.replaceChildren(...answer.items.map(row));
  if (!answer.items.length) list.append(el("li", { class: "meta", text: "Aún no has hecho solicitudes." }));
  // An export being prepared: look again in a few seconds.
  if (answer.items.some((r) => r.status === "pendiente" && r.type === "export" || r.status === "en_proceso")) {
    setTimeout(() => load().catch((error) => showError(notice, error)), 4000);
  }
}

// Platform administrators run the insurers and keep no personal data of a portal here: the
// section is not theirs (the API refuses them these routes).
const section = document.getElementById("mis-datos");
const portalPerson = currentSession() && currentSession().role !== "plataforma";
if (section && currentSession() && !portalPerson) section.hidden = true;

if (portalPerson && list) {
  load().catch((error) => showError(notice, error));
  exportButton.addEventListener("click", async () => {
    exportButton.disabled = true;
    try {
      await api.post("/v1/me/data-requests", { type: "export" });
      showSuccess(notice, "Recibimos tu solicitud. Estamos preparando tu archivo; te avisaremos por correo cuando esté listo.");
      await load();
    } catch (error) {
      showError(notice, error);
    } finally {
      exportButton.disabled = false;
    }
  });
  bindForm(
    deletionForm,
    (values) => {
      if (!values.confirm_deletion) {
        throw new ApiError(422, "validation_error", "Confirma que entiendes lo que implica eliminar tu cuenta.",
          [{ field: "confirm_deletion", code: "required", message: "Marca esta casilla para continuar." }]);
      }
      return api.post("/v1/me/data-requests", { type: "deletion" });
    },
    async () => {
      deletionForm.reset();
      showSuccess(notice, "Recibimos tu solicitud de eliminación. La aseguradora la revisará y te avisaremos por correo.");
      await load();
    },
  );
}
