// Mis liquidaciones: a year (and month) of the provider's settlements.
import { api, showError } from "/js/api.js";
import { barChart } from "/js/charts.js";
import { clp, numericDate } from "/js/format.js";
import { requireSession } from "/js/session.js";
import { MONTHS, STATUS, empty, link, table } from "/js/settlement.js";

if (requireSession(["prestador"])) {
  const form = document.getElementById("filter-form");
  const list = document.querySelector("[data-list]");
  const chart = document.querySelector("[data-chart]");
  const alert = document.querySelector("[data-error]");
  const thisYear = new Date().getFullYear();
  for (let year = thisYear; year >= thisYear - 4; year -= 1) form.year.add(new Option(String(year), String(year)));
  MONTHS.forEach((name, index) => form.month.add(new Option(name, String(index + 1))));

  async function show() {
    alert.hidden = true;
    const params = new URLSearchParams({ year: form.year.value });
    if (form.month.value) params.set("month", form.month.value);
    try {
      const result = await api.get(`/v1/settlements?${params}`);
      if (!result.items.length) {
        chart.replaceChildren();
        list.replaceChildren(empty("No hay liquidaciones en este periodo."));
        return;
      }
      const oldestFirst = [...result.items].reverse();
      chart.replaceChildren(barChart({
        title: "Total de cada liquidación",
        description: `Monto total de las ${result.items.length} liquidaciones mostradas, de la más antigua a la más reciente.`,
        labelHeading: "Liquidación",
        bars: oldestFirst.map((s) => ({
          label: `${s.folio} (${numericDate(s.settled_on)})`,
          short: numericDate(s.settled_on).slice(0, 5),
          value: Number(s.total.amount),
          text: clp(s.total),
        })),
      }));
      list.replaceChildren(table([
        { label: "Folio", value: (s) => link(`/prestadores/liquidacion.html?folio=${encodeURIComponent(s.folio)}`, s.folio) },
        { label: "Fecha de liquidación", value: (s) => numericDate(s.settled_on) },
        { label: "Fecha de pago", value: (s) => numericDate(s.paid_on) },
        { label: "Transacciones", value: (s) => String(s.transactions), num: true },
        { label: "Total", value: (s) => clp(s.total), num: true },
        { label: "Estado", value: (s) => STATUS[s.status] || s.status },
      ], result.items));
    } catch (error) {
      chart.replaceChildren();
      list.replaceChildren();
      showError(alert, error);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    show();
  });
  show();
}
