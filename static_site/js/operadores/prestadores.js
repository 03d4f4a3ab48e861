// Operators: load a digital care order for a provider, see the insurer's invoices and record
// the payment of an accepted one (the server checks it with SAT first).
import { api, myProfile, showError } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { mediumDate, money } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { INVOICE_STATUS, ORDER_STATUS, badge, careOrderFields, satStatus } from "/js/providers.js";
import { requireSession } from "/js/session.js";

if (requireSession(["operador"])) {
  const insurer = document.getElementById("insurer");
  const form = document.getElementById("order-form");
  const { error: alert, loaded, invoices: invoicesHolder, orders: ordersHolder } = dataParts();
  form.date.value = new Date().toISOString().slice(0, 10);

  // SAT's answer shown in the row's SAT cell, asked again by a refused payment.
  async function refreshSat(invoice, cell) {
    const fresh = await api.get(`/v1/invoices/${encodeURIComponent(invoice.id)}`);
    cell.firstChild.replaceWith(satStatus(fresh));
  }

  function payForm(invoice, satHolder) {
    const amount = el("input", { name: "amount", value: invoice.total.amount, inputmode: "decimal", "aria-label": "Monto pagado", size: "10" });
    const paidOn = el("input", { name: "paid_on", type: "date", value: new Date().toISOString().slice(0, 10), "aria-label": "Fecha de pago" });
    const message = el("div", { hidden: true });
    const button = el("button", { type: "submit", text: "Registrar pago" });
    return el("form", {
      class: "actions", "data-pay": invoice.id, novalidate: true,
      onsubmit: async (event) => {
        event.preventDefault();
        button.disabled = true;
        try {
          await api.post(`/v1/operator/invoices/${invoice.id}/payments`, {
            amount: { amount: amount.value.trim(), currency: "MXN" }, paid_on: paidOn.value,
          });
          await show();
        } catch (error) {
          showError(message, error);
          button.disabled = false;
          if (String(error.code || "").startsWith("invoice_sat_")) {
            await refreshSat(invoice, satHolder).catch(() => {});
          }
        }
      },
    }, amount, paidOn, button, message);
  }

  // SAT's status with a button to ask again now (the payment asks again by itself too).
  function satCell(invoice) {
    const cell = el("td", { "data-sat": "" }, satStatus(invoice));
    if (["aceptada", "pagada", "complemento_recibido"].includes(invoice.status)) {
      const message = el("div", { hidden: true });
      const button = el("button", {
        type: "button", text: "Consultar en el SAT",
        onclick: async () => {
          button.disabled = true;
          try {
            await api.post(`/v1/operator/invoices/${invoice.id}/sat-check`, {});
            await show();
          } catch (error) {
            showError(message, error);
            button.disabled = false;
          }
        },
      });
      cell.append(" ", button, message);
    }
    return cell;
  }

  async function showInvoices() {
    const page = await api.get(`/v1/operator/invoices?insurer_id=${encodeURIComponent(insurer.value)}`);
    if (!page.items.length) {
      invoicesHolder.replaceChildren(el("p", { class: "meta", text: "No hay facturas de prestadores." }));
      return;
    }
    invoicesHolder.replaceChildren(el("table", { class: "prov-table" },
      el("thead", {}, el("tr", {}, ...["Folio fiscal", "Subida", "Órdenes", "Total", "Estado", "SAT", "Pago"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...page.items.map((invoice) => {
        const sat = satCell(invoice);
        return el("tr", { "data-invoice": invoice.id },
        el("td", { text: invoice.uuid || "—" }),
        el("td", { text: mediumDate(invoice.created_at) }),
        el("td", { class: "num", text: String(invoice.care_order_ids.length) }),
        el("td", { class: "num", text: money(invoice.total) }),
        el("td", {}, badge(invoice.status, INVOICE_STATUS)),
        sat,
        el("td", {}, invoice.status === "aceptada" ? payForm(invoice, sat)
          : invoice.payment ? el("span", { text: `${money(invoice.payment.amount)} el ${mediumDate(invoice.payment.paid_on)}` }) : el("span", { text: "—" })));
      }))));
  }

  async function showOrders() {
    const page = await api.get(`/v1/operator/care-orders?insurer_id=${encodeURIComponent(insurer.value)}&limit=50`);
    if (!page.items.length) {
      ordersHolder.replaceChildren(el("p", { class: "meta", text: "No hay órdenes cargadas." }));
      return;
    }
    ordersHolder.replaceChildren(el("table", { class: "prov-table" },
      el("thead", {}, el("tr", {}, ...["Cuenta", "Paciente", "Fecha", "Monto", "A facturar", "Estado"].map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, ...page.items.map((order) => el("tr", {},
        el("td", { text: order.account_number }),
        el("td", { text: order.patient_name }),
        el("td", { text: mediumDate(order.date) }),
        el("td", { class: "num", text: money(order.amount) }),
        el("td", { class: "num", text: money(order.amount_to_invoice) }),
        el("td", {}, badge(order.status, ORDER_STATUS)))))));
  }

  async function show() {
    try {
      await Promise.all([showInvoices(), showOrders()]);
    } catch (error) {
      showError(alert, error);
    }
  }

  bindForm(form, (values) => api.post("/v1/operator/care-orders", {
    insurer_id: insurer.value,
    provider_rfc: values.provider_rfc || "",
    orders: [{
      ...careOrderFields(values),
      insured_signature: values.insured_signature,
      doctor_signature: values.doctor_signature,
    }],
  }), async (result) => {
    const [order] = result.items;
    showSuccess(loaded, `Orden ${order.account_number} cargada: el prestador facturará ${money(order.amount_to_invoice)}.`);
    form.reset();
    form.date.value = new Date().toISOString().slice(0, 10);
    await show();
  });

  insurer.addEventListener("change", show);
  (async () => {
    try {
      const me = await myProfile();
      me.insurers.forEach((id, index) => insurer.add(new Option(me.insurer_names[index] || id, id)));
      await show();
    } catch (error) {
      showError(alert, error);
    }
  })();
}
