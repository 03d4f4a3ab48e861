// Complaints and suggestions: stored, acknowledged by email, forwarded to the insurer.
import { api } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const form = document.getElementById("contact-form");

if (session) {
  bindForm(form, (values) => api.post("/v1/contact", values), (result) => {
    form.reset();
    showSuccess(document.querySelector("[data-result]"), result.message);
  });
}
