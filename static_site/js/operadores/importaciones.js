// Operators (administración or finanzas): the insurer's files imported from CSV or Excel. The
// kinds the person's duties open, their templates, the upload through the import's slot, its
// progress until it ends, the summary, the error report and the reasons a file was refused,
// applying a validated file without uploading it again, and the history of imports.
import { api, ApiError, clearError, myProfile, showError } from "/js/api.js";
import { dataParts, el, uploadToSlot } from "/js/dom.js";
import { dateTime } from "/js/format.js";
import { bindForm, showSuccess } from "/js/forms.js";
import { requireSession } from "/js/session.js";

const POLL_MS = 1500;
const MAX_BYTES = 50 * 1024 * 1024;
const FILE_TYPES = /\.(csv|xlsx)$/i;
const ENDED = ["terminada", "rechazada"];
const STATUS = {
  pendiente: "Esperando el archivo",
  en_proceso: "En proceso",
  terminada: "Terminada",
  rechazada: "Archivo rechazado",
};
const MODE = { validar: "Validación (sin cambios)", aplicar: "Aplicación" };
// What each count means: in a validation, what applying the file would do.
const SUMMARY = {
  aplicar: [["creados", "Creados"], ["actualizados", "Actualizados"], ["sin_cambios", "Sin cambios"], ["rechazados", "Rechazados"]],
  validar: [["creados", "Se crearían"], ["actualizados", "Se actualizarían"], ["sin_cambios", "Sin cambios"], ["rechazados", "Rechazados"]],
};

const session = requireSession(["operador"]);
const form = document.getElementById("import-form");
const parts = dataParts();
const kinds = new Map();
let multipleInsurers = false;
let following = 0;

function count(number) {
  return Number(number || 0).toLocaleString("es-MX");
}

// An operator of several insurers names the one they import for; others have only theirs.
function chosenInsurer() {
  return multipleInsurers && form.insurer_id.value ? form.insurer_id.value : null;
}

function fieldError(field, message) {
  return new ApiError(422, "validation_error", message, [{ field, code: "invalid", message }]);
}

// The API names the file's parts (`file.name`, `file.size`): they all belong beside the file
// field, the only one the person chose them with.
function besideTheFile(error) {
  if (!(error instanceof ApiError)) return error;
  const details = error.details.map((detail) => (
    (detail.field || "").startsWith("file") ? { ...detail, field: "file" } : detail));
  return new ApiError(error.status, error.code, error.message, details, error.correlationId);
}

function kindLabel(name) {
  return kinds.get(name)?.label || name;
}

function showKindHint() {
  const kind = kinds.get(form.kind.value);
  parts.kindHint.textContent = kind
    ? `${kind.description} Columnas: ${[...kind.headers, ...kind.optional].join(", ")}.`
    : "";
  clearError(parts.templateLink);
}

// --- one import: progress, summary, report, reasons -------------------------------------

function progressOf(item) {
  const { rows_read: read, rows_total: total } = item.progress;
  const bar = el("progress", { max: String(total || 100), "aria-label": "Avance de la importación" });
  let text;
  if (item.status === "pendiente") {
    text = "Esperando el archivo…";
  } else if (ENDED.includes(item.status)) {
    bar.value = total || 100;
    text = `Leímos ${count(read)} ${read === 1 ? "fila" : "filas"}.`;
  } else if (total) {
    bar.value = read;
    text = `Leímos ${count(read)} de ${count(total)} filas…`;
  } else {
    text = `Leímos ${count(read)} filas…`;
  }
  return el("div", { class: "prov-progress", "data-progress": item.status },
    el("span", { text }), bar);
}

function summaryOf(item) {
  return el("div", { class: "prov-summary", "data-summary": true },
    ...SUMMARY[item.mode].map(([name, label]) => el("div", { [`data-${name.replace("_", "-")}`]: true },
      el("strong", { text: count(item.summary[name]) }),
      el("span", { text: label }))));
}

function headline(item) {
  const { creados, actualizados, sin_cambios: same, rechazados } = item.summary;
  const valid = creados + actualizados + same;
  if (item.mode === "validar") {
    return `Validamos el archivo: ${count(valid)} ${valid === 1 ? "fila correcta" : "filas correctas"} y ` +
      `${count(rechazados)} con errores. No cambiamos nada todavía.`;
  }
  return `Aplicamos el archivo: ${count(creados)} creados, ${count(actualizados)} actualizados, ` +
    `${count(same)} sin cambios y ${count(rechazados)} rechazados.`;
}

function reportLink(item) {
  if (!item.errors) return null;
  return el("p", {}, el("a", {
    href: item.errors.url, rel: "noopener", "data-report": true,
    text: "Descargar el reporte de errores (CSV: fila, columna, valor y mensaje)",
  }));
}

function reasonsOf(item) {
  if (!item.reasons || !item.reasons.length) return null;
  return el("div", { class: "alert alert-error", role: "alert", "data-reasons": true },
    el("p", { text: "No pudimos leer el archivo; no cambiamos nada:" }),
    el("ul", { class: "prov-reasons" },
      ...item.reasons.map((reason) => el("li", { "data-code": reason.code, text: reason.message }))));
}

function applyButton(item) {
  if (item.mode !== "validar" || item.status !== "terminada") return null;
  const { creados, actualizados } = item.summary;
  const holder = el("div", { "data-apply-holder": true });
  const problem = el("div", { hidden: true });
  const button = el("button", { type: "button", "data-apply": true, text: "Aplicar esta validación" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    clearError(problem);
    try {
      const answer = await api.post(`/v1/operator/imports/${encodeURIComponent(item.id)}/apply`,
        item.insurer_id ? { insurer_id: item.insurer_id } : {});
      await follow(answer.import_id);
    } catch (error) {
      showError(problem, error);
      button.disabled = false;
    }
  });
  const note = item.summary.rechazados
    ? "Las filas con errores no se aplican: corrígelas y sube de nuevo solo esas filas."
    : "Aplicamos el mismo archivo que validaste, sin volver a subirlo.";
  holder.append(
    el("p", { class: "hint", text: `${note} Se crearían ${count(creados)} y se actualizarían ${count(actualizados)} registros.` }),
    el("p", { class: "actions" }, button), problem);
  return holder;
}

function showImport(item) {
  const body = [
    el("p", { class: "meta" },
      el("strong", { text: kindLabel(item.kind) }),
      el("span", { text: ` · ${item.file_name} · ${MODE[item.mode]} · ${dateTime(item.created_at)}` })),
    el("p", {}, el("span", {
      class: `prov-badge prov-${item.status}`, "data-status": item.status, text: STATUS[item.status] || item.status,
    })),
    // A file refused before any row was read has no progress worth showing.
    item.status === "rechazada" && !item.progress.rows_read ? null : progressOf(item),
  ];
  if (item.status === "terminada") {
    body.push(el("p", { "data-headline": true, text: headline(item) }), summaryOf(item), reportLink(item), applyButton(item));
  }
  body.push(reasonsOf(item));
  parts.result.replaceChildren(...body.filter(Boolean));
  parts.result.dataset.importId = item.id;
  parts.result.dataset.status = item.status;
  parts.result.dataset.mode = item.mode;
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// Asks for the import every moment until it ends (a newer one followed replaces it).
async function follow(importId) {
  const mine = ++following;
  parts.current.hidden = false;
  parts.result.replaceChildren(el("p", { class: "meta", text: "Consultando la importación…" }));
  parts.resultTitle.focus();
  try {
    for (;;) {
      const item = await api.get(`/v1/operator/imports/${encodeURIComponent(importId)}`);
      if (mine !== following) return;
      showImport(item);
      if (ENDED.includes(item.status)) break;
      await sleep(POLL_MS);
    }
    await loadHistory();
  } catch (error) {
    if (mine === following) showError(parts.error, error);
  }
}

// --- history -----------------------------------------------------------------------------

function historyItem(item) {
  const summary = item.status === "terminada"
    ? SUMMARY[item.mode].map(([name, label]) => `${label}: ${count(item.summary[name])}`).join(" · ")
    : null;
  const open = el("button", { type: "button", class: "secondary small-button", text: "Ver detalle" });
  open.addEventListener("click", () => follow(item.id));
  return el("li", { class: "card", "data-import": item.id },
    el("h3", { text: `${kindLabel(item.kind)}: ${item.file_name}` }),
    el("p", {},
      el("span", { class: `prov-badge prov-${item.status}`, text: STATUS[item.status] || item.status }),
      el("span", { class: "meta", text: ` · ${MODE[item.mode]} · ${dateTime(item.created_at)}` })),
    summary ? el("p", { class: "meta", text: summary }) : null,
    item.reasons && item.reasons.length ? el("p", { class: "meta", text: item.reasons.map((r) => r.message).join(" ") }) : null,
    reportLink(item),
    el("p", { class: "actions" }, open));
}

let historyCursor = null;

async function loadHistory(next = false) {
  if (!next) historyCursor = null;
  const query = new URLSearchParams({ limit: "20" });
  if (chosenInsurer()) query.set("insurer_id", chosenInsurer());
  if (historyCursor) query.set("cursor", historyCursor);
  const page = await api.get(`/v1/operator/imports?${query}`);
  if (!next) parts.history.replaceChildren();
  parts.history.append(...page.items.map(historyItem));
  if (!parts.history.childElementCount) {
    parts.history.append(el("li", { class: "meta", text: "Aún no hay importaciones." }));
  }
  historyCursor = page.next_cursor;
  parts.more.hidden = !historyCursor;
}

// --- templates ---------------------------------------------------------------------------

async function template(button) {
  const kind = form.kind.value;
  const format = button.dataset.template;
  clearError(parts.templateLink);
  button.disabled = true;
  try {
    const file = await api.get(`/v1/operator/imports/templates/${encodeURIComponent(kind)}?format=${format}`);
    const name = `plantilla-${kind}.${format}`;
    showSuccess(parts.templateLink, `Plantilla lista; descárgala antes del ${dateTime(file.expires_at)}.`);
    const link = el("a", { href: file.url, rel: "noopener", "data-template-file": format, text: `Descargar ${name}` });
    parts.templateLink.append(el("p", {}, link));
    link.focus();
  } catch (error) {
    showError(parts.templateLink, error);
  } finally {
    button.disabled = false;
  }
}

// --- start -------------------------------------------------------------------------------

async function start() {
  const me = await myProfile();
  me.insurers.forEach((id, index) => form.insurer_id.add(new Option(me.insurer_names?.[index] || id, id)));
  multipleInsurers = me.insurers.length > 1;
  parts.insurerField.hidden = !multipleInsurers;
  const duties = me.duties || [];
  const listing = await api.get("/v1/operator/imports/kinds");
  for (const kind of listing.items) {
    if (!duties.includes(kind.duty)) continue;
    kinds.set(kind.name, kind);
    form.kind.add(new Option(kind.label, kind.name));
  }
  showKindHint();
  await loadHistory();
}

if (session) {
  form.kind.addEventListener("change", showKindHint);
  const failed = (error) => showError(parts.error, error);
  form.insurer_id.addEventListener("change", () => loadHistory().catch(failed));
  parts.more.addEventListener("click", () => loadHistory(true).catch(failed));
  for (const button of form.querySelectorAll("[data-template]")) {
    button.addEventListener("click", () => template(button));
  }
  bindForm(form, async (values) => {
    const file = form.file.files[0];
    if (!file) throw fieldError("file", "Elige el archivo que quieres importar.");
    if (!FILE_TYPES.test(file.name)) {
      throw fieldError("file", "El archivo debe ser CSV o Excel (.xlsx). Si es otro formato, guárdalo como CSV UTF-8 o como libro de Excel.");
    }
    if (file.size > MAX_BYTES) throw fieldError("file", "El archivo pesa más de 50 MB: divídelo en varios archivos.");
    if (!file.size) throw fieldError("file", "El archivo está vacío.");
    const body = {
      kind: values.kind || "",
      mode: values.mode || "validar",
      file: { name: file.name, size: file.size, content_type: file.type || "" },
    };
    if (chosenInsurer()) body.insurer_id = chosenInsurer();
    let created;
    try {
      created = await api.post("/v1/operator/imports", body);
    } catch (error) {
      throw besideTheFile(error);
    }
    const bar = el("progress", { max: "100", value: "0", "aria-label": `Subiendo ${file.name}` });
    const text = el("span", { text: `Subiendo ${file.name}…` });
    parts.upload.replaceChildren(text, bar);
    parts.upload.hidden = false;
    await uploadToSlot(created.slot, file, (percent) => {
      bar.value = percent;
      if (percent >= 100) text.textContent = `${file.name}: recibido.`;
    });
    return created.import_id;
  }, async (importId) => {
    form.file.value = "";
    parts.upload.hidden = true;
    follow(importId);
  });
  start().catch(failed);
}
