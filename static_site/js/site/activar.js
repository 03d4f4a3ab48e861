import { api } from "/js/api.js";
import { el } from "/js/dom.js";
import { bindForm, showSuccess, tokenFromFragment } from "/js/forms.js";
import { PORTALS } from "/js/session.js";
import { confirmPasswords, drawNewPasswordFields } from "/js/passwords.js";

const notice = document.querySelector("[data-notice]");
const activateForm = document.getElementById("activate-form");
const resendForm = document.getElementById("resend-form");
const token = tokenFromFragment();
drawNewPasswordFields(activateForm);

if (token) {
  activateForm.hidden = false;
  bindForm(
    activateForm,
    (values) => api.post("/v1/accounts/activate", { token, password: confirmPasswords(values) }),
    (result) => {
      activateForm.hidden = true;
      showSuccess(notice, result.message);
      const portal = Object.values(PORTALS).find((p) => p.path === `/${result.portal}/`);
      const link = el("a", {
        href: `/entrar.html?siguiente=${encodeURIComponent(portal ? portal.path : "/")}`,
        class: "button",
        text: "Iniciar sesión",
      });
      notice.append(link);
      link.focus();
    },
  );
} else {
  resendForm.hidden = false;
}

bindForm(
  resendForm,
  (values) => api.post("/v1/accounts/resend-activation", { identifier: values.identifier || "" }),
  (result) => {
    resendForm.hidden = true;
    showSuccess(notice, result.message);
  },
);
