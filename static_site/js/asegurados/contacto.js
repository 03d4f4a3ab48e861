// Complaints and suggestions: stored, acknowledged by email, forwarded to the insurer; and
// the insurer's contact channels.
import { api } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { insurerOfPage, showInsurerContact } from "/js/insurer-contact.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const form = document.getElementById("contact-form");

if (session) {
  // Besides the form, the insurer's own channels: phone, email, WhatsApp and hours.
  insurerOfPage().then((id) => showInsurerContact(document.querySelector("[data-insurer-contact]"), id));
  bindForm(form, (values) => api.post("/v1/contact", values), (result) => {
    form.reset();
    showSuccess(document.querySelector("[data-result]"), result.message);
  });
}
