// Mis órdenes de atención: the orders with their payment detail; pick some, upload the CFDI,
// follow its validation and read every rule it broke.
import { api, ApiError, clearError, showError } from "/js/api.js";
import { dataParts, el, uploadToSlot } from "/js/dom.js";
import { fromCents, mediumDate, money, toCents } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import {
  INVOICE_STATUS, ORDER_STATUS, SERVICE, badge, fileSpec, progressIn, showRejection, waitFor,
} from "/js/providers.js";
import { requireSession } from "/js/session.js";

if (requireSession(["prestador"])) {
  const form = document.getElementById("invoice-form");
  const {
    error: alert, orders: ordersHolder, invoices: invoicesHolder, selection, progress, verdict,
  } = dataParts();
  let orders = [];

  function chosen() {
    return orders.filter((order) => form.querySelector(`input[value="${order.id}"]`)?.checked);
  }

  function summarize() {
    const picked = chosen();
    if (!picked.length) {
      selection.replaceChildren(el("p", { class: "meta", text: "Elige una o más órdenes por facturar en la tabla." }));
      return;
    }
    const sum = (pick) => fromCents(picked.reduce((total, order) => total + toCents(pick(order)), 0));
    const figure = (label, value) => el("div", {}, el("span", { text: label }), el("strong", { text: money(value) }));
    selection.replaceChildren(
      figure(`${picked.length} orden(es) · SubTotal`, sum((o) => o.amount)),
      figure("Retenciones", sum((o) => o.retention.total)),
      figure("Total de la factura", sum((o) => o.amount_to_invoice)));
  }

  function orderRow(order) {
    const open = order.status === "registrada" && !order.invoice_id
      && (order.kind === "digital" || (order.format && order.format.status === "aceptado"));
    const box = el("input", {
      type: "checkbox", name: "care_order_ids", value: order.id, disabled: !open,
      "aria-label": `Facturar la cuenta ${order.account_number}`, onchange: summarize,
    });
    return el("tr", { "data-order": order.account_number },
      el("td", {}, box),
      el("td", {}, el("a", { href: `/prestadores/orden.html?id=${order.id}`, text: order.account_number })),
      el("td", { text: order.patient_name }),
      el("td", { text: SERVICE[order.service] || order.service }),
      el("td", { text: mediumDate(order.date) }),
      el("td", { class: "num", text: money(order.amount) }),
      el("td", { class: "num", text: money(order.retention.total) }),
      el("td", { class: "num", text: money(order.amount_to_invoice) }),
      el("td", {}, badge(order.status, ORDER_STATUS)));
  }

  async function showOrders() {
    const page = await api.get("/v1/care-orders?limit=100");
    orders = page.items;
    if (!orders.length) {
      ordersHolder.replaceChildren(el("p", { text: "Aún no tienes órdenes de atención." }));
      return;
    }
    const head = ["Facturar", "Cuenta", "Paciente", "Servicio", "Fecha", "Monto", "Retenciones", "Monto a facturar", "Estado"];
    ordersHolder.replaceChildren(el("table", { class: "prov-table" },
      el("thead", {}, el("tr", {}, ...head.map((h, i) => el("th", { class: i >= 5 && i <= 7 ? "num" : null, scope: "col", text: h })))),
      el("tbody", {}, ...orders.map(orderRow))));
    summarize();
  }

  async function showInvoices() {
    const page = await api.get("/v1/invoices?limit=50");
    if (!page.items.length) {
      invoicesHolder.replaceChildren(el("p", { class: "meta", text: "Aún no has subido facturas." }));
      return;
    }
    invoicesHolder.replaceChildren(el("table", { class: "prov-table" },
      el("thead", {}, el("tr", {}, ...["Factura", "Subida", "Órdenes", "Total", "Estado"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...page.items.map((invoice) => el("tr", {},
        el("td", {}, el("a", { href: `/prestadores/factura.html?id=${invoice.id}`, text: invoice.uuid || "Ver factura" })),
        el("td", { text: mediumDate(invoice.created_at) }),
        el("td", { class: "num", text: String(invoice.care_order_ids.length) }),
        el("td", { class: "num", text: money(invoice.total) }),
        el("td", {}, badge(invoice.status, INVOICE_STATUS)))))));
  }

  async function refresh() {
    try {
      await Promise.all([showOrders(), showInvoices()]);
    } catch (error) {
      showError(alert, error);
    }
  }

  bindForm(form, async () => {
    const picked = chosen();
    const file = form.elements.file.files[0];
    if (!picked.length) {
      throw new ApiError(422, "validation_error", "Elige al menos una orden por facturar.");
    }
    if (!file) {
      throw new ApiError(422, "validation_error", "Elige el XML de tu factura.",
        [{ field: "file", code: "missing", message: "Elige el XML de tu factura." }]);
    }
    clearError(verdict);
    const created = await api.post("/v1/invoices", {
      care_order_ids: picked.map((order) => order.id),
      file: fileSpec(file),
    });
    await uploadToSlot(created.slot, file, progressIn(progress, file.name));
    return waitFor(`/v1/invoices/${created.invoice_id}`, (i) => i.status !== "en_validacion");
  }, async (invoice) => {
    progress.hidden = true;
    const link = el("a", { href: `/prestadores/factura.html?id=${invoice.id}`, text: "Ver la factura" });
    if (invoice.status === "aceptada") {
      showSuccess(verdict, `¡Factura aceptada! Folio fiscal ${invoice.uuid}. Te avisaremos cuando la aseguradora la pague.`);
      verdict.append(link);
      form.reset();
    } else if (invoice.status === "rechazada") {
      showRejection(verdict,
        "Tu factura no se aceptó. Corrige lo siguiente, genera de nuevo el CFDI y súbelo otra vez:",
        invoice.reasons, link);
    } else {
      showSuccess(verdict, "Seguimos revisando tu factura. Consulta su estado en unos momentos.");
      verdict.append(link);
    }
    await refresh();
  });

  refresh();
}
