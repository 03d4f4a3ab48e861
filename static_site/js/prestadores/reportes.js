// Reportes: by period (with a bar chart), issued vouchers, and sick leaves (LME).
import { api, showError } from "/js/api.js";
import { clp, numericDate } from "/js/format.js";
import { requireSession } from "/js/session.js";
import { MONTHS, download, empty, pagedTable, table } from "/js/settlement.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text = null) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

// A bar per month; the amounts are the report's, the scale is the largest month.
function barChart(rows) {
  const width = 720;
  const height = 260;
  const top = 24;
  const bottom = 40;
  const left = 12;
  const max = Math.max(1, ...rows.map((r) => Number(r.amount.amount)));
  const slot = (width - left * 2) / Math.max(1, rows.length);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": "chart-title",
  });
  chart.append(svg("title", { id: "chart-title" }, "Monto liquidado por mes"));
  chart.append(svg("line", { x1: left, y1: height - bottom, x2: width - left, y2: height - bottom, stroke: "#8c959f" }));
  rows.forEach((row, index) => {
    const amount = Number(row.amount.amount);
    const barHeight = ((height - top - bottom) * amount) / max;
    const x = left + index * slot + slot * 0.15;
    const y = height - bottom - barHeight;
    const bar = svg("rect", { x, y, width: slot * 0.7, height: barHeight, fill: "#0b6e4f", "data-bar": "" });
    bar.append(svg("title", {}, `${MONTHS[row.month - 1]} ${row.year}: ${clp(row.amount)} (${row.settlements} liquidaciones)`));
    chart.append(bar);
    chart.append(svg("text", { x: x + slot * 0.35, y: height - bottom + 16, "text-anchor": "middle", "font-size": 12, fill: "#24292f" },
      `${MONTHS[row.month - 1].slice(0, 3)} ${String(row.year).slice(2)}`));
    if (amount) {
      chart.append(svg("text", { x: x + slot * 0.35, y: y - 6, "text-anchor": "middle", "font-size": 11, fill: "#24292f" },
        `${Math.round(amount / 1000).toLocaleString("es-CL")} mil`));
    }
  });
  return chart;
}

const VOUCHER_COLUMNS = [
  { label: "Folio bono", value: (v) => v.folio },
  { label: "Emisión", value: (v) => numericDate(v.issued_on) },
  { label: "Estado", value: (v) => (v.status === "liquidado" ? "Liquidado" : "Pendiente") },
  { label: "N.º liquidación", value: (v) => v.settlement || "—" },
  { label: "Financiador", value: (v) => v.payer || "—" },
  { label: "Valor total", value: (v) => clp(v.total_value), num: true },
  { label: "Aporte financiador", value: (v) => clp(v.payer_contribution), num: true },
  { label: "Aporte seguro", value: (v) => clp(v.insurer_contribution), num: true },
  { label: "Copago", value: (v) => clp(v.copay), num: true },
  { label: "Aseguradora", value: (v) => v.insurer || "—" },
  { label: "Lugar", value: (v) => v.place || "—" },
];

function iso(date) {
  return date.toISOString().slice(0, 10);
}

if (requireSession(["prestador"])) {
  const alert = document.querySelector("[data-error]");
  const periodForm = document.getElementById("period-form");
  const vouchersForm = document.getElementById("vouchers-form");
  const lmeForm = document.getElementById("lme-form");
  const now = new Date();
  const monthsAgo = new Date(now.getFullYear(), now.getMonth() - 5, 1);
  periodForm.from.value = `${monthsAgo.getFullYear()}-${String(monthsAgo.getMonth() + 1).padStart(2, "0")}`;
  periodForm.to.value = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
  const monthAgo = new Date(now.getTime() - 31 * 86400000);
  vouchersForm.from.value = iso(monthAgo);
  vouchersForm.to.value = iso(now);
  lmeForm.from.value = `${now.getFullYear()}-01-01`;
  lmeForm.to.value = iso(now);

  const periodQuery = () => new URLSearchParams({ from: periodForm.from.value, to: periodForm.to.value });

  async function showPeriod() {
    alert.hidden = true;
    try {
      const report = await api.get(`/v1/reports/period?${periodQuery()}`);
      document.querySelector("[data-chart]").replaceChildren(barChart(report.items));
      const count = report.items.reduce((sum, r) => sum + r.settlements, 0);
      document.querySelector("[data-period]").replaceChildren(table([
        { label: "Año", value: (r) => String(r.year) },
        { label: "Mes", value: (r) => MONTHS[r.month - 1] },
        { label: "Monto", value: (r) => clp(r.amount), num: true },
        { label: "Liquidaciones", value: (r) => String(r.settlements), num: true },
      ], report.items, ["Total", "", clp(report.total), String(count)]));
    } catch (error) {
      showError(alert, error);
    }
  }

  for (const button of periodForm.querySelectorAll("[data-export]")) {
    button.addEventListener("click", async () => {
      const params = periodQuery();
      params.set("format", button.dataset.export);
      button.disabled = true;
      try {
        await download(`/v1/reports/period?${params}`);
      } catch (error) {
        showError(alert, error);
      } finally {
        button.disabled = false;
      }
    });
  }

  const vouchers = pagedTable(document.querySelector("[data-vouchers]"), VOUCHER_COLUMNS, "No hay bonos con esos filtros.");
  let voucherCursor = null;
  const voucherMore = document.querySelector("[data-vouchers-more]");
  const vouchersQuery = () => {
    const params = new URLSearchParams({ from: vouchersForm.from.value, to: vouchersForm.to.value });
    if (vouchersForm.place.value.trim()) params.set("place", vouchersForm.place.value.trim());
    if (vouchersForm.payer.value.trim()) params.set("payer", vouchersForm.payer.value.trim());
    return params;
  };

  async function showVouchers(reset) {
    alert.hidden = true;
    if (reset) {
      voucherCursor = null;
      vouchers.restart();
    }
    const params = vouchersQuery();
    params.set("limit", "100");
    if (voucherCursor) params.set("cursor", voucherCursor);
    try {
      const page = await api.get(`/v1/reports/vouchers?${params}`);
      vouchers.append(page.items);
      voucherCursor = page.next_cursor;
      voucherMore.hidden = !voucherCursor;
    } catch (error) {
      showError(alert, error);
    }
  }

  document.querySelector("[data-vouchers-export]").addEventListener("click", async (event) => {
    const params = vouchersQuery();
    params.set("format", "xlsx");
    event.target.disabled = true;
    try {
      await download(`/v1/reports/vouchers?${params}`);
    } catch (error) {
      showError(alert, error);
    } finally {
      event.target.disabled = false;
    }
  });

  async function showLme() {
    alert.hidden = true;
    const params = new URLSearchParams({ by: lmeForm.by.value, from: lmeForm.from.value, to: lmeForm.to.value });
    try {
      const report = await api.get(`/v1/reports/lme?${params}`);
      const label = { provider: "Prestador", professional: "Profesional", place: "Lugar de atención" }[lmeForm.by.value];
      document.querySelector("[data-lme]").replaceChildren(report.items.length ? table([
        { label, value: (r) => r.key },
        { label: "Tipo 0 (presencial)", value: (r) => String(r.validation_0), num: true },
        { label: "Tipo 1 (ClaveÚnica)", value: (r) => String(r.validation_1), num: true },
        { label: "Tipo 2 (clave simple)", value: (r) => String(r.validation_2), num: true },
        { label: "Total", value: (r) => String(r.total), num: true },
      ], report.items) : empty("No hay licencias en esas fechas."));
    } catch (error) {
      showError(alert, error);
    }
  }

  periodForm.addEventListener("submit", (event) => { event.preventDefault(); showPeriod(); });
  vouchersForm.addEventListener("submit", (event) => { event.preventDefault(); showVouchers(true); });
  voucherMore.addEventListener("click", () => showVouchers(false));
  lmeForm.addEventListener("submit", (event) => { event.preventDefault(); showLme(); });
  showPeriod();
  showVouchers(true);
  showLme();
}
