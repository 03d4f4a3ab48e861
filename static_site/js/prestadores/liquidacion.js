// Detalle de liquidación: credits by type, the provider summary and the settled transactions.
import { api, showError } from "/js/api.js";
import { barChart } from "/js/charts.js";
import { el } from "/js/dom.js";
import { clp, numericDate } from "/js/format.js";
import { requireSession } from "/js/session.js";
import { STATUS, download, empty, pagedTable } from "/js/settlement.js";

const COLUMNS = [
  { label: "Transacción", value: (t) => t.id },
  { label: "Tipo", value: (t) => (t.kind === "bono" ? "Bono" : "Tarjeta") },
  { label: "Fecha", value: (t) => numericDate(t.occurred_on) },
  { label: "Lugar", value: (t) => t.place || "—" },
  { label: "Financiador", value: (t) => t.payer || "—" },
  { label: "Valor total", value: (t) => clp(t.total_value || t.card_amount), num: true },
  { label: "Aporte seguro", value: (t) => clp(t.insurer_contribution), num: true },
  { label: "Cuotas", value: (t) => (t.installments ? String(t.installments) : "—"), num: true },
  { label: "Comisión emisor", value: (t) => clp(t.issuer_commission), num: true },
  { label: "Comisión plataforma", value: (t) => clp(t.platform_commission), num: true },
  { label: "Costo", value: (t) => clp(t.transaction_cost), num: true },
  { label: "Crédito", value: (t) => clp(t.credit), num: true },
];

function figure(label, value) {
  return el("div", { class: "figure" },
    el("span", { class: "label", text: label }),
    el("span", { class: "value", text: value }));
}

function dataList(container, pairs) {
  container.replaceChildren();
  for (const [term, value] of pairs) container.append(el("dt", { text: term }), el("dd", { text: value }));
}

if (requireSession(["prestador"])) {
  const folio = new URLSearchParams(window.location.search).get("folio") || "";
  const alert = document.querySelector("[data-error]");
  const holder = document.querySelector("[data-transactions]");
  const more = document.querySelector("[data-more]");
  const typeSelect = document.getElementById("type");
  const transactions = pagedTable(holder, COLUMNS, "No hay transacciones de este tipo.");
  let cursor = null;
  document.querySelector("[data-folio]").textContent = folio;

  async function loadHeader() {
    const s = await api.get(`/v1/settlements/${encodeURIComponent(folio)}`);
    dataList(document.querySelector("[data-header]"), [
      ["Folio", s.folio],
      ["Periodo liquidado hasta", numericDate(s.period_end)],
      ["Fecha de liquidación", numericDate(s.settled_on)],
      ["Fecha de pago", numericDate(s.paid_on)],
      ["Estado", STATUS[s.status] || s.status],
      ["Transacciones", String(s.transactions)],
    ]);
    const credits = document.querySelector("[data-credits]");
    credits.replaceChildren(
      ...s.credits.map((c) => figure(c.type === "seguros" ? "Transacciones de seguros" : "Transacciones con tarjeta", clp(c.amount))),
      figure("Total de la liquidación", clp(s.total)),
    );
    const m = s.summary;
    const credit = (type) => s.credits.find((c) => c.type === type)?.amount || { amount: "0", currency: "CLP" };
    const bars = [
      ["Aporte seguro (bonos)", "Seguros", credit("seguros"), 1],
      ["Tarjetas, neto pagado", "Tarjetas", credit("tarjetas"), 1],
      ["Comisión del emisor (descontada)", "Com. emisor", m.issuer_commission, -1],
      ["Comisión de la plataforma (descontada)", "Com. plataforma", m.platform_commission, -1],
      ["Costo de transacción (descontado)", "Costo", m.transaction_cost, -1],
    ];
    document.querySelector("[data-chart]").replaceChildren(barChart({
      title: "Composición de la liquidación",
      description: `Créditos que suman el total de ${clp(s.total)} y lo que se descontó de las transacciones con tarjeta.`,
      labelHeading: "Concepto",
      bars: bars.map(([label, short, amount, sign]) => ({
        label, short, value: sign * Number(amount.amount), text: sign < 0 ? `−${clp(amount)}` : clp(amount),
      })),
    }));
    document.querySelector("[data-summary]").replaceChildren(el("div", { class: "figures" }));
    document.querySelector("[data-summary] .figures").append(
      figure("RUT prestador", m.provider_rut),
      figure("Valor total", clp(m.total_value)),
      figure("Aporte financiador", clp(m.payer_contribution)),
      figure("Aporte seguro", clp(m.insurer_contribution)),
      figure("Copago beneficiario", clp(m.copay)),
      figure("Comisión emisor", clp(m.issuer_commission)),
      figure("Comisión plataforma", clp(m.platform_commission)),
      figure("Costo", clp(m.transaction_cost)),
      figure("Monto pagado (tarjetas)", clp(m.paid_amount)),
    );
  }

  async function loadTransactions(reset) {
    if (reset) {
      cursor = null;
      transactions.restart();
      holder.replaceChildren(empty("Cargando…"));
    }
    const params = new URLSearchParams({ limit: "500" });
    if (typeSelect.value) params.set("type", typeSelect.value);
    if (cursor) params.set("cursor", cursor);
    const page = await api.get(`/v1/settlements/${encodeURIComponent(folio)}/transactions?${params}`);
    transactions.append(page.items);
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }

  async function start() {
    try {
      await loadHeader();
      await loadTransactions(true);
    } catch (error) {
      holder.replaceChildren();
      showError(alert, error);
    }
  }

  const excelStatus = document.querySelector("[data-excel-status]");
  document.querySelector("[data-excel]").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    excelStatus.textContent = "Preparando el archivo…";
    try {
      const file = await download(`/v1/settlements/${encodeURIComponent(folio)}?format=xlsx`);
      excelStatus.textContent = `Listo: ${file.rows} transacciones en el archivo.`;
    } catch (error) {
      excelStatus.textContent = "";
      showError(alert, error);
    } finally {
      button.disabled = false;
    }
  });

  typeSelect.addEventListener("change", () => loadTransactions(true).catch((e) => showError(alert, e)));
  more.addEventListener("click", () => loadTransactions(false).catch((e) => showError(alert, e)));
  start();
}
