// Shared helpers of the settlement pages: tables and downloads (pesos and dates: format.js).
import { api } from "/js/api.js";

export const MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
  "agosto", "septiembre", "octubre", "noviembre", "diciembre"];

export const STATUS = { pendiente: "Pendiente de pago", pagado: "Pagada" };

// Builds a table: `columns` are [{label, value(row) → string | Node, num?}].
export function table(columns, rows, footer = null) {
  const element = document.createElement("table");
  element.className = "data-table";
  const head = element.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = column.label;
    if (column.num) th.className = "num";
    head.append(th);
  }
  const body = element.createTBody();
  for (const row of rows) appendRow(body, columns, row);
  if (footer) {
    const foot = element.createTFoot().insertRow();
    for (const [index, column] of columns.entries()) {
      const cell = foot.insertCell();
      const value = footer[index] ?? "";
      cell.textContent = value;
      if (column.num) cell.className = "num";
    }
  }
  const wrap = document.createElement("div");
  wrap.className = "table-wrap";
  // A wide table scrolls sideways: the keyboard reaches it to scroll with the arrows.
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", element.caption?.textContent || "Tabla desplazable");
  wrap.append(element);
  return wrap;
}

export function appendRow(body, columns, row) {
  const tr = body.insertRow();
  for (const column of columns) {
    const cell = tr.insertCell();
    const value = column.value(row);
    if (value instanceof Node) cell.append(value);
    else cell.textContent = value ?? "—";
    if (column.num) cell.className = "num";
  }
}

export function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

export function empty(text) {
  const p = document.createElement("p");
  p.className = "meta";
  p.textContent = text;
  return p;
}

// Asks the API for a report file and starts its download (the answer is {url, expires_at}).
export async function download(path) {
  const file = await api.get(path);
  const a = document.createElement("a");
  a.href = file.url;
  a.rel = "noopener";
  document.body.append(a);
  a.click();
  a.remove();
  return file;
}
