// One invoice: its validation (every rule it broke), the payment, and the payment complement
// the provider uploads once the insurer has paid.
import { api, ApiError, clearError, showError } from "/js/api.js";
import { dataParts, el, uploadToSlot } from "/js/dom.js";
import { mediumDate, money } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import {
  INVOICE_STATUS, badge, fileSpec, pageId, progressIn, reasonList, satStatus, showRejection, waitFor,
} from "/js/providers.js";
import { requireSession } from "/js/session.js";

if (requireSession(["prestador"])) {
  const id = pageId() || "";
  const form = document.getElementById("complement-form");
  const {
    invoice: holder, error: alert, complementSection: section, progress, verdict,
  } = dataParts();

  async function show() {
    try {
      const invoice = await api.get(`/v1/invoices/${encodeURIComponent(id)}`);
      const parts = [el("dl", { class: "data card" },
        el("dt", { text: "Estado" }), el("dd", { "data-status": invoice.status }, badge(invoice.status, INVOICE_STATUS)),
        el("dt", { text: "Folio fiscal (UUID)" }), el("dd", { text: invoice.uuid || "—" }),
        el("dt", { text: "Estado en el SAT" }), el("dd", { "data-sat": "" }, satStatus(invoice)),
        el("dt", { text: "SubTotal esperado" }), el("dd", { text: money(invoice.subtotal) }),
        el("dt", { text: "Total esperado" }), el("dd", { text: money(invoice.total) }),
        el("dt", { text: "Órdenes" }), el("dd", {}, ...invoice.care_order_ids.map((orderId, index) =>
          el("a", { href: `/prestadores/orden.html?id=${orderId}`, text: `${index ? " · " : ""}Orden ${index + 1}` }))),
        el("dt", { text: "Subida" }), el("dd", { text: mediumDate(invoice.created_at) }))];
      if (invoice.status === "rechazada") {
        parts.push(el("div", { class: "alert alert-error", role: "alert" },
          el("p", { text: "La factura no se aceptó por lo siguiente. Corrígelo, genera de nuevo el CFDI y súbelo desde Mis órdenes:" }),
          reasonList(invoice.reasons)));
      }
      if (invoice.payment) {
        parts.push(el("section", { class: "card" }, el("h2", { text: "Pago" }),
          el("p", { text: `Pagada el ${mediumDate(invoice.payment.paid_on)} por ${money(invoice.payment.amount)}. Estado en el SAT al pagarla: ${invoice.payment.sat_status}.` })));
      }
      if (invoice.complement) {
        const labels = { pendiente: "En revisión", aceptado: "Aceptado", rechazado: "Rechazado" };
        const box = el("section", { class: "card", "data-complement": invoice.complement.status },
          el("h2", { text: "Tu complemento de pago" }), el("p", {}, badge(invoice.complement.status, labels)),
          ...(invoice.complement.status === "aceptado"
            ? [el("p", { "data-complement-sat": "" }, "Estado en el SAT: ", satStatus(invoice.complement))] : []));
        if (invoice.complement.reasons.length) box.append(reasonList(invoice.complement.reasons));
        parts.push(box);
      }
      holder.replaceChildren(...parts);
      section.hidden = invoice.status !== "pagada" && verdict.hidden;
      form.hidden = invoice.status !== "pagada";
      return invoice;
    } catch (error) {
      holder.replaceChildren();
      showError(alert, error);
      return null;
    }
  }

  bindForm(form, async () => {
    const file = form.elements.file.files[0];
    if (!file) {
      throw new ApiError(422, "validation_error", "Elige el XML del complemento de pago.",
        [{ field: "file", code: "missing", message: "Elige el XML del complemento de pago." }]);
    }
    clearError(verdict);
    const answer = await api.post(`/v1/invoices/${encodeURIComponent(id)}/payment-complement`, { file: fileSpec(file) });
    await uploadToSlot(answer.slot, file, progressIn(progress, file.name));
    return waitFor(`/v1/invoices/${encodeURIComponent(id)}`,
      (i) => i.complement && i.complement.document_id === answer.slot.document_id && i.complement.status !== "pendiente");
  }, async (invoice) => {
    progress.hidden = true;
    if (invoice.complement && invoice.complement.status === "aceptado") {
      showSuccess(verdict, "¡Complemento recibido! Esta factura quedó completa.");
    } else if (invoice.complement && invoice.complement.status === "rechazado") {
      showRejection(verdict, "El complemento no se aceptó:", invoice.complement.reasons);
    }
    form.reset();
    await show();
  });

  show();
}
