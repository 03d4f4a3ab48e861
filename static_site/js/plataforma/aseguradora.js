// One insurer for a platform administrator: its settings saved on the version they were read
// at, its logo (uploaded through a slot, shown once validated), its first administrator's
// invitation and the history of its changes.
import { api, ApiError, clearError, myProfile, showError } from "/js/api.js";
import { dataParts, el, uploadToSlot } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { logoImage } from "/js/insurer-contact.js";
import {
  companyFields, describeValue, fieldLabel, fillSettings, plainSpanish, presentationFields,
  privacyNoticeField, retentionFields, serviceLevelFields, settingsBody,
} from "/js/insurer-settings.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["plataforma"]);
const parts = dataParts();
const insurerId = new URLSearchParams(window.location.search).get("id") || "";
const base = `/v1/platform/insurers/${encodeURIComponent(insurerId)}`;
const settingsForm = document.getElementById("settings-form");
const logoForm = document.getElementById("logo-form");
const adminForm = document.getElementById("admin-form");
const LOGO_TYPES = ["image/png", "image/jpeg"];
const LOGO_MAX_BYTES = 512 * 1024;
let current = null;
let myId = null;
let versionsCursor = null;

function said(message) {
  showSuccess(parts.notice, message);
  parts.notice.focus();
}

function showInsurer(insurer) {
  current = insurer;
  if (!settingsForm.elements.namedItem("display_name")) {
    // The hints of the empty settings name the platform's defaults, which the answer carries.
    const defaults = insurer.defaults || {};
    parts.fields.append(
      companyFields(),
      ...presentationFields(),
      serviceLevelFields(defaults.service_levels),
      retentionFields(defaults.retention),
      privacyNoticeField(),
    );
  }
  parts.title.textContent = insurer.display_name;
  document.title = `${insurer.display_name} · Plataforma · Portal Médico`;
  parts.version.textContent = `Versión ${insurer.version} · último cambio: ${dateTime(insurer.updated_at)}`;
  fillSettings(settingsForm, insurer);
  showLogo(insurer.logo);
}

// The logo the pages show now (only an accepted one is ever the insurer's), or a note while
// an upload is being checked.
function showLogo(logo, checking = false) {
  if (checking) {
    parts.logo.replaceChildren(el("p", { class: "meta", "data-logo-status": "pendiente", text: "Estamos revisando el logotipo que subiste…" }));
    return;
  }
  if (!logo) {
    parts.logo.replaceChildren(el("p", { class: "meta", text: "Sin logotipo: las páginas muestran solo el nombre comercial." }));
    return;
  }
  parts.logo.replaceChildren(
    logoImage(logo.url, current.display_name),
    el("p", { class: "meta", "data-logo-status": logo.status, text: "Logotipo validado: así se muestra en las páginas de acceso y ayuda." }),
  );
}

async function loadInsurer() {
  showInsurer(await api.get(base));
}

// --- versions --------------------------------------------------------------------------------

function who(version) {
  if (version.actor_email) return version.actor_name ? `${version.actor_name} (${version.actor_email})` : version.actor_email;
  if (version.actor_id === myId) return "ti";
  if (version.actor_id === "sistema") return "el sistema (datos iniciales)";
  return `la cuenta ${version.actor_id}`;
}

function versionItem(version) {
  return el("li", { class: "card", "data-version-number": String(version.version) },
    el("p", {}, el("strong", { text: `Versión ${version.version}` }),
      el("span", { class: "meta", text: ` · ${dateTime(version.at)} · por ${who(version)}` })),
    el("ul", {}, ...version.changes.map((change) => el("li", {},
      el("span", { text: `${fieldLabel(change.field)}: ` }),
      // The first version sets every field: there is no "before" to show.
      version.version > 1 ? el("span", { class: "meta", text: `${describeValue(change.old)} → ` }) : null,
      el("span", { text: describeValue(change.new) })))));
}

async function loadVersions(next = false) {
  if (!next) versionsCursor = null;
  const query = versionsCursor ? `?cursor=${encodeURIComponent(versionsCursor)}` : "";
  const page = await api.get(`${base}/versions${query}`);
  if (!next) parts.versions.replaceChildren();
  parts.versions.append(...page.items.map(versionItem));
  versionsCursor = page.next_cursor;
  parts.moreVersions.hidden = !versionsCursor;
}

// --- settings --------------------------------------------------------------------------------


async function reload() {
  parts.conflict.hidden = true;
  clearError(settingsForm.querySelector("[data-form-error]"));
  await Promise.all([loadInsurer(), loadVersions()]);
  settingsForm.querySelector("input").focus();
}

// --- logo ------------------------------------------------------------------------------------

function chosenLogo() {
  const file = logoForm.elements.namedItem("file").files[0];
  const refuse = (message) => new ApiError(422, "invalid_input", "Revisa el archivo.", [{ field: "file", message }]);
  if (!file) throw refuse("Elige un archivo PNG o JPEG.");
  if (!LOGO_TYPES.includes(file.type)) throw refuse("El logotipo debe ser una imagen PNG o JPEG.");
  if (file.size > LOGO_MAX_BYTES) throw refuse("El logotipo puede pesar hasta 512 KB.");
  return file;
}

// The file is checked after the upload: ask until it is refused or is the insurer's logo
// (null after a minute).
async function checkedLogo(documentId) {
  for (let attempt = 0; attempt < 80; attempt += 1) {
    const upload = await api.get(`${base}/logo/${encodeURIComponent(documentId)}`);
    if (upload.status === "rechazado" || upload.current) return upload;
    await new Promise((resolve) => setTimeout(resolve, 750));
  }
  return null;
}

async function uploadLogo() {
  const file = chosenLogo();
  const answer = await api.post(`${base}/logo`, { file: { name: file.name, size: file.size, content_type: file.type } });
  const progress = parts.logoProgress;
  progress.hidden = false;
  try {
    await uploadToSlot(answer.slot, file, (percent) => { progress.querySelector("progress").value = percent; });
    showLogo(null, true);
    const upload = await checkedLogo(answer.document_id);
    if (upload && upload.status === "rechazado") {
      // The insurer keeps the logo it had; the reasons stand beside the file field.
      const reasons = upload.reasons.map((reason) => ({ field: "file", code: reason.code, message: reason.message }));
      throw new ApiError(422, "logo_rejected", "No aceptamos ese archivo como logotipo; el logotipo anterior se queda.", reasons);
    }
    return upload ? await api.get(base) : null;
  } finally {
    progress.hidden = true;
    if (current) showLogo(current.logo);
  }
}

if (session && insurerId) {
  bindForm(
    settingsForm,
    async (values) => {
      try {
        return await api.patch(base, settingsBody(settingsForm, values, current));
      } catch (error) {
        if (error instanceof ApiError && error.code === "version_conflict") parts.conflict.hidden = false;
        throw plainSpanish(error);
      }
    },
    async (insurer) => {
      showInsurer(insurer);
      said(`Guardamos los cambios de ${insurer.display_name} (versión ${insurer.version}).`);
      await loadVersions();
    },
  );
  parts.reload.addEventListener("click", () => reload().catch((error) => showError(parts.error, error)));

  bindForm(logoForm, uploadLogo, async (insurer) => {
    logoForm.reset();
    if (!insurer) {
      said("Recibimos el logotipo; lo mostraremos en cuanto termine su revisión.");
      return;
    }
    showInsurer(insurer);
    await loadVersions();
    said(insurer.logo.status === "aceptado" ? "Logotipo validado y publicado." : "No pudimos aceptar el logotipo.");
  });

  bindForm(
    adminForm,
    (values) => api.post(`${base}/admins`, { email: values.email || "", full_name: values.full_name || "" }),
    (answer) => {
      adminForm.reset();
      showSuccess(parts.invited, answer.message);
      parts.invited.focus();
    },
  );

  parts.moreVersions.addEventListener("click", () => loadVersions(true).catch((error) => showError(parts.error, error)));
  myProfile().then((profile) => { myId = profile.id; }).catch(() => {})
    .then(() => Promise.all([loadInsurer(), loadVersions()]))
    .catch((error) => showError(parts.error, error));
} else if (session) {
  showError(parts.error, new ApiError(404, "not_found", "Falta indicar la aseguradora. Ábrela desde la lista de aseguradoras."));
}
