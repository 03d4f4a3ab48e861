import { api } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";

const form = document.getElementById("reset-request-form");
bindForm(
  form,
  (values) => api.post("/v1/auth/password-reset", { identifier: values.identifier || "" }),
  (result) => {
    form.hidden = true;
    showSuccess(document.querySelector("[data-notice]"), result.message);
  },
);
