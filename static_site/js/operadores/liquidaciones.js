// Operadores: load a transactions CSV in batches of 1,000 and run the settlement by hand.
import { api } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { clp, dateTime, numericDate } from "/js/format.js";
import { clearFormErrors, fieldError, showFormErrors } from "/js/forms.js";
import { requireSession } from "/js/session.js";
import { empty, pagedTable, table } from "/js/settlement.js";

const BATCH = 1000;

// A small CSV reader (quotes, commas or semicolons) for the documented header.
function parseCsv(text) {
  const clean = text.replace(/^\uFEFF/, "");
  const firstLine = clean.split(/\r?\n/, 1)[0];
  const delimiter = (firstLine.match(/;/g) || []).length > (firstLine.match(/,/g) || []).length ? ";" : ",";
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < clean.length; i += 1) {
    const c = clean[i];
    if (quoted) {
      if (c === "\"" && clean[i + 1] === "\"") { field += "\""; i += 1; }
      else if (c === "\"") quoted = false;
      else field += c;
    } else if (c === "\"") quoted = true;
    else if (c === delimiter) { row.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && clean[i + 1] === "\n") i += 1;
      row.push(field); rows.push(row); row = []; field = "";
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  const header = (rows.shift() || []).map((h) => h.trim().toLowerCase());
  return rows.filter((r) => r.some((v) => v.trim())).map((r) => Object.fromEntries(header.map((h, i) => [h, (r[i] || "").trim()])));
}

function toItem(row) {
  const item = { kind: row.tipo.toLowerCase(), id: row.id_transaccion, provider_rut: row.rut_prestador, occurred_at: row.fecha, place: row.lugar || "" };
  if (item.kind === "bono") {
    Object.assign(item, {
      total_value: row.valor_total, payer_contribution: row.aporte_financiador,
      insurer_contribution: row.aporte_seguro, copay: row.copago,
      insurer: row.aseguradora || "", payer: row.financiador || "",
    });
  } else {
    Object.assign(item, {
      card_amount: row.monto, installments: row.cuotas, issuer_commission: row.comision_emisor,
      transaction_cost: row.costo || "0", issuer_answer: row.respuesta_emisor,
    });
  }
  return item;
}

if (requireSession(["operador"])) {
  const loadForm = document.getElementById("load-form");
  const runForm = document.getElementById("run-form");
  const { error: alert, loadResult: result, run: runStatus } = dataParts();

  loadForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.hidden = true;
    clearFormErrors(loadForm);
    const file = loadForm.file.files[0];
    if (!file) {
      showFormErrors(loadForm, fieldError("file", "Elige el archivo CSV de transacciones."));
      return;
    }
    const button = loadForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const rows = parseCsv(await file.text());
      let accepted = 0;
      const rejected = [];
      for (let start = 0; start < rows.length; start += BATCH) {
        const answer = await api.post("/v1/operator/transactions", { items: rows.slice(start, start + BATCH).map(toItem) });
        accepted += answer.accepted;
        for (const r of answer.rejected) rejected.push({ ...r, line: start + r.index + 2 });
      }
      const summary = el("p", {
        class: "alert alert-success",
        role: "status",
        text: `Transacciones cargadas: ${accepted.toLocaleString("es-CL")} de ${rows.length.toLocaleString("es-CL")}.`
          + (rejected.length ? ` Filas rechazadas: ${rejected.length}.` : ""),
      });
      const parts = [summary];
      if (rejected.length) {
        parts.push(table([
          { label: "Línea", value: (r) => String(r.line), num: true },
          { label: "Código", value: (r) => r.code },
          { label: "Motivo", value: (r) => r.message },
        ], rejected.slice(0, 200)));
      }
      result.replaceChildren(...parts);
    } catch (error) {
      showFormErrors(loadForm, error);
    } finally {
      button.disabled = false;
    }
  });

  async function follow(runId) {
    for (;;) {
      const run = await api.get(`/v1/operator/settlements/runs/${runId}`);
      runStatus.className = `alert ${run.finished ? "alert-success" : ""}`;
      runStatus.textContent = run.finished
        ? `Liquidación terminada (periodo hasta el ${numericDate(run.period_end)}). Prestadores liquidados: ${run.settled} de ${run.providers} con transacciones pendientes.`
        : `Liquidando… ${run.done} de ${run.providers} prestadores.`;
      if (run.finished && run.not_settled.length) {
        // Why each provider of the run was left without a settlement.
        runStatus.append(el("p", { text: "Prestadores sin liquidar en esta ejecución:" }),
          el("ul", { "data-not-settled": true }, ...run.not_settled.map((provider) =>
            el("li", { "data-rut": provider.rut }, el("strong", { text: `RUT ${provider.rut}` }), `: ${provider.message}`))));
      }
      if (run.finished) {
        await showRunSettlements(runId);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  // The settlements the run made, to check it against the loaded transactions.
  async function showRunSettlements(runId) {
    const holder = document.querySelector("[data-run-settlements]");
    const answer = await api.get(`/v1/operator/settlements/runs/${encodeURIComponent(runId)}/settlements?limit=100`);
    holder.replaceChildren(el("h3", { text: "Liquidaciones de esta ejecución" }), answer.items.length ? table([
      { label: "Folio", value: (s) => s.folio },
      { label: "RUT prestador", value: (s) => s.provider_rut },
      { label: "Transacciones", value: (s) => String(s.transactions), num: true },
      { label: "Seguros", value: (s) => clp(s.insurer_credit), num: true },
      { label: "Tarjetas", value: (s) => clp(s.card_credit), num: true },
      { label: "Total", value: (s) => clp(s.total), num: true },
      { label: "Fecha de pago", value: (s) => numericDate(s.paid_on) },
    ], answer.items) : empty("Esta ejecución no hizo liquidaciones."));
  }

  // The transactions CSV template: the imports' template of the same columns.
  const templateStatus = document.querySelector("[data-template-link]");
  for (const button of document.querySelectorAll("[data-template]")) {
    button.addEventListener("click", async () => {
      const format = button.dataset.template;
      try {
        const file = await api.get(`/v1/operator/imports/templates/transacciones?format=${format}`);
        templateStatus.replaceChildren(
          el("span", { text: `Plantilla lista; descárgala antes del ${dateTime(file.expires_at)}: ` }),
          el("a", { href: file.url, rel: "noopener", "data-template-file": format, text: `plantilla-transacciones.${format}` }),
        );
      } catch (error) {
        showFormErrors(loadForm, error);
      }
    });
  }

  // A provider's loaded transactions between two days, page by page.
  const txForm = document.getElementById("transactions-form");
  const txHolder = document.querySelector("[data-transactions]");
  const txMore = document.querySelector("[data-more-transactions]");
  const txTable = pagedTable(txHolder, [
    { label: "Transacción", value: (t) => t.id },
    { label: "Tipo", value: (t) => (t.kind === "bono" ? "Bono" : "Tarjeta") },
    { label: "Fecha", value: (t) => numericDate(t.occurred_on) },
    { label: "Lugar", value: (t) => t.place || "—" },
    { label: "Monto", value: (t) => clp(t.amount), num: true },
    { label: "Crédito", value: (t) => clp(t.credit), num: true },
    { label: "Estado", value: (t) => (t.status === "liquidada" ? `Liquidada (${t.folio})` : "Pendiente") },
  ], "No hay transacciones de ese prestador en esas fechas.");
  const today = new Date();
  txForm.to.value = today.toISOString().slice(0, 10);
  txForm.from.value = new Date(today.getTime() - 30 * 86400000).toISOString().slice(0, 10);
  let txCursor = null;

  async function loadTransactions(first) {
    if (first) {
      txCursor = null;
      txTable.restart();
    }
    const params = new URLSearchParams({ provider: txForm.provider.value.trim(), from: txForm.from.value, to: txForm.to.value, limit: "200" });
    if (txCursor) params.set("cursor", txCursor);
    const page = await api.get(`/v1/operator/transactions?${params}`);
    txTable.append(page.items);
    txCursor = page.next_cursor;
    txMore.hidden = !txCursor;
  }

  txForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearFormErrors(txForm);
    if (!txForm.provider.value.trim()) {
      showFormErrors(txForm, fieldError("provider", "Escribe el RUT del prestador."));
      return;
    }
    try {
      await loadTransactions(true);
    } catch (error) {
      txHolder.replaceChildren();
      showFormErrors(txForm, error);
    }
  });
  txMore.addEventListener("click", () => loadTransactions(false).catch((error) => showFormErrors(txForm, error)));

  runForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    alert.hidden = true;
    clearFormErrors(runForm);
    const button = runForm.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const body = runForm.period_end.value ? { period_end: runForm.period_end.value } : {};
      const started = await api.post("/v1/operator/settlements/run", body);
      runStatus.textContent = `Liquidación iniciada para ${started.providers} prestadores…`;
      await follow(started.run_id);
    } catch (error) {
      showFormErrors(runForm, error);
    } finally {
      button.disabled = false;
    }
  });
}
