import { api } from "/js/api.js";
import { el } from "/js/dom.js";
import { bindForm, showSuccess, tokenFromFragment } from "/js/forms.js";
import { confirmPasswords, drawNewPasswordFields } from "/js/passwords.js";
import { clearSession } from "/js/session.js";

const notice = document.querySelector("[data-notice]");
const form = document.getElementById("reset-form");
const token = tokenFromFragment();
drawNewPasswordFields(form);

function offerNewLink() {
  notice.append(el("a", { href: "/recuperar.html", text: "Solicitar un enlace nuevo" }));
}

if (!token) {
  showSuccess(notice, "Abre esta página desde el enlace que te enviamos por correo.");
  offerNewLink();
} else {
  form.hidden = false;
  bindForm(
    form,
    (values) => api.post("/v1/auth/password-reset/confirm", { token, password: confirmPasswords(values) }),
    (result) => {
      clearSession();
      form.hidden = true;
      showSuccess(notice, result.message);
      notice.append(el("a", { href: "/entrar.html", class: "button", text: "Iniciar sesión" }));
    },
  );
}
