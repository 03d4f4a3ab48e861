// Operadores: load a transactions CSV in batches of 1,000 and run the settlement by hand.
import { api } from "/js/api.js";
import { dataParts, el } from "/js/dom.js";
import { numericDate } from "/js/format.js";
import { clearFormErrors, fieldError, showFormErrors } from "/js/forms.js";
import { requireSession } from "/js/session.js";
import { table } from "/js/settlement.js";

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
      if (run.finished) return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

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
