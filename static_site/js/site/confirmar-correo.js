import { api } from "/js/api.js";
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
      const link = document.createElement("a");
      link.href = "/cuenta.html";
      link.textContent = "Ir a mi cuenta";
      notice.append(link);
    },
  );
}
