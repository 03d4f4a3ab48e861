// Operators (local stack): sign and send a payment network confirmation for a reference.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { moneyWithCurrency, shortDateTime } from "/js/format.js";
import { bindForm } from "/js/forms.js";
import { badge } from "/js/payment-slip.js";
import { requireSession } from "/js/session.js";

const session = requireSession(["operador"]);
const OUTCOMES = {
  aplicado: "Pago aplicado a la membresía",
  duplicado: "Confirmación repetida: ya se había aplicado",
  excepcion: "No se aplicó: quedó registrada como excepción",
};

async function loadExceptions() {
  const holder = document.querySelector("[data-exceptions]");
  try {
    const result = await api.get("/v1/operator/payments/exceptions?limit=20");
    if (!result.items.length) {
      holder.replaceChildren(el("p", { text: "No hay pagos pendientes de resolver." }));
      return;
    }
    const table = el("table");
    table.className = "table";
    const head = el("tr");
    for (const title of ["Recibido", "Referencia", "Monto", "Motivo"]) head.append(el("th", { text: title }));
    table.append(head);
    for (const item of result.items) {
      const row = el("tr");
      row.append(
        el("td", { text: shortDateTime(item.received_at) }),
        el("td", { text: item.reference }),
        el("td", { text: moneyWithCurrency(item.amount) }),
        el("td", { text: item.reason_label }),
      );
      table.append(row);
    }
    holder.replaceChildren(table);
  } catch (problem) {
    showError(holder, problem);
  }
}

if (session) {
  loadExceptions();
  bindForm(
    document.querySelector("#simulate-form"),
    (values) => api.post("/v1/operator/payments/simulations", values),
    async (result) => {
      const section = document.querySelector("[data-result]");
      const outcome = document.querySelector("[data-outcome]");
      outcome.replaceChildren(badge(result.answer.outcome, OUTCOMES[result.answer.outcome]));
      outcome.dataset.outcome = result.answer.outcome;
      document.querySelector("[data-signature]").textContent = result.signature;
      document.querySelector("[data-body]").textContent = JSON.stringify(result.body, null, 2);
      section.hidden = false;
      await loadExceptions();
    },
  );
}
