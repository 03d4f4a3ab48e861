// "Mis trámites": the current claims, then "Mostrar más trámites" with the tabs
// En trámite (filters by type, person and status) and Historial (search by folio or person).
import { api, ApiError, clearError, showError } from "/js/api.js";
import { RELATIONSHIP_LABELS, claimTitle, statusBadge } from "/js/claims.js";
import { el } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["asegurado"]);
const pageError = document.querySelector("[data-error]");

function claimRow(claim) {
  const link = claim.status === "borrador"
    ? el("a", { class: "button small-button", href: `/asegurados/tramite-nuevo.html?id=${claim.id}`, text: "Continuar" })
    : el("a", { class: "button small-button", href: `/asegurados/tramite.html?id=${claim.id}`, text: "Detalle", "aria-label": `Detalle del folio ${claim.folio}` });
  return el("li", { class: "claim-row", "data-claim": claim.id },
    el("div", {},
      el("strong", { text: claim.folio || "Sin folio (borrador)" }), " ", statusBadge(claim.status),
      el("p", { class: "meta", text: `${claimTitle(claim)} · ${claim.member_name} (${RELATIONSHIP_LABELS[claim.relationship] || claim.relationship}) · ${dateTime(claim.registered_at || claim.created_at)}` })),
    link);
}

function fill(list, items, empty) {
  list.replaceChildren(...items.map(claimRow));
  if (!items.length) list.append(el("li", { class: "meta", text: empty }));
}

function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  return `/v1/claims?${search}`;
}

async function loadCurrent() {
  const answer = await api.get(query({ view: "actuales" }));
  fill(document.querySelector("[data-current]"), answer.items, "No tienes trámites en curso.");
}

async function loadInProgress() {
  const form = document.getElementById("filter-form");
  const answer = await api.get(query({
    view: "en_tramite", type: form.type.value, member_id: form.member_id.value, status: form.status.value,
  }));
  fill(document.querySelector("[data-in-progress]"), answer.items, "No hay trámites con esos filtros.");
}

async function searchHistory() {
  const form = document.getElementById("search-form");
  const alert = document.querySelector("[data-search-error]");
  clearError(alert);
  try {
    const answer = await api.get(query({
      view: "historial", folio: form.folio.value.trim(), member_id: form.folio.value.trim() ? "" : form.member_id.value,
    }));
    const searched = form.folio.value.trim() || form.member_id.value;
    fill(document.querySelector("[data-history]"), answer.items, searched
      ? "No encontramos trámites con esa búsqueda."
      : "Aún no tienes trámites terminados.");
  } catch (error) {
    // The message already says what is wrong with the folio; no field list under it.
    showError(alert, error instanceof ApiError
      ? new ApiError(error.status, error.code, error.message, [], error.correlationId)
      : error);
  }
}

function selectTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute("aria-selected", String(selected));
    tab.classList.toggle("secondary", !selected);
    document.getElementById(tab.getAttribute("aria-controls")).hidden = !selected;
  }
  if (name === "historial") searchHistory();
}

async function fillPeople() {
  const policy = await api.get("/v1/policy");
  for (const select of [document.getElementById("f-member"), document.getElementById("s-member")]) {
    for (const member of policy.members) select.append(el("option", { value: member.id, text: member.full_name }));
  }
}

// Listeners first: a click must work even before the lists have loaded.
document.getElementById("more").addEventListener("click", () => {
  document.querySelector("[data-more]").hidden = false;
  document.getElementById("more").hidden = true;
  loadInProgress().catch((error) => showError(pageError, error));
});
document.getElementById("tab-tramite").addEventListener("click", () => selectTab("tramite"));
document.getElementById("tab-historial").addEventListener("click", () => selectTab("historial"));
document.getElementById("filter-form").addEventListener("submit", (event) => {
  event.preventDefault();
  loadInProgress().catch((error) => showError(pageError, error));
});
document.getElementById("search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  searchHistory();
});

if (session) {
  loadCurrent().catch((error) => showError(pageError, error));
  fillPeople().catch((error) => showError(pageError, error));
}
