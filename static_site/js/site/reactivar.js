import { api } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";

const form = document.getElementById("reactivate-form");
bindForm(
  form,
  (values) => api.post("/v1/accounts/reactivate", values),
  (result) => {
    form.hidden = true;
    showSuccess(document.querySelector("[data-notice]"), result.message);
  },
);
