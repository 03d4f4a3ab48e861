// The operator's queue of claims by status (each read is audited by the API).
import { api, ApiError, clearError, showError } from "/js/api.js";
import { claimTitle, statusBadge } from "/js/claims.js";
import { el } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const form = document.getElementById("queue-form");
const pageError = document.querySelector("[data-error]");

const folioForm = document.getElementById("folio-form");

// The queue of the chosen status, or the claim a folio names (any status).
async function load(folio = "") {
  const list = document.querySelector("[data-queue]");
  clearError(pageError);
  const query = folio ? `folio=${encodeURIComponent(folio)}` : `status=${encodeURIComponent(form.status.value)}`;
  const answer = await api.get(`/v1/operator/claims?${query}`);
  list.replaceChildren(...answer.items.map((claim) => el("li", { class: "claim-row", "data-claim": claim.id },
    el("div", {},
      el("strong", { text: claim.folio }), " ", statusBadge(claim.status),
      el("p", { class: "meta", text: `${claimTitle(claim)} · ${claim.member_name} · actualizado ${dateTime(claim.updated_at)}` })),
    el("a", { class: "button small-button", href: `/operadores/tramite.html?id=${claim.id}`, text: "Revisar", "aria-label": `Revisar ${claim.folio}` }))));
  if (!answer.items.length) {
    list.append(el("li", { class: "meta", text: folio ? `No encontramos un trámite de tu aseguradora con el folio ${folio}.` : "No hay trámites en este estado." }));
  }
}

const status = new URLSearchParams(window.location.search).get("estado");
if (status) form.status.value = status;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  load().catch((error) => showError(pageError, error));
});
folioForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const folio = folioForm.folio.value.trim();
  if (!folio) {
    showError(pageError, new ApiError(400, "folio_required", "Escribe el folio que buscas."));
    folioForm.folio.focus();
    return;
  }
  load(folio).catch((error) => showError(pageError, error));
});
if (session) load().catch((error) => showError(pageError, error));
