// Mis liquidaciones: a year (and month) of the provider's settlements.
import { api, showError } from "/js/api.js";
import { clp, numericDate } from "/js/format.js";
import { requireSession } from "/js/session.js";
import { MONTHS, STATUS, empty, link, table } from "/js/settlement.js";

if (requireSession(["prestador"])) {
  const form = document.getElementById("filter-form");
  const list = document.querySelector("[data-list]");
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
        list.replaceChildren(empty("No hay liquidaciones en este periodo."));
        return;
      }
      list.replaceChildren(table([
        { label: "Folio", value: (s) => link(`/prestadores/liquidacion.html?folio=${encodeURIComponent(s.folio)}`, s.folio) },
        { label: "Fecha de liquidación", value: (s) => numericDate(s.settled_on) },
        { label: "Fecha de pago", value: (s) => numericDate(s.paid_on) },
        { label: "Transacciones", value: (s) => String(s.transactions), num: true },
        { label: "Total", value: (s) => clp(s.total), num: true },
        { label: "Estado", value: (s) => STATUS[s.status] || s.status },
      ], result.items));
    } catch (error) {
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
