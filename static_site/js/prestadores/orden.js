// One care order and its payment detail, shown as the insurer's portal shows it: the amount
// of the payment detail, the retention of the provider's regime, and "el monto a facturar".
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { mediumDate, money } from "/js/format.js";
import { ORDER_STATUS, SERVICE, badge, pageId, reasonList } from "/js/providers.js";
import { requireSession } from "/js/session.js";

if (requireSession(["prestador", "operador"])) {
  const holder = document.querySelector("[data-order]");
  const alert = document.querySelector("[data-error]");

  async function formatLink(order) {
    try {
      const link = await api.get(`/v1/care-orders/${order.id}/format`);
      window.location.assign(link.url);
    } catch (error) {
      showError(alert, error);
    }
  }

  async function show() {
    try {
      const order = await api.get(`/v1/care-orders/${encodeURIComponent(pageId() || "")}`);
      document.querySelector("[data-account]").textContent = order.account_number;
      const retention = order.retention;
      const lines = retention.lines.map((line) => el("tr", {},
        el("td", { text: `Retención de ${line.label}` }), el("td", { class: "num", text: `− ${money(line.amount)}` })));
      const iva = retention.iva === "gravado"
        ? el("tr", {}, el("td", { text: "IVA trasladado 16%" }), el("td", { class: "num", text: `+ ${money(retention.iva_transferred)}` }))
        : el("tr", {}, el("td", { text: "IVA" }), el("td", { class: "num", text: "Exento" }));
      const parts = [
        el("section", { class: "card" },
          el("h2", { text: "Datos de la orden" }),
          el("dl", { class: "data" },
            el("dt", { text: "Cuenta" }), el("dd", { text: order.account_number }),
            el("dt", { text: "Paciente" }), el("dd", { text: order.patient_name }),
            el("dt", { text: "Servicio" }), el("dd", { text: SERVICE[order.service] || order.service }),
            el("dt", { text: "Fecha" }), el("dd", { text: mediumDate(order.date) }),
            el("dt", { text: "Tipo" }), el("dd", { text: order.kind === "digital" ? "Digital" : "Tradicional" }),
            el("dt", { text: "Estado" }), el("dd", {}, badge(order.status, ORDER_STATUS)),
            order.kind === "digital" ? el("dt", { text: "Firmas digitales" }) : null,
            order.kind === "digital" ? el("dd", { text: order.insured_signed && order.doctor_signed ? "Asegurado y médico" : "Incompletas" }) : null)),
        el("section", { class: "card", "aria-labelledby": "detalle-title" },
          el("h2", { id: "detalle-title", text: "Detalle de pago" }),
          el("table", { class: "prov-table" },
            el("tbody", {},
              el("tr", {}, el("td", { text: "Monto del detalle de pago (lo que paga la aseguradora)" }), el("td", { class: "num", text: money(order.amount) })),
              iva,
              ...lines),
            el("tfoot", {}, el("tr", {}, el("td", { text: "El monto a facturar" }), el("td", { class: "num", "data-to-invoice": "", text: money(order.amount_to_invoice) })))),
          el("p", { class: "hint", text: `Coaseguro que el asegurado te pagó en la consulta: ${money(order.coinsurance)} (no se factura a la aseguradora).` }),
          el("p", { "data-explanation": "", text: retention.explanation }),
          el("p", { class: "hint", text: `Tabla de retenciones versión ${retention.table_version}, vigente desde ${mediumDate(retention.table_valid_from)}.` })),
      ];
      if (order.format) {
        const format = el("section", { class: "card" }, el("h2", { text: "Formato de la orden" }),
          el("p", {}, badge(order.format.status, { pendiente: "En revisión", aceptado: "Listo", rechazado: "Rechazado" })));
        if (order.format.reasons.length) format.append(reasonList(order.format.reasons));
        if (order.format.merged) {
          format.append(el("button", { type: "button", class: "secondary", text: "Descargar el formato en PDF", onclick: () => formatLink(order) }));
        }
        parts.push(format);
      }
      if (order.invoice_id) {
        parts.push(el("p", {}, el("a", { href: `/prestadores/factura.html?id=${order.invoice_id}`, text: "Ver la factura de esta orden" })));
      }
      holder.replaceChildren(...parts);
    } catch (error) {
      holder.replaceChildren();
      showError(alert, error);
    }
  }

  show();
}
