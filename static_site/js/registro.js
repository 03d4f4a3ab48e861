import { api } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";

const form = document.getElementById("register-form");
const kind = form.dataset.kind;
const routes = {
  asegurados: "/v1/accounts/insured",
  prestadores: "/v1/accounts/providers",
  afiliados: "/v1/accounts/affiliates",
};

// Providers: the fields of the chosen country only (the others are disabled, so not sent).
function showCountry() {
  const country = form.querySelector("input[name=country]:checked");
  for (const field of form.querySelectorAll("[data-country]")) {
    const active = country && field.dataset.country === country.value;
    field.hidden = !active;
    for (const input of field.querySelectorAll("input, select")) input.disabled = !active;
  }
}
if (kind === "prestadores") {
  for (const radio of form.querySelectorAll("input[name=country]")) {
    radio.addEventListener("change", showCountry);
  }
  showCountry();
}

bindForm(
  form,
  (values) => api.post(routes[kind], values),
  (result) => {
    form.hidden = true;
    const notice = document.querySelector("[data-notice]");
    showSuccess(notice, result.message);
    notice.focus();
  },
);
