// Shows a payment reference as a printable slip: amount, expiry, barcode and instructions.
const MONEY = new Intl.NumberFormat("es-MX", { style: "currency", currency: "MXN" });
const WHEN = new Intl.DateTimeFormat("es-MX", {
  dateStyle: "long", timeStyle: "short", timeZone: "America/Mexico_City",
});

export function formatMoney(money) {
  return `${MONEY.format(Number(money.amount))} ${money.currency}`;
}

export function formatDate(isoDate) {
  const [year, month, day] = isoDate.split("-").map(Number);
  return new Intl.DateTimeFormat("es-MX", { dateStyle: "long", timeZone: "UTC" })
    .format(new Date(Date.UTC(year, month - 1, day)));
}

export const STATUS_LABELS = {
  pendiente: "Pendiente del primer pago",
  al_corriente: "Al corriente",
  vencida: "Vencida",
};

export function badge(status, label) {
  const element = document.createElement("span");
  element.className = "badge";
  element.dataset.status = status;
  element.textContent = label || STATUS_LABELS[status] || status;
  return element;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

export function renderSlip(container, result) {
  container.replaceChildren();
  const slip = element("article", undefined, "slip");
  slip.dataset.reference = result.reference;
  const where = result.method === "tienda" ? "en tienda de conveniencia" : "en banco";
  slip.append(element("h2", `Referencia para pagar ${where}`));
  slip.append(element("p", result.reference_display, "reference"));
  const image = document.createElement("img");
  image.className = "barcode";
  image.alt = `Código de barras de la referencia ${result.reference}`;
  image.src = URL.createObjectURL(new Blob([result.barcode_svg], { type: "image/svg+xml" }));
  slip.append(image);
  const facts = element("dl", undefined, "data");
  const rows = [
    ["Monto a pagar", formatMoney(result.amount)],
    ["Meses que cubre", String(result.months)],
    ["Paga antes del", WHEN.format(new Date(result.expires_at))],
  ];
  for (const [label, value] of rows) facts.append(element("dt", label), element("dd", value));
  slip.append(facts);
  const steps = element("ol");
  for (const line of result.instructions) steps.append(element("li", line));
  slip.append(element("h3", "Cómo pagar"), steps);
  const print = element("button", "Imprimir referencia", "secondary no-print");
  print.type = "button";
  print.addEventListener("click", () => window.print());
  container.append(slip, print);
  container.hidden = false;
}
