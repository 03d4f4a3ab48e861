// The affiliate's memberships (status, validity, payments, card) and enrolment in a plan.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { longDate, moneyWithCurrency, shortDate } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { insurerOfPage, showInsurerContact, showPlatformContact } from "/js/insurer-contact.js";
import { badge } from "/js/payment-slip.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["afiliado"]);
const notice = document.querySelector("[data-notice]");
const container = document.querySelector("[data-memberships]");
const CHANNELS = { tienda: "Tienda", banco: "Banco", tarjeta: "Tarjeta" };

// Where to ask about the plan: the insurer's channels, else the platform's.
if (session) {
  const contactBox = document.querySelector("[data-insurer-contact]");
  insurerOfPage()
    .then((id) => showInsurerContact(contactBox, id))
    .then((insurer) => insurer || showPlatformContact(contactBox));
}

function paymentsTable(payments) {
  if (!payments.length) return el("p", { text: "Aún no hay pagos registrados.", class: "hint" });
  const table = el("table", { class: "table" });
  const head = el("tr");
  for (const title of ["Fecha", "Forma", "Meses", "Monto", "Cubre hasta"]) head.append(el("th", { text: title }));
  const thead = el("thead");
  thead.append(head);
  const body = el("tbody");
  for (const payment of payments) {
    const row = el("tr");
    row.append(
      el("td", { text: shortDate(payment.paid_at) }),
      el("td", { text: CHANNELS[payment.channel] || payment.channel }),
      el("td", { text: String(payment.months) }),
      el("td", { text: moneyWithCurrency(payment.amount) }),
      el("td", { text: longDate(payment.paid_through) }),
    );
    body.append(row);
  }
  table.append(thead, body);
  return table;
}

function membershipCard(membership) {
  const card = el("article", { class: "card" });
  card.id = `membresia-${membership.id}`;
  card.dataset.membership = membership.id;
  card.append(el("h3", { text: `${membership.plan.name}` }));
  const facts = el("dl", { class: "data" });
  const status = el("dd");
  status.dataset.field = "status";
  status.append(badge(membership.status));
  facts.append(el("dt", { text: "Número de afiliado" }), el("dd", { text: membership.member_number }));
  facts.append(el("dt", { text: "Estado" }), status);
  const through = el("dd", { text: membership.paid_through ? longDate(membership.paid_through) : "Sin pagos" });
  through.dataset.field = "paid_through";
  facts.append(el("dt", { text: "Vigente hasta" }), through);
  facts.append(el("dt", { text: "Cuota mensual" }), el("dd", { text: moneyWithCurrency(membership.plan.monthly_fee) }));
  if (membership.months_due > 0) {
    facts.append(el("dt", { text: "Por pagar" }),
      el("dd", { text: `${moneyWithCurrency(membership.amount_due)} (${membership.months_due} ${membership.months_due === 1 ? "mes" : "meses"})` }));
  }
  const error = el("div");
  error.hidden = true;
  const actions = el("p", { class: "actions" });
  const download = el("button", { text: "Descargar mi credencial (PDF)" });
  download.type = "button";
  download.dataset.action = "card";
  download.addEventListener("click", async () => {
    download.disabled = true;
    try {
      const result = await api.get(`/v1/memberships/${membership.id}/card`);
      window.location.assign(result.url);
    } catch (problem) {
      showError(error, problem);
    } finally {
      download.disabled = false;
    }
  });
  actions.append(download);
  card.append(facts, actions, error, el("h4", { text: "Pagos" }), paymentsTable(membership.payments));
  return card;
}

async function loadMemberships() {
  try {
    const result = await api.get("/v1/memberships");
    container.replaceChildren(...result.items.map(membershipCard));
    document.querySelector("[data-empty]").hidden = result.items.length > 0;
    const wanted = new URLSearchParams(window.location.hash.slice(1)).get("id");
    const target = wanted && document.getElementById(`membresia-${wanted}`);
    if (target) target.scrollIntoView({ block: "start" });
  } catch (problem) {
    showError(notice, problem);
  }
}

async function loadPlans() {
  const holder = document.querySelector("[data-plans]");
  try {
    const plans = await api.get("/v1/plans");
    holder.replaceChildren();
    plans.items.forEach((plan, index) => {
      const field = el("div", { class: "field check" });
      const input = el("input", {
        type: "radio", name: "plan_id", value: plan.id, id: `plan-${plan.id}`, checked: index === 0,
      });
      const label = el("label");
      label.htmlFor = input.id;
      label.append(el("strong", { text: `${plan.name} · ${moneyWithCurrency(plan.monthly_fee)} al mes` }));
      label.append(el("br"), document.createTextNode(plan.coverage.join(", ")));
      field.append(input, label);
      holder.append(field);
    });
  } catch (problem) {
    showError(notice, problem);
  }
}

if (session) {
  loadMemberships();
  loadPlans();
  bindForm(
    document.querySelector("#enrol-form"),
    (values) => api.post("/v1/memberships", values),
    async (created) => {
      showSuccess(notice,
        `¡Listo! Tu número de afiliado es ${created.member_number}. Te enviamos un correo con tu credencial y los siguientes pasos.`);
      document.querySelector("#enrol-form").reset();
      await loadMemberships();
      notice.scrollIntoView({ block: "start" });
    },
  );
}
