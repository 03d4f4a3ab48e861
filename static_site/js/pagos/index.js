// The public payment page: RFC → what is due → a store or bank reference, or a card payment.
import { api, ApiError, clearError, showError } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { fromCents, longDate, moneyWithCurrency, toCents } from "/js/format.js";
import { bindForm, clearFormErrors, fieldError, showFormErrors, showSuccess } from "/js/forms.js";
import { badge, renderSlip } from "/js/payment-slip.js";
import { CardError, createToken } from "/js/sandbox-gateway.js";

const { results, dueList: list, slip, cardSection, cardResult } = dataParts();
const cardForm = document.querySelector("#card-form");
let cardTarget = null;
// The RFC of the last lookup: after a payment the cards are read again, so what they say
// (status, paid through, total to pay) is what the payment left.
let lookedUpRfc = "";

function monthsSelect(item, id) {
  const select = el("select", { id });
  const suggested = Math.max(1, item.months_due);
  for (let months = 1; months <= 12; months += 1) {
    const option = el("option", { text: `${months} ${months === 1 ? "mes" : "meses"}` });
    option.value = String(months);
    if (months === suggested) option.selected = true;
    select.append(option);
  }
  return select;
}

function dueCard(item, index) {
  const card = el("li", { class: "card" });
  card.dataset.membership = item.membership_id;
  const title = el("h3", { text: `${item.plan} · ${item.member_name}` });
  const facts = el("dl", { class: "data" });
  const status = el("dd");
  status.append(badge(item.status));
  facts.append(el("dt", { text: "Estado" }), status);
  facts.append(el("dt", { text: "Pagada hasta" }),
    el("dd", { text: item.paid_through ? longDate(item.paid_through) : "Sin pagos" }));
  facts.append(el("dt", { text: "Cuota mensual" }), el("dd", { text: moneyWithCurrency(item.monthly_fee) }));
  facts.append(el("dt", { text: "Meses por pagar" }), el("dd", { text: String(item.months_due) }));
  facts.append(el("dt", { text: "Total por pagar" }), el("dd", { text: moneyWithCurrency(item.amount_due) }));
  const field = el("div", { class: "field" });
  const selectId = `months-${index}`;
  const label = el("label", { text: "¿Cuántos meses quieres pagar?" });
  label.htmlFor = selectId;
  const select = monthsSelect(item, selectId);
  field.append(label, select);
  const error = el("div");
  error.hidden = true;
  const actions = el("p", { class: "actions" });
  const methods = [
    ["tienda", "Referencia para tienda"],
    ["banco", "Referencia para banco"],
  ];
  for (const [method, text] of methods) {
    const button = el("button", { text, class: method === "banco" ? "secondary" : null });
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
  const byCard = el("button", { text: "Pagar con tarjeta", class: "secondary" });
  byCard.type = "button";
  byCard.dataset.method = "tarjeta";
  byCard.addEventListener("click", () => {
    cardTarget = { id: item.membership_id, months: Number(select.value) };
    const amount = fromCents(toCents(item.monthly_fee) * cardTarget.months);
    document.querySelector("[data-card-summary]").textContent =
      `${item.plan}: ${cardTarget.months} ${cardTarget.months === 1 ? "mes" : "meses"}, ` +
      `${moneyWithCurrency(amount)}.`;
    slip.hidden = true;
    cardResult.hidden = true;
    cardForm.hidden = false;
    cardSection.hidden = false;
    document.querySelector("#card-number").focus();
  });
  actions.append(byCard);
  card.append(title, facts, field, actions, error);
  return card;
}

function showDue(answer) {
  list.replaceChildren(...answer.items.map(dueCard));
  document.querySelector("[data-results-message]").textContent = answer.message;
  results.hidden = false;
}

bindForm(
  document.querySelector("#lookup-form"),
  (values) => {
    lookedUpRfc = values.rfc || "";
    return api.post("/v1/payments/lookup", { rfc: lookedUpRfc });
  },
  (answer) => {
    showDue(answer);
    slip.hidden = true;
    cardSection.hidden = true;
  },
);

// After an approved payment: the form closes (nothing left to pay twice) and the cards are
// read again. If that read fails the result still stands and the cards say to look again.
async function refreshAfterPayment() {
  cardForm.hidden = true;
  try {
    showDue(await api.post("/v1/payments/lookup", { rfc: lookedUpRfc }));
  } catch {
    for (const card of list.children) card.dataset.stale = "";
    document.querySelector("[data-results-message]").textContent =
      "Tu pago quedó registrado. Consulta de nuevo para ver tu saldo actualizado.";
  }
}

cardForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const button = cardForm.querySelector("button[type=submit]");
  clearFormErrors(cardForm);
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
      await refreshAfterPayment();
    } else {
      showError(cardResult, new ApiError(402, result.decline_code, result.message));
    }
  } catch (problem) {
    // Each wrong field of the card beside it (the inputs' ids: card-number, card-expiry…).
    showFormErrors(cardForm, problem instanceof CardError
      ? fieldError(problem.problems.map((p) => ({ field: `card-${p.field}`, message: p.message })))
      : problem);
  } finally {
    button.disabled = false;
  }
});
