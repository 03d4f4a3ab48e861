// The affiliate's memberships (status, validity, payments, card) and enrolment in a plan.
import { api, showError } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { badge, formatDate, formatMoney } from "/js/payment-slip.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["afiliado"]);
const notice = document.querySelector("[data-notice]");
const container = document.querySelector("[data-memberships]");
const CHANNELS = { tienda: "Tienda", banco: "Banco", tarjeta: "Tarjeta" };

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function paymentsTable(payments) {
  if (!payments.length) return element("p", "Aún no hay pagos registrados.", "hint");
  const table = element("table", undefined, "table");
  const head = element("tr");
  for (const title of ["Fecha", "Forma", "Meses", "Monto", "Cubre hasta"]) head.append(element("th", title));
  const thead = element("thead");
  thead.append(head);
  const body = element("tbody");
  for (const payment of payments) {
    const row = element("tr");
    row.append(
      element("td", new Date(payment.paid_at).toLocaleDateString("es-MX", { timeZone: "America/Mexico_City" })),
      element("td", CHANNELS[payment.channel] || payment.channel),
      element("td", String(payment.months)),
      element("td", formatMoney(payment.amount)),
      element("td", formatDate(payment.paid_through)),
    );
    body.append(row);
  }
  table.append(thead, body);
  return table;
}

function membershipCard(membership) {
  const card = element("article", undefined, "card");
  card.id = `membresia-${membership.id}`;
  card.dataset.membership = membership.id;
  card.append(element("h3", `${membership.plan.name}`));
  const facts = element("dl", undefined, "data");
  const status = element("dd");
  status.dataset.field = "status";
  status.append(badge(membership.status));
  facts.append(element("dt", "Número de afiliado"), element("dd", membership.member_number));
  facts.append(element("dt", "Estado"), status);
  const through = element("dd", membership.paid_through ? formatDate(membership.paid_through) : "Sin pagos");
  through.dataset.field = "paid_through";
  facts.append(element("dt", "Vigente hasta"), through);
  facts.append(element("dt", "Cuota mensual"), element("dd", formatMoney(membership.plan.monthly_fee)));
  if (membership.months_due > 0) {
    facts.append(element("dt", "Por pagar"),
      element("dd", `${formatMoney(membership.amount_due)} (${membership.months_due} ${membership.months_due === 1 ? "mes" : "meses"})`));
  }
  const error = element("div");
  error.hidden = true;
  const actions = element("p", undefined, "actions");
  const download = element("button", "Descargar mi credencial (PDF)");
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
  card.append(facts, actions, error, element("h4", "Pagos"), paymentsTable(membership.payments));
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
      const field = element("div", undefined, "field check");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "plan_id";
      input.value = plan.id;
      input.id = `plan-${plan.id}`;
      if (index === 0) input.checked = true;
      const label = element("label");
      label.htmlFor = input.id;
      label.append(element("strong", `${plan.name} · ${formatMoney(plan.monthly_fee)} al mes`));
      label.append(element("br"), document.createTextNode(plan.coverage.join(", ")));
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
