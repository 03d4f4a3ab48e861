import { api } from "/js/api.js";
import { bindForm, showSuccess, tokenFromFragment } from "/js/forms.js";
import { confirmPasswords } from "/js/passwords.js";
import { clearSession } from "/js/session.js";

const notice = document.querySelector("[data-notice]");
const form = document.getElementById("reset-form");
const token = tokenFromFragment();

function offerNewLink() {
  const link = document.createElement("a");
  link.href = "/recuperar.html";
  link.textContent = "Solicitar un enlace nuevo";
  notice.append(link);
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
      const link = document.createElement("a");
      link.href = "/entrar.html";
      link.className = "button";
      link.textContent = "Iniciar sesión";
      notice.append(link);
    },
  );
}
