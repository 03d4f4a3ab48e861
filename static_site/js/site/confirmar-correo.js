import { api } from "/js/api.js";
import { el } from "/js/dom.js";
import { bindForm, showSuccess, tokenFromFragment } from "/js/forms.js";

const notice = document.querySelector("[data-notice]");
const form = document.getElementById("confirm-form");
const token = tokenFromFragment();

if (!token) {
  showSuccess(notice, "Abre esta página desde el enlace que te enviamos por correo.");
} else {
  form.hidden = false;
  bindForm(
    form,
    () => api.post("/v1/me/email/confirm", { token }),
    (result) => {
      form.hidden = true;
      showSuccess(notice, result.message);
      notice.append(el("a", { href: "/cuenta.html", text: "Ir a mi cuenta" }));
    },
  );
}
