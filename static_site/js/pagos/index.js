// The public payment page: RFC → what is due → a store or bank reference, or a card payment.
import { api, ApiError, clearError, showError } from "/js/api.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { badge, formatDate, formatMoney, renderSlip } from "/js/payment-slip.js";
import { CardError, createToken } from "/js/sandbox-gateway.js";

const results = document.querySelector("[data-results]");
const list = document.querySelector("[data-due-list]");
const slip = document.querySelector("[data-slip]");
const cardSection = document.querySelector("[data-card-section]");
const cardForm = document.querySelector("#card-form");
const cardResult = document.querySelector("[data-card-result]");
let cardTarget = null;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function monthsSelect(item, id) {
  const select = document.createElement("select");
  select.id = id;
  const suggested = Math.max(1, item.months_due);
  for (let months = 1; months <= 12; months += 1) {
    const option = element("option", `${months} ${months === 1 ? "mes" : "meses"}`);
    option.value = String(months);
    if (months === suggested) option.selected = true;
    select.append(option);
  }
  return select;
}

function dueCard(item, index) {
  const card = element("li", undefined, "card");
  card.dataset.membership = item.membership_id;
  const title = element("h3", `${item.plan} · ${item.member_name}`);
  const facts = element("dl", undefined, "data");
  const status = element("dd");
  status.append(badge(item.status));
  facts.append(element("dt", "Estado"), status);
  facts.append(element("dt", "Pagada hasta"),
    element("dd", item.paid_through ? formatDate(item.paid_through) : "Sin pagos"));
  facts.append(element("dt", "Cuota mensual"), element("dd", formatMoney(item.monthly_fee)));
  facts.append(element("dt", "Meses por pagar"), element("dd", String(item.months_due)));
  facts.append(element("dt", "Total por pagar"), element("dd", formatMoney(item.amount_due)));
  const field = element("div", undefined, "field");
  const selectId = `months-${index}`;
  const label = element("label", "¿Cuántos meses quieres pagar?");
  label.htmlFor = selectId;
  const select = monthsSelect(item, selectId);
  field.append(label, select);
  const error = element("div");
  error.hidden = true;
  const actions = element("p", undefined, "actions");
  const methods = [
    ["tienda", "Referencia para tienda"],
    ["banco", "Referencia para banco"],
  ];
  for (const [method, text] of methods) {
    const button = element("button", text, method === "banco" ? "secondary" : undefined);
    button.type = "button";
    button.dataset.method = method;
    button.addEventListener("click", async () => {
      clearError(error);
      button.disabled = true;
      try {
        const result = await api.post(
          `/v1/memberships/${item.membership_id}/payment-references`,
          { method, months: Number(select.value) },
        );
        cardSection.hidden = true;
        renderSlip(slip, result);
        slip.scrollIntoView({ block: "start" });
      } catch (problem) {
        showError(error, problem);
      } finally {
        button.disabled = false;
      }
    });
    actions.append(button);
  }
  const byCard = element("button", "Pagar con tarjeta", "secondary");
  byCard.type = "button";
  byCard.dataset.method = "tarjeta";
  byCard.addEventListener("click", () => {
    cardTarget = { id: item.membership_id, months: Number(select.value) };
    const amount = Number(item.monthly_fee.amount) * cardTarget.months;
    document.querySelector("[data-card-summary]").textContent =
      `${item.plan}: ${cardTarget.months} ${cardTarget.months === 1 ? "mes" : "meses"}, ` +
      `${formatMoney({ amount: amount.toFixed(2), currency: "MXN" })}.`;
    slip.hidden = true;
    cardResult.hidden = true;
    cardSection.hidden = false;
    document.querySelector("#card-number").focus();
  });
  actions.append(byCard);
  card.append(title, facts, field, actions, error);
  return card;
}

bindForm(
  document.querySelector("#lookup-form"),
  (values) => api.post("/v1/payments/lookup", { rfc: values.rfc || "" }),
  (answer) => {
    list.replaceChildren(...answer.items.map(dueCard));
    document.querySelector("[data-results-message]").textContent = answer.message;
    results.hidden = false;
    slip.hidden = true;
    cardSection.hidden = true;
  },
);

cardForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const alert = cardForm.querySelector("[data-form-error]");
  const button = cardForm.querySelector("button[type=submit]");
  clearError(alert);
  cardResult.hidden = true;
  button.disabled = true;
  try {
    const token = await createToken({
      number: document.querySelector("#card-number").value,
      expiry: document.querySelector("#card-expiry").value,
      cvc: document.querySelector("#card-cvc").value,
    });
    const result = await api.post(`/v1/memberships/${cardTarget.id}/card-payments`, {
      card_token: token,
      months: cardTarget.months,
    });
    cardResult.dataset.status = result.status;
    if (result.status === "aprobado") {
      showSuccess(cardResult, result.message);
      cardForm.reset();
    } else {
      showError(cardResult, new ApiError(402, result.decline_code, result.message));
    }
  } catch (problem) {
    const shown = problem instanceof CardError ? new ApiError(422, "card_invalid", problem.message) : problem;
    showError(alert, shown);
  } finally {
    button.disabled = false;
  }
});
