import { api } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { insurerFromAddress, showInsurerContact, showPlatformContact } from "/js/insurer-contact.js";
import { afterLogin, startSession } from "/js/session.js";

const loginForm = document.getElementById("login-form");
const totpForm = document.getElementById("totp-form");
const notice = document.querySelector("[data-notice]");
const params = new URLSearchParams(window.location.search);

if (params.get("salida")) showSuccess(notice, "Cerraste sesión. ¡Hasta pronto!");
if (params.get("vencida")) {
  showSuccess(notice, "Tu sesión terminó por seguridad. Inicia sesión de nuevo para continuar donde estabas.");
}
if (params.get("contrasena")) {
  showSuccess(notice, "Tu contraseña se cambió y cerramos todas tus sesiones. Inicia sesión con la nueva.");
}

// Opened for an insurer (`?aseguradora=sec`): its logo, colour and contact channels; else
// (or when it cannot be shown) the platform's own "Contáctanos".
const contactBox = document.querySelector("[data-insurer-contact]");
showInsurerContact(contactBox, insurerFromAddress())
  .then((insurer) => insurer || showPlatformContact(contactBox));

function finish(result) {
  startSession(result);
  window.location.assign(afterLogin(params.get("siguiente"), result.role));
}

function showTotp(result) {
  loginForm.hidden = true;
  totpForm.hidden = false;
  totpForm.elements.namedItem("session").value = result.session;
  const enrollment = totpForm.querySelector("[data-enrollment]");
  if (result.enrollment) {
    enrollment.hidden = false;
    const svg = new Blob([result.enrollment.qr_svg], { type: "image/svg+xml" });
    totpForm.querySelector("[data-qr]").src = URL.createObjectURL(svg);
    totpForm.querySelector("[data-secret]").textContent = result.enrollment.secret;
  }
  totpForm.elements.namedItem("code").focus();
}

bindForm(
  loginForm,
  (values) => api.post("/v1/auth/login", { identifier: values.identifier || "", password: values.password || "" }),
  (result) => (result.challenge === "totp" ? showTotp(result) : finish(result)),
);

bindForm(
  totpForm,
  (values) => api.post("/v1/auth/totp", { session: values.session, code: values.code || "" }),
  finish,
);
