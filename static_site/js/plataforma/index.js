// Platform administrators' home: the insurers (name, id, country, RFC) and a new insurer's form.
import { api, showError } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { companyFields, plainSpanish, presentationFields, settingsBody } from "/js/insurer-settings.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["plataforma"]);
const { error: pageError, insurers, more, fields, created } = dataParts();
const rows = insurers.querySelector("tbody");
const form = document.getElementById("new-insurer");
const COUNTRIES = { MX: "México", CL: "Chile" };
let cursor = null;

function row(insurer) {
  const href = `/plataforma/aseguradora.html?id=${encodeURIComponent(insurer.id)}`;
  return el("tr", { "data-insurer-row": insurer.id },
    el("td", {}, el("a", { href, text: insurer.display_name })),
    el("td", {}, el("code", { text: insurer.id })),
    el("td", { text: COUNTRIES[insurer.country] || insurer.country }),
    el("td", { text: insurer.rfc }));
}

async function load(next = false) {
  if (!next) cursor = null;
  const query = cursor ? `?cursor=${encodeURIComponent(cursor)}` : "";
  const page = await api.get(`/v1/platform/insurers${query}`);
  if (!next) rows.replaceChildren();
  rows.append(...page.items.map(row));
  if (!rows.childElementCount) {
    rows.append(el("tr", {}, el("td", { colspan: "4", class: "meta", text: "Aún no hay aseguradoras." })));
  }
  cursor = page.next_cursor;
  more.hidden = !cursor;
}

fields.append(companyFields({ withId: true }), ...presentationFields());

if (session) {
  bindForm(
    form,
    async (values) => {
      try {
        return await api.post("/v1/platform/insurers", settingsBody(form, values));
      } catch (error) {
        throw plainSpanish(error);
      }
    },
    async (insurer) => {
      form.reset();
      const href = `/plataforma/aseguradora.html?id=${encodeURIComponent(insurer.id)}`;
      showSuccess(created, `Dimos de alta ${insurer.display_name} (${insurer.id}).`);
      created.append(el("p", {}, el("a", { href, text: `Configurar ${insurer.display_name} e invitar a su administrador` })));
      created.focus();
      await load();
    },
  );
  created.tabIndex = -1;
  more.addEventListener("click", () => load(true).catch((error) => showError(pageError, error)));
  load().catch((error) => showError(pageError, error));
}
