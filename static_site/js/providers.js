// Shared pieces of the provider pages (Mexico): labels, badges, upload progress, and waiting
// for the validation of an uploaded file.
import { api } from "/js/api.js";
import { el } from "/js/dom.js";
import { dateTime } from "/js/format.js";

export const ORDER_STATUS = {
  registrada: "Por facturar",
  factura_validada: "Factura validada",
  pagada: "Pagada",
  complemento_pendiente: "Pagada · complemento pendiente",
  complemento_recibido: "Completa",
};
export const INVOICE_STATUS = {
  en_validacion: "En validación",
  aceptada: "Aceptada",
  rechazada: "Rechazada",
  pagada: "Pagada · falta el complemento de pago",
  complemento_recibido: "Pagada · complemento recibido",
};
export const BANK_STATUS = {
  sin_registrar: "Sin registrar",
  en_validacion: "En validación",
  activa: "Activa",
  rechazada: "Rechazada",
};
export const SERVICE = { consulta: "Consulta", honorarios_quirurgicos: "Honorarios quirúrgicos" };

// SAT's last answer about an invoice and when it was asked ("Vigente · consultado el …"); an
// issuer on SAT's 69-B list is said plainly, since it blocks the payment.
export function satStatus(invoice) {
  const sat = invoice.sat;
  if (!sat) {
    return el("span", { "data-sat-status": "sin_consultar", text: invoice.status === "rechazada" ? "—" : "Aún no consultado" });
  }
  const tone = { vigente: "aceptada", cancelado: "rechazada" }[sat.status] || "en_validacion";
  const parts = [el("span", { class: `prov-badge prov-${tone}`, text: sat.label }),
    el("span", { class: "meta", text: ` · consultado el ${dateTime(sat.checked_at)}` })];
  if (sat.issuer_listed) {
    parts.push(el("p", { class: "alert alert-error", text: "El SAT reporta al emisor en la lista del artículo 69-B (operaciones presuntamente inexistentes): no se puede pagar." }));
  }
  return el("span", { "data-sat-status": sat.status }, ...parts);
}

export function badge(status, labels) {
  return el("span", { class: `prov-badge prov-${status}`, text: labels[status] || status });
}

// The id of the record a page shows: ?id=… or #id=… (links in emails use the fragment).
export function pageId() {
  const query = new URLSearchParams(window.location.search).get("id");
  if (query) return query;
  return new URLSearchParams(window.location.hash.slice(1)).get("id");
}

// A list of reasons (code + Spanish message) as the person reads them.
export function reasonList(reasons) {
  return el("ul", { class: "prov-reasons" },
    ...reasons.map((reason) => el("li", { "data-code": reason.code, text: reason.message })));
}

// A file the checks refused, in `container` as an alert: what happened, each reason, then
// `after` (a link to the record, say).
export function showRejection(container, message, reasons, ...after) {
  container.replaceChildren(el("p", { text: message }), reasonList(reasons), ...after);
  container.className = "alert alert-error";
  container.setAttribute("role", "alert");
  container.hidden = false;
}

// Polls `path` until `done(result)` or `seconds` pass; answers the last result.
export async function waitFor(path, done, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  let result = await api.get(path);
  while (!done(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 700));
    result = await api.get(path);
  }
  return result;
}

// A progress bar with its label inside `holder`; answers the function that moves it.
export function progressIn(holder, fileName) {
  const bar = el("progress", { max: "100", value: "0", "aria-label": `Subiendo ${fileName}` });
  const text = el("span", { text: `Subiendo ${fileName}…` });
  holder.replaceChildren(el("div", { class: "prov-progress" }, text, bar));
  holder.hidden = false;
  return (percent) => {
    bar.value = percent;
    if (percent >= 100) text.textContent = `${fileName}: recibido. Lo estamos revisando…`;
  };
}

// A care order as the API takes it, from the fields of an order form (amounts in pesos).
export function careOrderFields(values) {
  return {
    account_number: values.account_number || "",
    patient_name: values.patient_name || "",
    service: values.service,
    date: values.date || "",
    amount: { amount: values.amount || "", currency: "MXN" },
    coinsurance: { amount: values.coinsurance || "0.00", currency: "MXN" },
  };
}

export function fileSpec(file) {
  return { name: file.name, size: file.size, content_type: file.type || "" };
}
