// Shows a payment reference as a printable slip: amount, expiry, barcode and instructions.
import { el } from "/js/dom.js";
import { longDateTime, moneyWithCurrency } from "/js/format.js";

export const STATUS_LABELS = {
  pendiente: "Pendiente del primer pago",
  al_corriente: "Al corriente",
  vencida: "Vencida",
};

export function badge(status, label) {
  return el("span", { class: "badge", "data-status": status, text: label || STATUS_LABELS[status] || status });
}

export function renderSlip(container, result) {
  container.replaceChildren();
  const slip = el("article", { class: "slip" });
  slip.dataset.reference = result.reference;
  const where = result.method === "tienda" ? "en tienda de conveniencia" : "en banco";
  slip.append(el("h2", { text: `Referencia para pagar ${where}` }));
  slip.append(el("p", { text: result.reference_display, class: "reference" }));
  slip.append(el("img", {
    class: "barcode",
    alt: `Código de barras de la referencia ${result.reference}`,
    src: URL.createObjectURL(new Blob([result.barcode_svg], { type: "image/svg+xml" })),
  }));
  const facts = el("dl", { class: "data" });
  const rows = [
    ["Monto a pagar", moneyWithCurrency(result.amount)],
    ["Meses que cubre", String(result.months)],
    ["Paga antes del", longDateTime(result.expires_at)],
  ];
  for (const [label, value] of rows) facts.append(el("dt", { text: label }), el("dd", { text: value }));
  slip.append(facts);
  const steps = el("ol");
  for (const line of result.instructions) steps.append(el("li", { text: line }));
  slip.append(el("h3", { text: "Cómo pagar" }), steps);
  const print = el("button", { text: "Imprimir referencia", class: "secondary no-print" });
  print.type = "button";
  print.addEventListener("click", () => window.print());
  container.append(slip, print);
  container.hidden = false;
}
