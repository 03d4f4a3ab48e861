// Shared helpers of the settlement pages: tables and downloads (pesos and dates: format.js).
import { api } from "/js/api.js";
import { el } from "/js/dom.js";
import { useCountryClock } from "/js/format.js";

// The settlement pages are of Chilean providers and their operator: moments on Santiago's clock.
useCountryClock("CL");

export const MONTHS = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
  "agosto", "septiembre", "octubre", "noviembre", "diciembre"];

export const STATUS = { pendiente: "Pendiente de pago", pagado: "Pagada" };

// Builds a table: `columns` are [{label, value(row) → string | Node, num?}]. A table of many
// columns is set denser; on a phone every table stacks each row as label–value lines (each
// cell carries its column's label).
export function table(columns, rows, footer = null) {
  const element = el("table", { class: `data-table stack${columns.length > 7 ? " dense" : ""}` });
  const head = element.createTHead().insertRow();
  for (const column of columns) {
    head.append(el("th", { scope: "col", text: column.label, class: column.num ? "num" : null }));
  }
  const body = element.createTBody();
  for (const row of rows) appendRow(body, columns, row);
  if (footer) {
    const foot = element.createTFoot().insertRow();
    for (const [index, column] of columns.entries()) {
      const cell = foot.insertCell();
      const value = footer[index] ?? "";
      cell.textContent = value;
      cell.dataset.label = column.label;
      if (column.num) cell.className = "num";
      if (value === "") cell.classList.add("empty");
    }
  }
  // A wide table scrolls sideways: the keyboard reaches it to scroll with the arrows.
  return el("div", {
    class: "table-wrap",
    tabindex: "0",
    role: "region",
    "aria-label": element.caption?.textContent || "Tabla desplazable",
  }, element);
}

function appendRow(body, columns, row) {
  const tr = body.insertRow();
  for (const column of columns) {
    const cell = tr.insertCell();
    cell.dataset.label = column.label;
    const value = column.value(row);
    if (value instanceof Node) cell.append(value);
    else cell.textContent = value ?? "—";
    if (column.num) cell.className = "num";
  }
}

// A table filled page by page into `holder`: append() adds a page's rows (the table is drawn
// with the first page; `emptyText` stands instead while it has no row), restart() begins anew.
export function pagedTable(holder, columns, emptyText) {
  let body = null;
  return {
    restart() {
      body = null;
    },
    append(rows) {
      if (!body) {
        const wrap = table(columns, []);
        body = wrap.querySelector("tbody");
        holder.replaceChildren(wrap);
      }
      for (const row of rows) appendRow(body, columns, row);
      if (!body.rows.length) holder.replaceChildren(empty(emptyText));
    },
  };
}

export function link(href, text) {
  return el("a", { href, text });
}

export function empty(text) {
  return el("p", { class: "meta", text });
}

// Asks the API for a report file and starts its download (the answer is {url, expires_at}).
export async function download(path) {
  const file = await api.get(path);
  const a = el("a", { href: file.url, rel: "noopener" });
  document.body.append(a);
  a.click();
  a.remove();
  return file;
}
