// Operators (administración): their insurer's display name, colour, contact channels, privacy
// notice and service levels, saved on the version they were read at, and how the log-in and
// help pages show it.
import { api, ApiError, clearError, showError } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { showInsurerContact } from "/js/insurer-contact.js";
import {
  fillSettings, plainSpanish, presentationFields, privacyNoticeField, serviceLevelFields, settingsBody,
} from "/js/insurer-settings.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const parts = dataParts();
const form = document.getElementById("settings-form");
let current = null;

async function show(insurer) {
  current = insurer;
  if (!form.elements.namedItem("display_name")) {
    parts.fields.append(...presentationFields(), serviceLevelFields(insurer.defaults?.service_levels), privacyNoticeField());
  }
  parts.version.textContent =
    `${insurer.display_name} · versión ${insurer.version} · último cambio: ${dateTime(insurer.updated_at)}`;
  fillSettings(form, insurer);
  const shown = await showInsurerContact(parts.preview, insurer.id);
  if (shown) {
    const login = `/entrar.html?aseguradora=${encodeURIComponent(insurer.id)}`;
    parts.preview.append(el("p", {}, el("a", { href: login, text: "Ver la página de inicio de sesión de tu aseguradora" })));
  }
}

async function load() {
  parts.conflict.hidden = true;
  clearError(form.querySelector("[data-form-error]"));
  await show(await api.get("/v1/operator/insurer"));
}

if (session) {
  bindForm(
    form,
    async (values) => {
      try {
        return await api.patch("/v1/operator/insurer", settingsBody(form, values, current));
      } catch (error) {
        if (error instanceof ApiError && error.code === "version_conflict") parts.conflict.hidden = false;
        throw plainSpanish(error);
      }
    },
    async (insurer) => {
      await show(insurer);
      showSuccess(parts.notice, `Guardamos los cambios (versión ${insurer.version}).`);
      parts.notice.focus();
    },
  );
  parts.reload.addEventListener("click", () => load()
    .then(() => form.querySelector("input").focus())
    .catch((error) => showError(parts.error, error)));
  load().catch((error) => showError(parts.error, error));
}
