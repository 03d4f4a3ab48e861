// Estado de cuenta: every order with its state and amounts, totals, and the Excel download.
import { api, showError } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { mediumDate, money } from "/js/format.js";
import { ORDER_STATUS, SERVICE, badge } from "/js/providers.js";
import { requireSession } from "/js/session.js";

if (requireSession(["prestador"])) {
  const { error: alert, totals: totalsHolder, statement: table, excel } = dataParts();

  async function show() {
    try {
      const statement = await api.get("/v1/provider/statement");
      const t = statement.totals;
      const figure = (label, value, name) => el("div", { "data-total": name }, el("span", { text: label }), el("strong", { text: value }));
      totalsHolder.replaceChildren(
        figure("Órdenes", String(t.orders), "orders"),
        figure("Monto a facturar", money(t.amount_to_invoice), "to_invoice"),
        figure("Pagado", money(t.paid), "paid"),
        figure("Por cobrar", money(t.pending_payment), "pending"),
        figure("Complementos pendientes", String(t.complements_due), "complements_due"));
      if (!statement.items.length) {
        table.replaceChildren(el("p", { text: "Aún no tienes órdenes de atención." }));
        return;
      }
      const head = ["Cuenta", "Paciente", "Servicio", "Fecha", "Estado", "Monto", "Retenciones", "A facturar", "Pagado"];
      table.replaceChildren(el("table", { class: "prov-table" },
        el("thead", {}, el("tr", {}, ...head.map((h, i) => el("th", { scope: "col", class: i >= 5 ? "num" : null, text: h })))),
        el("tbody", {}, ...statement.items.map((row) => el("tr", { "data-order": row.account_number },
          el("td", {}, el("a", { href: `/prestadores/orden.html?id=${row.order_id}`, text: row.account_number })),
          el("td", { text: row.patient_name }),
          el("td", { text: SERVICE[row.service] || row.service }),
          el("td", { text: mediumDate(row.date) }),
          el("td", {}, badge(row.status, ORDER_STATUS),
            row.complement_due && row.invoice_id
              ? el("div", {}, el("a", { href: `/prestadores/factura.html?id=${row.invoice_id}`, text: "Subir complemento" }))
              : null),
          el("td", { class: "num", text: money(row.amount) }),
          el("td", { class: "num", text: money(row.retention) }),
          el("td", { class: "num", text: money(row.amount_to_invoice) }),
          el("td", { class: "num", text: money(row.paid) })))),
        el("tfoot", {}, el("tr", {},
          el("td", { colspan: "5", text: "Totales" }),
          el("td", { class: "num", text: money(t.amount) }),
          el("td", { class: "num", text: money(t.retention) }),
          el("td", { class: "num", text: money(t.amount_to_invoice) }),
          el("td", { class: "num", text: money(t.paid) })))));
    } catch (error) {
      showError(alert, error);
    }
  }

  excel.addEventListener("click", async () => {
    excel.disabled = true;
    try {
      const link = await api.get("/v1/provider/statement?format=xlsx");
      window.location.assign(link.url);
    } catch (error) {
      showError(alert, error);
    } finally {
      excel.disabled = false;
    }
  });

  show();
}
