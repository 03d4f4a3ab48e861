// The emailed link of a TOTP reset: the password, then a new authenticator's first code.
import { api } from "/js/api.js";
import { el } from "/js/dom.js";
import { bindForm, tokenFromFragment } from "/js/forms.js";
import { afterLogin, startSession } from "/js/session.js";

const notice = document.querySelector("[data-notice]");
const passwordForm = document.getElementById("password-form");
const totpForm = document.getElementById("totp-form");
const token = tokenFromFragment();

function showEnrolment(result) {
  passwordForm.hidden = true;
  totpForm.hidden = false;
  totpForm.elements.namedItem("session").value = result.session;
  const svg = new Blob([result.enrollment.qr_svg], { type: "image/svg+xml" });
  totpForm.querySelector("[data-qr]").src = URL.createObjectURL(svg);
  totpForm.querySelector("[data-secret]").textContent = result.enrollment.secret;
  totpForm.elements.namedItem("code").focus();
}

if (token) {
  passwordForm.hidden = false;
  bindForm(
    passwordForm,
    (values) => api.post("/v1/auth/totp-reenrolment", { token, password: values.password || "" }),
    showEnrolment,
  );
  bindForm(
    totpForm,
    (values) => api.post("/v1/auth/totp", { session: values.session, code: values.code || "" }),
    (result) => {
      startSession(result);
      window.location.assign(afterLogin(null, result.role));
    },
  );
} else {
  notice.hidden = false;
  notice.className = "alert alert-error";
  notice.setAttribute("role", "alert");
  notice.append(
    el("p", { text: "Este enlace no es válido. Ábrelo tal como llegó en el correo, o pide al administrador de tu aseguradora que restablezca tu verificación otra vez." }),
    el("a", { href: "/entrar.html", text: "Ir a iniciar sesión" }),
  );
}
