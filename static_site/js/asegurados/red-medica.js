// The insurer's medical network: its notice first, then the link and the hospital search.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const pageError = document.querySelector("[data-error]");
const form = document.getElementById("hospital-search");

async function search() {
  const query = form.q.value.trim();
  const answer = await api.get(`/v1/hospitals${query ? `?q=${encodeURIComponent(query)}` : ""}`);
  const list = document.querySelector("[data-hospitals]");
  list.replaceChildren(...answer.items.map((h) => el("li", { class: "claim-row" },
    el("div", {}, el("strong", { text: h.name }), el("p", { class: "meta", text: `${h.address} · ${h.city}, ${h.state}` })))));
  if (!answer.items.length) list.append(el("li", { class: "meta", text: "No encontramos hospitales con esa búsqueda." }));
}

async function start() {
  const network = await api.get("/v1/network");
  document.querySelector("[data-notice]").textContent = network.notice;
  const link = document.querySelector("[data-network-link]");
  link.href = network.url;
  link.hidden = !network.url;
  await search();
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  search().catch((error) => showError(pageError, error));
});
if (session) start().catch((error) => showError(pageError, error));
