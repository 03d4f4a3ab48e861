// Datos de pago y facturas: the provider's data, bank account and the platform's invoices.
import { api, showError } from "/js/api.js";
import { el } from "/js/dom.js";
import { clp, numericDate } from "/js/format.js";
import { requireSession } from "/js/session.js";
import { empty, table } from "/js/settlement.js";

const TYPES = {
  mensualidad: "Mensualidad",
  transacciones_lme: "Transacciones de licencias (LME)",
  comision: "Comisión",
};

if (requireSession(["prestador"])) {
  const alert = document.querySelector("[data-error]");
  const form = document.getElementById("year-form");
  const thisYear = new Date().getFullYear();
  for (let year = thisYear; year >= thisYear - 4; year -= 1) form.year.add(new Option(String(year), String(year)));

  async function showAccount() {
    const account = await api.get("/v1/provider/account");
    const bank = account.bank_account;
    const pairs = [
      ["Razón social", account.full_name],
      ["RUT", account.rut],
      ["Correo", account.email],
      ["Teléfono", account.phone || "—"],
      ["Banco", bank ? bank.bank : "Sin cuenta registrada"],
      ["Tipo de cuenta", bank ? bank.account_type : "—"],
      ["Número de cuenta", bank ? bank.number_masked : "—"],
      ["Titular", bank ? bank.holder : "—"],
    ];
    const list = document.querySelector("[data-account]");
    list.replaceChildren();
    for (const [term, value] of pairs) list.append(el("dt", { text: term }), el("dd", { text: value }));
  }

  async function showInvoices() {
    alert.hidden = true;
    try {
      const result = await api.get(`/v1/provider/platform-invoices?year=${form.year.value}`);
      document.querySelector("[data-invoices]").replaceChildren(result.items.length ? table([
        { label: "Tipo", value: (i) => TYPES[i.type] || i.type },
        { label: "Folio", value: (i) => i.folio },
        { label: "Emisión", value: (i) => numericDate(i.issued_on) },
        { label: "Vencimiento", value: (i) => numericDate(i.due_on) },
        { label: "Total", value: (i) => clp(i.total), num: true },
        { label: "Saldo", value: (i) => clp(i.balance), num: true },
        { label: "Estado", value: (i) => (i.status === "pagada" ? "Pagada" : "Pendiente") },
        { label: "Pagable", value: (i) => (i.payable ? "Sí" : "No (se descuenta)") },
        {
          label: "Detalle",
          value: (i) => el("button", {
            type: "button", class: "secondary small-button", text: "Ver detalle",
            "aria-label": `Ver detalle de la factura ${i.folio}`, onclick: () => showInvoice(i),
          }),
        },
      ], result.items) : empty("No hay facturas en este año."));
    } catch (error) {
      showError(alert, error);
    }
  }

  // One invoice's detail below the table: paid, balance, due date and how it is paid.
  async function showInvoice(invoice) {
    const box = document.querySelector("[data-invoice-detail]");
    try {
      const params = new URLSearchParams({ issued_on: invoice.issued_on });
      const d = await api.get(`/v1/provider/platform-invoices/${encodeURIComponent(invoice.folio)}?${params}`);
      const facts = document.querySelector("[data-invoice-facts]");
      facts.replaceChildren();
      const status = d.status === "pagada" ? "Pagada" : (d.overdue ? `Vencida hace ${d.days_overdue} días` : "Pendiente");
      for (const [term, value] of [
        ["Folio", d.folio],
        ["Concepto", d.type_label],
        ["Emisión", numericDate(d.issued_on)],
        ["Vencimiento", numericDate(d.due_on)],
        ["Total", clp(d.total)],
        ["Pagado", clp(d.paid)],
        ["Saldo", clp(d.balance)],
        ["Estado", status],
        ["Cómo se paga", d.how_paid],
      ]) facts.append(el("dt", { text: term }), el("dd", { text: value }));
      box.hidden = false;
      box.focus();
    } catch (error) {
      showError(alert, error);
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); showInvoices(); });
  showAccount().catch((error) => showError(alert, error));
  showInvoices();
}
