import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { clearSession, logout, requireSession } from "/js/session.js";

const session = requireSession();
const notice = document.querySelector("[data-notice]");

const LABELS = [
  ["full_name", "Nombre"],
  ["email", "Correo electrónico"],
  ["secondary_email", "Correo secundario"],
  ["secondary_email_pending", "Correo secundario (por confirmar)"],
  ["phone", "Teléfono"],
  ["policy_number", "Póliza"],
  ["rfc", "RFC"],
  ["rut", "RUT"],
  ["fiscal_regime", "Régimen fiscal"],
  ["nss_masked", "NSS"],
  ["credential_serial", "Serie de credencial"],
  ["insurer_names", "Aseguradora"],
];

function showProfile(profile) {
  const list = document.querySelector("[data-profile]");
  list.replaceChildren();
  for (const [key, label] of LABELS) {
    let value = profile[key];
    if (Array.isArray(value)) value = value.join(", ");
    if (value === null || value === undefined || value === "") continue;
    list.append(el("dt", { text: label }), el("dd", { text: String(value), "data-field": key }));
  }
  if (profile.rfc_check_digit_warning) {
    list.after(el("p", {
      class: "hint",
      text: "Aviso: el dígito verificador de tu RFC no coincide con el cálculo del SAT. Si es un error de captura, comunícate con soporte.",
    }));
  }
  const contact = document.getElementById("contact-form");
  contact.elements.namedItem("secondary_email").value =
    profile.secondary_email_pending || profile.secondary_email || "";
  contact.elements.namedItem("phone").value = profile.phone || "";
}

async function load() {
  try {
    showProfile(await api.get("/v1/me"));
  } catch (error) {
    showError(notice, error);
  }
}

if (session) {
  load();
  bindForm(
    document.getElementById("contact-form"),
    (values) => api.patch("/v1/me", values),
    (profile) => {
      document.getElementById("contact_current_password").value = "";
      showProfile(profile);
      const pending = profile.secondary_email_pending
        ? ` Enviamos un enlace a ${profile.secondary_email_pending}: recibirá copia de tus avisos cuando lo abra.`
        : "";
      showSuccess(notice, `Tus datos de contacto se guardaron.${pending}`);
    },
  );
  const passwordForm = document.getElementById("password-form");
  bindForm(
    passwordForm,
    (values) => api.post("/v1/me/password", values),
    () => {
      // Every session ended with the change, this one too: sign in with the new password.
      clearSession();
      window.location.assign("/entrar.html?contrasena=1");
    },
  );
  const emailForm = document.getElementById("email-form");
  bindForm(
    emailForm,
    (values) => api.post("/v1/me/email", values),
    (result) => {
      emailForm.reset();
      showSuccess(notice, result.message);
    },
  );
  document.querySelector("[data-logout]").addEventListener("click", logout);
}
