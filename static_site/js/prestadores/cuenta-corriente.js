// Cuenta corriente: a year's movements with the running balance, each month's closing balance
// (as a chart and a table) and what is pending both ways.
import { api, showError } from "/js/api.js";
import { barChart } from "/js/charts.js";
import { el } from "/js/dom.js";
import { clp, numericDate } from "/js/format.js";
import { requireSession } from "/js/session.js";
import { MONTHS, empty, table } from "/js/settlement.js";

// "-59500" → "−$59.500": a balance against the provider keeps its sign.
function signed(value) {
  const amount = Number(value.amount);
  return amount < 0 ? `−${clp({ ...value, amount: String(-amount) })}` : clp(value);
}

function figure(label, value, name) {
  return el("div", { class: "figure", [`data-figure-${name}`]: true },
    el("span", { class: "label", text: label }),
    el("span", { class: "value", text: value }));
}

if (requireSession(["prestador"])) {
  const form = document.getElementById("year-form");
  const alert = document.querySelector("[data-error]");
  const thisYear = new Date().getFullYear();
  for (let year = thisYear; year >= thisYear - 4; year -= 1) form.year.add(new Option(String(year), String(year)));

  async function show() {
    alert.hidden = true;
    try {
      const account = await api.get(`/v1/provider/current-account?year=${form.year.value}`);
      document.querySelector("[data-figures]").replaceChildren(
        figure(`Saldo al inicio de ${account.year}`, signed(account.opening_balance), "opening"),
        figure("Liquidaciones por cobrar", clp(account.settlements_unpaid), "unpaid"),
        figure("Facturas de la plataforma por pagar", clp(account.invoices_due), "due"),
        figure("Saldo de cierre", signed(account.closing_balance), "closing"),
      );
      document.querySelector("[data-chart]").replaceChildren(barChart({
        title: `Saldo de cierre de cada mes de ${account.year}`,
        description: "Saldo al último día de cada mes: sobre la línea, a tu favor; bajo la línea, en contra.",
        labelHeading: "Mes",
        valueLabel: "Saldo de cierre",
        bars: account.months.map((m) => ({
          label: MONTHS[m.month - 1], short: MONTHS[m.month - 1].slice(0, 3),
          value: Number(m.closing_balance.amount), text: signed(m.closing_balance),
        })),
      }));
      document.querySelector("[data-months]").replaceChildren(table([
        { label: "Mes", value: (m) => MONTHS[m.month - 1] },
        { label: "Abonos", value: (m) => clp(m.credits), num: true },
        { label: "Cargos", value: (m) => clp(m.debits), num: true },
        { label: "Saldo de cierre", value: (m) => signed(m.closing_balance), num: true },
      ], account.months));
      document.querySelector("[data-movements]").replaceChildren(account.movements.length ? table([
        { label: "Fecha", value: (m) => numericDate(m.on) },
        { label: "Concepto", value: (m) => m.concept },
        { label: "Abono", value: (m) => (m.credit ? clp(m.credit) : "—"), num: true },
        { label: "Cargo", value: (m) => (m.debit ? clp(m.debit) : "—"), num: true },
        { label: "Saldo", value: (m) => signed(m.balance), num: true },
      ], account.movements) : empty("No hay movimientos en este año."));
    } catch (error) {
      showError(alert, error);
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); show(); });
  show();
}
