// Forms to download by claim type and stage (short-lived links from the API).
import { api, showError } from "/js/api.js";
import { STAGE_LABELS, TYPE_LABELS } from "/js/claims.js";
import { el } from "/js/dom.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const form = document.getElementById("forms-filter");
const pageError = document.querySelector("[data-error]");

async function load() {
  const search = new URLSearchParams();
  if (form.type.value) search.set("type", form.type.value);
  if (form.stage.value) search.set("stage", form.stage.value);
  const answer = await api.get(`/v1/forms?${search}`);
  const list = document.querySelector("[data-forms]");
  list.replaceChildren(...answer.items.map((item) => el("li", { class: "claim-row" },
    el("div", {}, el("strong", { text: item.name }),
      el("p", { class: "meta", text: `${TYPE_LABELS[item.type]} · ${STAGE_LABELS[item.stage]}` })),
    el("a", { class: "button small-button", href: item.url, text: "Descargar PDF", "aria-label": `Descargar PDF: ${item.name}` }))));
  if (!answer.items.length) list.append(el("li", { class: "meta", text: "No hay formatos para esa selección." }));
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load().catch((error) => showError(pageError, error));
});
if (session) load().catch((error) => showError(pageError, error));
